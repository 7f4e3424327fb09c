-- import_kinds.lua — what `qm import --what KIND` loads into the engine's own tables, each
-- kind declared as data (its columns, their types, the other header names a file may use)
-- with the function that checks and writes one row: responses (scores against each
-- question's scale, composite CAF parts, participants up to the model's maximum), units,
-- consensus decisions, case audits (long or wide), the action plan (improvement areas and
-- actions) and indicator measurements. docs/import.md lists the same columns (tested).
local host = require "qm.host"
local store = require "qm.engine.store"
local types = require "qm.lang.types"
local scale = require "qm.rules.scale"

local M = {}

local NULL = host.null
local trim = types.trim

-- blank -> nil, else the trimmed text
local function text(v)
  if v == nil or v == "" then return nil end
  if v:byte(1) > 32 and v:byte(-1) > 32 then return v end
  v = trim(v)
  if v == "" then return nil end
  return v
end

M.dontknow_words = { vi = true, ["ved ikke"] = true, ["?"] = true, dk = true, ["don't know"] = true, dontknow = true }

local PARTS, NO_PARTS = {}, {}
for _, list in pairs(scale.caf_parts) do for _, p in ipairs(list) do PARTS[#PARTS + 1] = p end end
table.sort(PARTS)

-- ---------------------------------------------------------------- rounds

-- The round state of a responses or consensus import: rows usually come round by round, so
-- only the current round's participants are held (memory does not grow with the file).
local function round_cursor(imp, db, m, ctx, opts)
  local cur = { id = nil }
  local reported = {}
  local function refuse(id, msg)
    cur.ok = false
    if reported[id] then
      imp.row_bad = true
      imp:error(nil)   -- counted, listed once
      return false
    end
    reported[id] = true
    imp:fail("round", msg .. " (every row of this round is refused)")
    return false
  end
  return function(id)
    if cur.id == id then
      if not cur.ok then imp.row_bad = true; imp:error(nil) end
      return cur.ok and cur or nil
    end
    cur = { id = id, participants = {}, count = 0, seen = {}, ok = false }
    local r = store.round(db, id)
    if not r then
      local create = opts.create
      if create and create.id == id then
        if not db:first("SELECT 1 FROM qm_units WHERE id = ?", { create.unit }) then
          return refuse(id, ("round \"%s\" would be created for unit \"%s\", which does not exist (import units first: qm import --what units)")
            :format(id, create.unit)) and nil
        end
        store.add_round(db, { id = id, model = m.id, unit = create.unit, started = create.started, scoring = store.scoring_of(m) })
        cur.created = true
        r = store.round(db, id)
      else
        return refuse(id, ("round \"%s\" does not exist (create it by importing with --round %s --unit UNIT)"):format(id, id)) and nil
      end
    end
    if r.model_id ~= m.id then return refuse(id, ("round \"%s\" belongs to model \"%s\", not \"%s\""):format(id, r.model_id, m.id)) and nil end
    if opts.open and r.status ~= "open" then
      return refuse(id, ("round \"%s\" is locked: consensus has started, so responses cannot be imported"):format(id)) and nil
    end
    local why = store.scoring_mismatch(r, m)
    if why then return refuse(id, why) and nil end
    if opts.open then store.record_scoring(db, r, m) end
    for p in db:query("SELECT code FROM qm_participants WHERE round_id = ?", { id }) do
      cur.participants[p.code] = true
      cur.count = cur.count + 1
    end
    cur.round = r
    cur.ok = true
    return cur
  end
end

-- ---------------------------------------------------------------- scores

-- a score cell: nil, "dontknow", or the value on the question's scale and its parts
local scale_cache = setmetatable({}, { __mode = "k" })
local function scale_of(q)
  local sc = scale_cache[q]
  if sc == nil then sc = q:scale_of() or false; scale_cache[q] = sc end
  return sc or nil
end

-- the fast path of a score written as whole digits on a whole-number scale (points, ordinal,
-- CAF classical): the same answer as the scale's check, without its general arithmetic
local find, tointeger = string.find, math.tointeger
local fast_cache = setmetatable({}, { __mode = "k" })
local function fast_check(sc)
  local f = fast_cache[sc]
  if f ~= nil then return f end
  f = false
  local lo, hi, step = sc.min, sc.max, sc.step or 1
  if (sc.kind == "points" or sc.kind == "ordinal" or sc.kind == "caf_classic")
     and tointeger(lo) and tointeger(hi) and tointeger(step) and step > 0 then
    lo, hi, step = tointeger(lo), tointeger(hi), tointeger(step)
    f = function(n)
      if n >= lo and n <= hi and (n - lo) % step == 0 then return n end
      return nil
    end
  end
  fast_cache[sc] = f
  return f
end

local function read_score(imp, q, row, env)
  local sc = scale_of(q)
  local raw = row.score
  if raw ~= nil and imp.cur.has_parts == false then
    local fast = fast_check(sc)
    if fast and find(raw, "^%d+$") then
      local n = tointeger(tonumber(raw))
      local v = n and fast(n)
      if v then return v end
    end
  end
  local parts
  local at = "score"   -- the column a problem with the parts is reported at
  if type(raw) == "table" then
    parts = raw
    raw = nil
  end
  -- part columns are looked for only when the file has them (a CSV header), or in YAML rows
  local cur = imp.cur
  local look = true
  if cur and cur.kind == "csv" then
    look = cur.has_parts
    if look == nil then
      look = false
      for _, p in ipairs(PARTS) do if cur.index[p] then look = true end end
      cur.has_parts = look
    end
  end
  for _, p in ipairs(look and PARTS or NO_PARTS) do
    if row[p] ~= nil then
      if not parts then at = p end
      parts = parts or {}
      if type(parts[p]) ~= "nil" or parts[p:upper()] ~= nil then
        imp:fail(p, ("%s is given twice"):format(p:upper()))
        return nil
      end
      parts[p:upper()] = row[p]
    end
  end
  if parts then
    if raw ~= nil and text(raw) ~= nil then
      imp:fail(at, "give the score or its parts, not both")
      return nil
    end
    if not sc.parts then
      imp:fail(at, ("question \"%s\" is scored on %s, which has no parts"):format(q.id, sc:describe()))
      return nil
    end
    local clean = {}
    for k, v in pairs(parts) do
      if type(v) == "table" then imp:fail(at, ("%s: expected a number"):format(tostring(k))) return nil end
      local n, err = types.number(tostring(v), env.decimal)
      if not n then imp:fail(at, ("%s: %s"):format(tostring(k):upper(), err)) return nil end
      clean[k] = n
    end
    local values, err = sc:parts_of(clean)
    if not values then
      -- at the part the message names (TRENDS on an enabler, ACT 130), else at the first
      -- part given in the scale's order (PLAN before DO)
      local named = (err:match("^(%u+) is not a part") or err:match("^(%u+) is given twice") or err:match("^(%u+): ") or ""):lower()
      if row[named] ~= nil then
        at = named
      else
        for _, p in ipairs(sc.parts) do if row[p] ~= nil then at = p break end end
      end
      imp:fail(at, ("question \"%s\": %s"):format(q.id, err))
      return nil
    end
    local v = sc:check(values)
    return v, values
  end
  local t = raw
  if t == nil then return "dontknow" end
  local n, err = types.number(t, env.decimal)
  if not n and M.dontknow_words[types.lower(t)] then return "dontknow" end
  local v, msg
  if n then v, msg = sc:check(n) else v, msg = sc:check(t) end
  if v == nil then
    imp:fail("score", ("question \"%s\": %s"):format(q.id, n and msg or (sc.kind == "yesno" and msg or err)))
    return nil
  end
  if v == scale.dontknow then return "dontknow" end
  if type(v) ~= "number" then
    imp:fail("score", ("question \"%s\": %s is not a score on %s"):format(q.id, t, sc:describe()))
    return nil
  end
  return v
end

-- ---------------------------------------------------------------- responses


M.responses = {
  name = "responses",
  own_foreign_keys = true,   -- writes each participant before its first answer (no FK checks needed)
  doc = "individual answers of an assessment round (KIK, CAF): the engine's qm_responses",
  needs_model = true,
  yaml_keys = { "responses" },
  columns = {
    { name = "round", raw = true, aliases = { "round_id", "runde" },
      doc = "the round (else --round R; --unit U creates a new one)" },
    { name = "participant", raw = true, required = true, aliases = { "deltager" },
      doc = "the participant's code (new codes become participants, up to the model's max_participants)" },
    { name = "question", raw = true, required = true, aliases = { "spørgsmål", "spoergsmaal", "sporgsmal" },
      doc = "the question's id (or an alias)" },
    { name = "score", raw = true, nested = true, aliases = { "point", "svar" },
      doc = "a score on the question's scale; blank, vi, ved ikke = don't know; a YAML mapping of parts for CAF fine-tuned" },
    { name = "dontknow", type = "boolean", aliases = { "ved_ikke" }, doc = "1/ja: don't know (the score must be blank)" },
    { name = "strengths", type = "text", aliases = { "styrker" }, doc = "text" },
    { name = "improvements", type = "text", aliases = { "forbedringer", "forbedringsområder" }, doc = "text" },
    { name = "suggestions", type = "text", aliases = { "forslag" }, doc = "text" },
  },
}
for _, p in ipairs(PARTS) do
  table.insert(M.responses.columns, { name = p, raw = true, aliases = {},
    doc = ("CAF fine-tuned: the %s part, 0-100 (instead of score)"):format(p:upper()) })
end

-- the per-participant YAML form: participant: P3, round: (optional), answers: { "1.1": 70,
-- "1.2": { score: 60, strengths: ... }, "1.3": { PLAN: 60, DO: 50, CHECK: 40, ACT: 30 } }
function M.responses.yaml_rows(doc, imp, path)
  local yaml = require "qm.yaml"
  if type(doc) ~= "table" or doc.answers == nil then return nil end
  local rows = {}
  if type(doc.answers) ~= "table" or #doc.answers > 0 then
    imp:error(("%s: answers must be a mapping of question: score"):format(yaml.where(doc, "answers") or (path .. ":1")))
    return rows
  end
  for _, k in ipairs(yaml.keys(doc)) do
    if k ~= "answers" and k ~= "participant" and k ~= "round" then
      imp:error(("%s: %s: not a field of the form (participant, round, answers)"):format(yaml.where(doc, k) or path, k))
    end
  end
  for _, qid in ipairs(yaml.keys(doc.answers)) do
    local a = doc.answers[qid]
    local r = { values = { participant = doc.participant, round = doc.round, question = qid },
                order = { "participant", "round", "question" },
                where = yaml.where(doc.answers, qid),
                wheres = { participant = yaml.where(doc, "participant"), round = yaml.where(doc, "round"),
                           question = yaml.where(doc.answers, qid) } }
    if type(a) == "table" and a ~= yaml.null then
      for _, k in ipairs(yaml.keys(a)) do
        local key = tostring(k)
        r.values[key] = a[k]
        r.order[#r.order + 1] = key
        r.wheres[key] = yaml.where(a, k)
      end
    else
      r.values.score = a
      r.order[#r.order + 1] = "score"
      r.wheres.score = yaml.where(doc.answers, qid)
    end
    rows[#rows + 1] = r
  end
  return rows
end

function M.responses.run(imp, db, ctx, m, files)
  local opts = ctx.opts
  local create
  if opts.round and opts.unit then create = { id = opts.round, unit = opts.unit[1], started = opts.started } end
  local enter = round_cursor(imp, db, m, ctx, { open = true, create = create })
  local ins = db:prepare([[INSERT INTO qm_responses(round_id, participant, question, score, dontknow, strengths,
                           improvements, suggestions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)]])
  local ins_part = db:prepare("INSERT INTO qm_response_parts(round_id, participant, question, part, value) VALUES (?, ?, ?, ?, ?)")
  local ins_participant = db:prepare("INSERT INTO qm_participants(round_id, code) VALUES (?, ?)")
  local questions = {}
  for _, q in ipairs(m:questions()) do questions[q.id] = q end
  local max = m.max_participants
  local n, new_participants, rounds = 0, 0, {}
  local nrounds = 0
  for _, path in ipairs(files) do
    imp:each(path, M.responses, function(row)
      -- raw values come trimmed and never blank (importer)
      local round_id = row.round or opts.round
      if not round_id then imp:fail("round", "missing (add a round column, or give --round R)") return end
      local p = row.participant
      local qid = row.question
      local q = qid and (questions[qid] or m:find(qid))
      if not p then imp:fail("participant", "missing") end
      if not qid then imp:fail("question", "missing")
      elseif not q or q.kind ~= "question" then imp:fail("question", ("unknown question \"%s\" (not in model %s)"):format(qid, m.id)) end
      local bad = imp.row_bad
      local cur = enter(round_id)
      if not cur then return end
      -- a new participant counts towards the model's maximum even in a row with other errors
      if p and not cur.participants[p] then
        if max and cur.count >= max then
          imp:fail("participant", ("%s would be participant number %d, but model %s allows at most %d")
            :format(p, cur.count + 1, m.id, max))
        else
          ins_participant:try(round_id, p)
          new_participants = new_participants + 1
        end
        cur.participants[p] = true
        cur.count = cur.count + 1
      end
      if bad or not q then return end
      local score, parts = read_score(imp, q, row, imp.env)
      if score == nil or imp.row_bad then return end
      local dontknow = 0
      if row.dontknow == 1 then
        if score ~= "dontknow" then imp:fail("dontknow", "give a score or don't know, not both") return end
      end
      if score == "dontknow" then dontknow, score = 1, NULL end
      local seen = cur.seen[p]
      if not seen then seen = {}; cur.seen[p] = seen end
      local first = seen[q.id]
      if first then
        imp:fail("question", ("participant %s answered question %s twice in round %s (first at %s)"):format(p, q.id, round_id, imp:where_of(first)))
        return
      end
      local ok = ins:try(round_id, p, q.id, score, dontknow, row.strengths or NULL, row.improvements or NULL, row.suggestions or NULL)
      if not ok then
        imp:fail("question", ("participant %s has already answered question %s in round %s"):format(p, q.id, round_id))
        return
      end
      seen[q.id] = imp.files * 4294967296 + imp.cur.line   -- imp:mark()
      if parts then
        local names = {}
        for k in pairs(parts) do names[#names + 1] = k end
        table.sort(names)
        for _, k in ipairs(names) do ins_part:try(round_id, p, q.id, k, parts[k]) end
      end
      if not rounds[round_id] then rounds[round_id] = true; nrounds = nrounds + 1 end
      n = n + 1
    end)
  end
  ins:close(); ins_part:close(); ins_participant:close()
  local into = nrounds == 1 and ("round " .. next(rounds)) or ("%d rounds"):format(nrounds)
  return ("imported %d responses into %s (%d new participants)"):format(n, into, new_participants)
end

-- ---------------------------------------------------------------- units

M.units = {
  name = "units",
  doc = "organisation units and their hierarchy (municipality, centre, unit; job centre, team, caseworker): qm_units",
  yaml_keys = { "units" },
  columns = {
    { name = "id", type = "text", required = true, aliases = { "enhed", "unit", "unit_id" }, doc = "the unit's id" },
    { name = "parent_id", type = "text", aliases = { "parent", "overordnet" },
      doc = "the unit above it (in the file, in any order, or already in the database)" },
    { name = "kind", type = "text", required = true, aliases = { "type", "art" }, doc = "kommune, center, enhed, team, ..." },
    { name = "name", type = "text", required = true, aliases = { "navn" }, doc = "the name people see" },
  },
}

function M.units.run(imp, db, ctx, m, files)
  db:exec("PRAGMA defer_foreign_keys = ON")   -- children may come before their parents
  local ins = db:prepare("INSERT INTO qm_units(id, parent_id, kind, name) VALUES (?, ?, ?, ?)")
  local where_of, n = {}, 0
  for _, path in ipairs(files) do
    imp:each(path, M.units, function(row)
      local ok = ins:try(row.id, row.parent_id or NULL, row.kind, row.name)
      if not ok then
        imp:fail("id", ("unit \"%s\" exists already (%s)"):format(row.id, where_of[row.id] or "in the database"))
        return
      end
      where_of[row.id] = imp:where()
      n = n + 1
    end)
  end
  ins:close()
  for u in db:query([[SELECT id, parent_id FROM qm_units WHERE parent_id IS NOT NULL
                      AND parent_id NOT IN (SELECT id FROM qm_units) ORDER BY id]]) do
    imp:error(("%s: parent_id: unit \"%s\" does not exist"):format(where_of[u.id] or u.id, u.parent_id))
  end
  for u in db:query([[WITH RECURSIVE up(start, cur, n) AS (
                        SELECT id, parent_id, 1 FROM qm_units WHERE parent_id IS NOT NULL
                        UNION ALL SELECT up.start, u.parent_id, up.n + 1 FROM up JOIN qm_units u ON u.id = up.cur
                        WHERE up.cur <> up.start AND u.parent_id IS NOT NULL AND up.n < 100000)
                      SELECT DISTINCT start FROM up WHERE cur = start ORDER BY start]]) do
    imp:error(("%s: parent_id: the units' parents go round in a circle through \"%s\""):format(where_of[u.start] or u.start, u.start))
  end
  return ("imported %d units"):format(n)
end

-- ---------------------------------------------------------------- rounds

M.rounds = {
  name = "rounds",
  doc = "assessment rounds of the model: a unit, a start date, the round before (qm_rounds)",
  needs_model = true,
  yaml_keys = { "rounds" },
  columns = {
    { name = "id", type = "text", required = true, aliases = { "round", "runde" }, doc = "the round's id" },
    { name = "unit_id", type = "text", required = true, aliases = { "unit", "enhed" }, doc = "the unit assessed (in qm_units)" },
    { name = "started", type = "date", aliases = { "start", "startdato" }, doc = "when the round began" },
    { name = "previous_id", type = "text", aliases = { "previous", "forrige" }, doc = "the unit's round before this one (in the file or the database)" },
  },
}

function M.rounds.run(imp, db, ctx, m, files)
  db:exec("PRAGMA defer_foreign_keys = ON")   -- a round may come before the one it follows
  local ins = db:prepare("INSERT INTO qm_rounds(id, model_id, unit_id, started, previous_id, scoring) VALUES (?, ?, ?, ?, ?, ?)")
  local unit = db:prepare("SELECT 1 FROM qm_units WHERE id = ?")
  local where_of, n = {}, 0
  local scoring = store.scoring_of(m)
  for _, path in ipairs(files) do
    imp:each(path, M.rounds, function(row)
      if not unit:scalar({ row.unit_id }) then
        imp:fail("unit_id", ("unit \"%s\" does not exist (import units first: qm import --what units)"):format(row.unit_id)) return
      end
      if not ins:try(row.id, m.id, row.unit_id, row.started or NULL, row.previous_id or NULL, scoring) then
        imp:fail("id", ("round \"%s\" exists already (%s)"):format(row.id, where_of[row.id] or "in the database")) return
      end
      if row.previous_id then where_of[row.id] = imp:where() end
      n = n + 1
    end)
  end
  ins:close(); unit:close()
  for r in db:query([[SELECT id, previous_id FROM qm_rounds WHERE previous_id IS NOT NULL
                      AND previous_id NOT IN (SELECT id FROM qm_rounds) ORDER BY id]]) do
    imp:error(("%s: previous_id: round \"%s\" does not exist"):format(where_of[r.id] or r.id, r.previous_id))
  end
  return ("imported %d rounds of model %s"):format(n, m.id)
end

-- ---------------------------------------------------------------- consensus

M.consensus = {
  name = "consensus",
  doc = "agreed scores of a round (with their history): qm_consensus",
  needs_model = true,
  yaml_keys = { "consensus" },
  columns = {
    { name = "round", raw = true, aliases = { "round_id", "runde" }, doc = "the round (else --round R)" },
    { name = "question", raw = true, required = true, aliases = { "spørgsmål", "spoergsmaal" }, doc = "the question's id" },
    { name = "score", raw = true, aliases = { "point" }, doc = "the agreed score; blank or ved ikke = don't know" },
    { name = "comment", type = "text", aliases = { "kommentar", "begrundelse" }, doc = "why (kept in the history)" },
    { name = "by", type = "text", aliases = { "af", "decided_by" }, doc = "who decided" },
    { name = "at", type = "text", aliases = { "decided_at", "tidspunkt" }, doc = "when (ISO 8601, e.g. 2025-04-15T10:00:00Z; default: now)" },
    { name = "strengths", type = "text", aliases = { "styrker" }, doc = "text" },
    { name = "improvements", type = "text", aliases = { "forbedringer", "forbedringsområder" }, doc = "text" },
  },
}

function M.consensus.run(imp, db, ctx, m, files)
  local enter = round_cursor(imp, db, m, ctx, { open = false })
  local n, seen = 0, {}
  for _, path in ipairs(files) do
    imp:each(path, M.consensus, function(row)
      local round_id = text(row.round) or ctx.opts.round
      if not round_id then imp:fail("round", "missing (add a round column, or give --round R)") return end
      local qid = text(row.question)
      local q = qid and m:find(qid)
      if not q or q.kind ~= "question" then imp:fail("question", ("unknown question \"%s\" (not in model %s)"):format(tostring(qid), m.id)) return end
      if not enter(round_id) then return end
      local score = read_score(imp, q, row, imp.env)
      if score == nil then return end
      local key = round_id .. "\0" .. q.id
      if seen[key] then imp:fail("question", ("question %s is decided twice in round %s (first at %s)"):format(q.id, round_id, seen[key])) return end
      seen[key] = imp:where()
      store.record_consensus(db, { round = round_id, question = q.id, score = score ~= "dontknow" and score or nil,
        dontknow = score == "dontknow", comment = row.comment, by = row.by, at = row.at, strengths = row.strengths, improvements = row.improvements })
      n = n + 1
    end)
  end
  return ("recorded %d consensus decisions"):format(n)
end

-- ---------------------------------------------------------------- case audits


-- a table name the model names (audit.table, progression.tables): letters, digits, _
local function table_name(name, what)
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    host.raise(host.exit.model, ("%s: %q is not a table name"):format(what, tostring(name)), 0)
  end
  return name
end
M.table_name = table_name

M.audit = {
  name = "audit",
  doc = "case audits: one answer per round, case and criterion (a yes/no question of the model), long or wide",
  needs_model = true,
  yaml_keys = { "audit" },
  columns = {
    { name = "round", raw = true, aliases = { "runde" }, doc = "the audit round (else --round R)" },
    { name = "case_id", raw = true, required = true, aliases = { "sag", "case" }, doc = "the audited case" },
    { name = "criterion", raw = true, aliases = { "kriterium" }, doc = "long form: the criterion (a yes/no question's id)" },
    { name = "answer", raw = true, aliases = { "svar" }, doc = "long form: ja/nej/ikke relevant (yes/no/na, 1/0); blank = not applicable" },
  },
}

local function audit_decl()
  -- wide files: every other column is a criterion
  local decl = { name = "audit", yaml_keys = M.audit.yaml_keys, columns = M.audit.columns, criteria = {} }
  decl.extra = function(h)
    local c = { name = "criterion:" .. h, raw = true, criterion = h }
    decl.criteria[#decl.criteria + 1] = c
    return c
  end
  decl.check_header = function(index)
    if index.criterion and #decl.criteria > 0 then
      return ("a long file (with a criterion column) has no criterion columns: %s"):format(decl.criteria[1].criterion)
    end
    if not index.criterion and #decl.criteria == 0 then return "no criterion column and no criteria as columns" end
  end
  return decl
end

-- a temporary table of the keys written so far, to find a key given twice in streaming
-- imports whatever the target table's indexes
local function key_tracker(db, n)
  local cols, q = {}, {}
  for i = 1, n do cols[#cols + 1] = "k" .. i; q[#q + 1] = "?" end
  db:exec("DROP TABLE IF EXISTS temp.qm_import_keys")
  db:exec(("CREATE TEMP TABLE qm_import_keys (%s, at TEXT, UNIQUE (%s))"):format(table.concat(cols, ", "), table.concat(cols, ", ")))
  local ins = db:prepare(("INSERT INTO temp.qm_import_keys VALUES (%s, ?)"):format(table.concat(q, ", ")))
  local get = db:prepare(("SELECT at FROM temp.qm_import_keys WHERE %s"):format((table.concat(cols, " = ? AND ") .. " = ?")))
  return {
    -- nil when new, else where the key was first given
    add = function(at, ...)
      local args = table.pack(...)
      args[n + 1] = at
      if ins:try(table.unpack(args, 1, n + 1)) then return nil end
      return get:scalar({ ... }) or "?"
    end,
    close = function() ins:close(); get:close(); db:exec("DROP TABLE IF EXISTS temp.qm_import_keys") end,
  }
end
M.key_tracker = key_tracker

function M.audit.run(imp, db, ctx, m, files)
  local settings = m.audit or {}
  local tbl = table_name(settings.table or "audit_answers", "audit.table")
  local allowed, allowed_list = nil, settings.rounds
  if allowed_list then
    allowed = {}
    for _, r in ipairs(allowed_list) do allowed[tostring(r)] = true end
  end
  local exists = db:scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", { tbl }) > 0
  if not exists then
    db:exec(("CREATE TABLE %s (round TEXT NOT NULL, case_id TEXT NOT NULL, criterion TEXT NOT NULL, answer INTEGER, "
      .. "UNIQUE (round, case_id, criterion))"):format(tbl))
  end
  local ins = db:prepare(("INSERT INTO %s (round, case_id, criterion, answer) VALUES (?, ?, ?, ?)"):format(tbl))
  local keys = key_tracker(db, 3)
  -- the answers the table had before this import, indexed: the table itself may have no
  -- index (the demo's has none), and a lookup per row in it would scan it whole every time
  -- (20 000 answers into 24 000 took a minute). CREATE TABLE AS keeps the columns' affinity,
  -- so a case_id compares as it does in the table.
  db:exec("DROP TABLE IF EXISTS temp.qm_import_audit")
  db:exec(("CREATE TEMP TABLE qm_import_audit AS SELECT round, case_id, criterion FROM main.%s"):format(tbl))
  db:exec("CREATE INDEX temp.qm_import_audit_key ON qm_import_audit (round, case_id, criterion)")
  local existing = db:prepare("SELECT 1 FROM temp.qm_import_audit WHERE round = ? AND case_id = ? AND criterion = ? LIMIT 1")
  local n, cases, ncases = 0, {}, 0
  local reported = {}
  local function one(round, case, cid, raw, field, wide_col)
    local q = m:find(cid)
    if not q or q.kind ~= "question" or not q:scale_of() or q:scale_of().kind ~= "yesno" then
      local msg = (not q or q.kind ~= "question") and ("unknown criterion \"%s\" (not in model %s)"):format(cid, m.id)
        or ("\"%s\" is not a yes/no criterion"):format(cid)
      if wide_col then
        -- a wrong column of a wide file is one error at its header, not one per case
        if not reported[wide_col] then
          reported[wide_col] = true
          imp:error(("%s:1: column %s: %s"):format(imp.cur.path, cid, msg))
        end
      else
        imp:fail("criterion", msg)
      end
      return
    end
    local sc = q:scale_of()
    local v = text(raw)
    local answer
    if v == nil or v == "-" then
      if not sc.allow_na then imp:fail(field, ("criterion \"%s\": missing (the criterion is always applicable)"):format(q.id)) return end
      answer = NULL
    else
      local x, msg = sc:check(tonumber(v) or v)
      if x == nil then imp:fail(field, ("criterion \"%s\": %s"):format(q.id, msg)) return end
      answer = type(x) == "number" and x or NULL
    end
    local first = keys.add(imp:where(), round, case, q.id)
    if first then imp:fail("case_id", ("case %s has two answers to %s in round %s (first at %s)"):format(case, q.id, round, first)) return end
    if existing:scalar({ round, case, q.id }) then
      imp:fail("case_id", ("case %s already has an answer to %s in round %s"):format(case, q.id, round)) return
    end
    ins:try(round, case, q.id, answer)
    n = n + 1
    local ck = round .. "\0" .. case
    if not cases[ck] then cases[ck] = true; ncases = ncases + 1 end
  end
  for _, path in ipairs(files) do
    local decl = audit_decl()
    imp:each(path, decl, function(row)
      local round = text(row.round) or ctx.opts.round
      local case = text(row.case_id)
      if not round then imp:fail("round", "missing (add a round column or give --round R)") return end
      if allowed and not allowed[round] then
        imp:fail("round", ("unknown round \"%s\" (model %s has rounds %s)"):format(round, m.id, table.concat(allowed_list, ", "))) return
      end
      if not case then imp:fail("case_id", "missing") return end
      if #decl.criteria == 0 then
        local cid = text(row.criterion)
        if not cid then imp:fail("criterion", "missing") return end
        one(round, case, cid, row.answer, "answer")
      else
        for _, c in ipairs(decl.criteria) do one(round, case, c.criterion, row[c.name], c.name, c) end
      end
    end)
  end
  ins:close(); existing:close(); keys.close()
  db:exec("DROP TABLE IF EXISTS temp.qm_import_audit")
  return ("imported %d answers for %d audited cases into %s"):format(n, ncases, tbl)
end

-- ---------------------------------------------------------------- the action plan

M.plan = {
  name = "plan",
  doc = "the action plan: improvement areas of a round and the actions for them (qm_areas, qm_actions); one row per action, or per area without actions",
  needs_model = true,
  yaml_keys = { "plan", "actions" },
  columns = {
    { name = "round", raw = true, aliases = { "round_id", "runde" }, doc = "the round (else --round R)" },
    { name = "question", raw = true, aliases = { "spørgsmål" }, doc = "the question the area is about (optional)" },
    { name = "area", type = "text", aliases = { "forbedringsområde", "omraade", "område" },
      doc = "the improvement area's text; rows with the same round, question and area share one area" },
    { name = "impact", type = "number", min = 0, aliases = { "effekt" }, doc = "the area's expected impact" },
    { name = "effort", type = "number", min = 0, aliases = { "indsats" }, doc = "the area's effort" },
    { name = "importance", type = "number", min = 0, aliases = { "vigtighed" }, doc = "number" },
    { name = "reach", type = "number", min = 0, doc = "number" },
    { name = "confidence", type = "number", min = 0, doc = "number" },
    { name = "moscow", type = "enum", values = { "must", "should", "could", "wont" }, doc = "must, should, could, wont" },
    { name = "selected", type = "boolean", aliases = { "valgt" }, doc = "the area is chosen for the plan" },
    { name = "title", type = "text", aliases = { "handling", "titel", "action" }, doc = "the action (blank: an area without actions)" },
    { name = "owner", type = "text", aliases = { "ansvarlig" }, doc = "who is responsible" },
    { name = "start", type = "date", doc = "a date" },
    { name = "deadline", type = "date", aliases = { "frist" }, doc = "a date" },
    { name = "status", type = "enum", values = { "planned", "started", "done", "cancelled" }, doc = "planned (default), started, done, cancelled" },
    { name = "resources", type = "text", aliases = { "ressourcer" }, doc = "text" },
    { name = "themes", type = "text", aliases = { "temaer" }, doc = "theme ids, comma-separated" },
    { name = "done_at", type = "date", doc = "when it was done" },
  },
}

function M.plan.run(imp, db, ctx, m, files)
  local enter = round_cursor(imp, db, m, ctx, { open = false })
  local find_area = db:prepare("SELECT id FROM qm_areas WHERE round_id = ? AND coalesce(question, '') = ? AND text = ?")
  local nareas, nactions = 0, 0
  for _, path in ipairs(files) do
    imp:each(path, M.plan, function(row)
      local round_id = text(row.round) or ctx.opts.round
      if not round_id then imp:fail("round", "missing (add a round column, or give --round R)") return end
      local qid, q = text(row.question), nil
      if qid then
        q = m:find(qid)
        if not q or q.kind ~= "question" then imp:fail("question", ("unknown question \"%s\" (not in model %s)"):format(qid, m.id)) return end
      end
      if not enter(round_id) then return end
      if not row.area and not row.title then imp:fail("title", "give an action (title) or an improvement area (area), or both") return end
      local area_id
      if row.area then
        area_id = find_area:scalar({ round_id, q and q.id or "", row.area })
        if not area_id then
          area_id = store.add_area(db, { round = round_id, question = q and q.id, text = row.area, impact = row.impact, effort = row.effort,
            importance = row.importance, reach = row.reach, confidence = row.confidence, moscow = row.moscow })
          if row.selected == 1 then db:exec("UPDATE qm_areas SET selected = 1 WHERE id = ?", { area_id }) end
          nareas = nareas + 1
        end
      end
      if row.title then
        store.add_action(db, { round = round_id, area = area_id, title = row.title, owner = row.owner, start = row.start,
          deadline = row.deadline, status = row.status, resources = row.resources, themes = row.themes, done_at = row.done_at,
          comment = "imported from " .. imp:where() })
        nactions = nactions + 1
      end
    end)
  end
  find_area:close()
  return ("imported %d improvement areas and %d actions"):format(nareas, nactions)
end

-- ---------------------------------------------------------------- measurements

M.measurements = {
  name = "measurements",
  doc = "indicator measurements recorded by qm (qm_measurements), for indicators whose SQL reads them",
  needs_model = true,
  yaml_keys = { "measurements" },
  columns = {
    { name = "indicator", type = "element", of = "indicator", required = true, aliases = { "indikator" }, doc = "an indicator of the model" },
    { name = "unit_id", type = "text", aliases = { "unit", "enhed" }, doc = "the unit measured (optional)" },
    { name = "period", type = "period", aliases = { "periode" }, doc = "a period (2016, 2016-03, 2016-Q3, 2016-H1)" },
    { name = "date", type = "date", aliases = { "dato" }, doc = "the date of the measurement" },
    { name = "value", type = "number", aliases = { "værdi", "vaerdi" }, doc = "the measured value" },
    { name = "note", type = "text", aliases = { "note", "bemærkning" }, doc = "text" },
  },
}

function M.measurements.run(imp, db, ctx, m, files)
  local ins = db:prepare("INSERT INTO qm_measurements(indicator, unit_id, period, date, value, note) VALUES (?, ?, ?, ?, ?, ?)")
  local n = 0
  for _, path in ipairs(files) do
    imp:each(path, M.measurements, function(row)
      if row.period == nil and row.date == nil then imp:fail("period", "give a period or a date") return end
      ins:try(row.indicator, row.unit_id or NULL, row.period or NULL, row.date or NULL, row.value or NULL, row.note or NULL)
      n = n + 1
    end)
  end
  ins:close()
  return ("imported %d measurements"):format(n)
end

M.order = { "responses", "units", "rounds", "consensus", "audit", "plan", "measurements" }

return M
