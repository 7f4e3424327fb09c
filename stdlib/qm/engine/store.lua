-- store.lua — the engine's own schema in the database (docs/schema.md): units and their
-- hierarchy, assessment rounds, participants, responses, consensus decisions with their
-- history, improvement areas, actions with their history, indicator measurements. The
-- engine creates and migrates it itself (PRAGMA user_version is the schema version), and
-- changes it only through the functions here, which keep history and check what they write.
local M = {}

M.version = 2

-- migrations[n] takes a database from version n-1 to n
local migrations = {
  [[
  CREATE TABLE qm_meta (key TEXT PRIMARY KEY, value TEXT);
  CREATE TABLE qm_units (
    id TEXT PRIMARY KEY, parent_id TEXT REFERENCES qm_units(id), kind TEXT NOT NULL, name TEXT NOT NULL);
  CREATE INDEX qm_units_parent ON qm_units(parent_id);
  CREATE TABLE qm_rounds (
    id TEXT PRIMARY KEY, model_id TEXT NOT NULL, unit_id TEXT NOT NULL REFERENCES qm_units(id),
    started TEXT, status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'consensus', 'closed')),
    previous_id TEXT REFERENCES qm_rounds(id));
  CREATE INDEX qm_rounds_unit ON qm_rounds(unit_id, model_id);
  CREATE TABLE qm_participants (
    round_id TEXT NOT NULL REFERENCES qm_rounds(id), code TEXT NOT NULL, name TEXT, role TEXT,
    PRIMARY KEY (round_id, code));
  CREATE TABLE qm_responses (
    round_id TEXT NOT NULL, participant TEXT NOT NULL, question TEXT NOT NULL,
    score REAL, dontknow INTEGER NOT NULL DEFAULT 0 CHECK (dontknow IN (0, 1)),
    strengths TEXT, improvements TEXT, suggestions TEXT,
    PRIMARY KEY (round_id, question, participant),
    FOREIGN KEY (round_id, participant) REFERENCES qm_participants(round_id, code),
    CHECK (dontknow = 0 OR score IS NULL)) WITHOUT ROWID;
  CREATE TABLE qm_consensus (
    round_id TEXT NOT NULL REFERENCES qm_rounds(id), question TEXT NOT NULL, score REAL,
    dontknow INTEGER NOT NULL DEFAULT 0, strengths TEXT, improvements TEXT, comment TEXT,
    decided_by TEXT, decided_at TEXT, PRIMARY KEY (round_id, question));
  CREATE TABLE qm_consensus_history (
    id INTEGER PRIMARY KEY, round_id TEXT NOT NULL, question TEXT NOT NULL, old_score REAL,
    new_score REAL, comment TEXT, changed_by TEXT, changed_at TEXT);
  CREATE TABLE qm_area_groups (
    id INTEGER PRIMARY KEY, round_id TEXT NOT NULL REFERENCES qm_rounds(id), name TEXT NOT NULL,
    depends_on INTEGER REFERENCES qm_area_groups(id));
  CREATE TABLE qm_areas (
    id INTEGER PRIMARY KEY, round_id TEXT NOT NULL REFERENCES qm_rounds(id), question TEXT,
    text TEXT NOT NULL, group_id INTEGER REFERENCES qm_area_groups(id),
    impact REAL, effort REAL, importance REAL, reach REAL, confidence REAL, moscow TEXT,
    selected INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE qm_actions (
    id INTEGER PRIMARY KEY, round_id TEXT NOT NULL REFERENCES qm_rounds(id),
    area_id INTEGER REFERENCES qm_areas(id), title TEXT NOT NULL, owner TEXT, start TEXT,
    deadline TEXT, status TEXT NOT NULL DEFAULT 'planned'
      CHECK (status IN ('planned', 'started', 'done', 'cancelled')),
    resources TEXT, themes TEXT, done_at TEXT);
  CREATE TABLE qm_action_history (
    id INTEGER PRIMARY KEY, action_id INTEGER NOT NULL REFERENCES qm_actions(id), field TEXT NOT NULL,
    old_value TEXT, new_value TEXT, comment TEXT, changed_by TEXT, changed_at TEXT);
  CREATE TABLE qm_measurements (
    indicator TEXT NOT NULL, unit_id TEXT, period TEXT, date TEXT, value REAL, note TEXT);
  ]],
  -- 2: the parts of a composite score (CAF fine-tuned: PLAN, DO, CHECK, ACT; TRENDS, TARGETS)
  -- kept beside the averaged score, and the scoring a round's answers were given on
  [[
  ALTER TABLE qm_rounds ADD COLUMN scoring TEXT;
  CREATE TABLE qm_response_parts (
    round_id TEXT NOT NULL, participant TEXT NOT NULL, question TEXT NOT NULL, part TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (round_id, question, participant, part),
    FOREIGN KEY (round_id, question, participant) REFERENCES qm_responses(round_id, question, participant))
    WITHOUT ROWID;
  ]],
}

-- the time changes are stamped with; QM_NOW fixes it (tests, reproducible demos)
function M.now()
  return os.getenv("QM_NOW") or os.date("!%Y-%m-%dT%H:%M:%SZ")
end

function M.schema_version(db)
  return db:scalar("PRAGMA user_version")
end

-- create or migrate the schema; needs a writable engine connection
function M.migrate(db)
  local v = M.schema_version(db)
  if v > M.version then
    error(("the database has schema version %d, newer than this qm (%d): upgrade qm"):format(v, M.version), 0)
  end
  if v == M.version then return false end
  db:transaction(function()
    for n = v + 1, M.version do
      db:exec(migrations[n])
      db:exec("PRAGMA user_version = " .. n)
    end
  end)
  return true
end

-- ensure the schema exists: migrate a writable database, or check a read-only one
function M.ensure(db)
  local v = M.schema_version(db)
  if v == M.version then return end
  if db:readonly() then
    if v == 0 then error("the database has no qm data yet (import responses first, with --write)", 0) end
    error(("the database has schema version %d; open it once with --write to migrate it to %d"):format(v, M.version), 0)
  end
  M.migrate(db)
end

-- ---------------------------------------------------------------- writes through the engine

local function fail(msg) error(msg, 3) end

-- SQL parameters from a table whose optional values may be nil: every named parameter of
-- the statement gets a value, null when the Lua value is nil
local NULL = require("qm.host").null
local function sqlp(sql, t)
  local out = {}
  for name in sql:gmatch(":([%a_][%w_]*)") do
    local v = t[name]
    if v == nil then v = NULL end
    out[name] = v
  end
  return out
end
local function exec(db, sql, t) return db:exec(sql, sqlp(sql, t)) end

function M.add_unit(db, u)
  if type(u.id) ~= "string" or u.id == "" then fail("unit: id is required") end
  if type(u.name) ~= "string" then fail(("unit \"%s\": name is required"):format(u.id)) end
  if type(u.kind) ~= "string" then fail(("unit \"%s\": kind is required (municipality, centre, unit, ...)"):format(u.id)) end
  if u.parent and not db:first("SELECT 1 FROM qm_units WHERE id = ?", { u.parent }) then
    fail(("unit \"%s\": parent \"%s\" does not exist (add parents first)"):format(u.id, u.parent))
  end
  exec(db, "INSERT INTO qm_units(id, parent_id, kind, name) VALUES (:id, :parent, :kind, :name)",
    { id = u.id, parent = u.parent, kind = u.kind, name = u.name })
end

function M.add_round(db, r)
  if not db:first("SELECT 1 FROM qm_units WHERE id = ?", { r.unit }) then
    fail(("round \"%s\": unit \"%s\" does not exist"):format(tostring(r.id), tostring(r.unit)))
  end
  exec(db, "INSERT INTO qm_rounds(id, model_id, unit_id, started, previous_id, scoring) VALUES (:id, :model, :unit, :started, :previous, :scoring)",
    { id = r.id, model = r.model, unit = r.unit, started = r.started, previous = r.previous, scoring = r.scoring })
end

-- The scoring a model's questions are answered on, recorded with a round when its first
-- answers come in: the scales' descriptions ("CAF classical enablers 0-5; ..."). A report
-- on the round with the model loaded another way (CAF 2020 without --param scoring=fine)
-- is refused instead of printing fine-tuned numbers under the classical heading.
function M.scoring_of(m)
  -- most questions share a scale (the model's): each scale is described once
  local seen, described, list = {}, {}, {}
  for _, q in ipairs(m:questions()) do
    local sc = q:scale_of()
    if sc and not described[sc] then
      described[sc] = true
      local d = sc:describe()
      if d and not seen[d] then seen[d] = true; list[#list + 1] = d end
    end
  end
  table.sort(list)
  return table.concat(list, "; ")
end

-- nil when the round may be read or written with model m, else why not
function M.scoring_mismatch(r, m)
  local recorded = r.scoring
  if recorded == nil or recorded == NULL or recorded == "" then return nil end
  local now = M.scoring_of(m)
  if recorded == now then return nil end
  local hint = ""
  if recorded:match("CAF fine%-tuned") and not now:match("CAF fine%-tuned") then hint = " (run with --param scoring=fine)"
  elseif recorded:match("CAF classical") and not now:match("CAF classical") then hint = " (run without --param scoring=fine)" end
  return ("round \"%s\" was scored on %s, but model %s is loaded with %s: load it the way the round was scored%s")
    :format(r.id, recorded, m.id, now, hint)
end

-- record the model's scoring with a round that has none yet (rounds made before schema 2)
function M.record_scoring(db, r, m)
  if r.scoring == nil or r.scoring == NULL or r.scoring == "" then
    db:exec("UPDATE qm_rounds SET scoring = ? WHERE id = ?", { M.scoring_of(m), r.id })
    r.scoring = M.scoring_of(m)
  end
end

function M.round(db, id)
  return db:first("SELECT * FROM qm_rounds WHERE id = ?", { id })
end

function M.add_participant(db, round_id, p, max)
  local n = db:scalar("SELECT count(*) FROM qm_participants WHERE round_id = ?", { round_id })
  if max and n >= max then
    fail(("round \"%s\": at most %d participants (the model's max_participants)"):format(round_id, max))
  end
  db:exec("INSERT INTO qm_participants(round_id, code, name, role) VALUES (?, ?, ?, ?)", { round_id, p.code, p.name or NULL, p.role or NULL })
end

-- responses are locked once consensus has started for the round
function M.check_open(db, round_id)
  local r = M.round(db, round_id)
  if not r then fail(("round \"%s\" does not exist"):format(round_id)) end
  if r.status ~= "open" then
    fail(("round \"%s\" is locked: consensus has started, so individual responses cannot change"):format(round_id))
  end
  return r
end

function M.add_response(db, x)
  exec(db, [[INSERT INTO qm_responses(round_id, participant, question, score, dontknow, strengths, improvements, suggestions)
            VALUES (:round, :participant, :question, :score, :dontknow, :strengths, :improvements, :suggestions)]], x)
  M.add_parts(db, x.round, x.participant, x.question, x.parts)
end

-- the parts of a composite score ({ PLAN = 60, ... }), beside the response
function M.add_parts(db, round, participant, question, parts)
  if not parts then return end
  local names = {}
  for k in pairs(parts) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do
    db:exec("INSERT INTO qm_response_parts(round_id, participant, question, part, value) VALUES (?, ?, ?, ?, ?)",
      { round, participant, question, k, parts[k] })
  end
end

-- record (or change) the agreed score of a question; every change is kept in the history
function M.record_consensus(db, x)
  local r = M.round(db, x.round)
  if not r then fail(("round \"%s\" does not exist"):format(tostring(x.round))) end
  local old = db:first("SELECT score FROM qm_consensus WHERE round_id = ? AND question = ?", { x.round, x.question })
  local now = x.at or M.now()
  if r.status == "open" then db:exec("UPDATE qm_rounds SET status = 'consensus' WHERE id = ?", { x.round }) end
  exec(db, [[INSERT INTO qm_consensus(round_id, question, score, dontknow, strengths, improvements, comment, decided_by, decided_at)
            VALUES (:round, :question, :score, :dontknow, :strengths, :improvements, :comment, :by, :at)
            ON CONFLICT(round_id, question) DO UPDATE SET score = excluded.score, dontknow = excluded.dontknow,
              strengths = coalesce(excluded.strengths, strengths), improvements = coalesce(excluded.improvements, improvements),
              comment = excluded.comment, decided_by = excluded.decided_by, decided_at = excluded.decided_at]],
    { round = x.round, question = x.question, score = x.score, dontknow = x.dontknow and 1 or 0,
      strengths = x.strengths, improvements = x.improvements, comment = x.comment, by = x.by, at = now })
  db:exec([[INSERT INTO qm_consensus_history(round_id, question, old_score, new_score, comment, changed_by, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)]], { x.round, x.question, old and old.score or NULL, x.score or NULL, x.comment or NULL, x.by or NULL, now })
end

function M.add_area(db, a)
  exec(db, [[INSERT INTO qm_areas(round_id, question, text, group_id, impact, effort, importance, reach, confidence, moscow)
            VALUES (:round, :question, :text, :group, :impact, :effort, :importance, :reach, :confidence, :moscow)]],
    { round = a.round, question = a.question, text = a.text, group = a.group, impact = a.impact, effort = a.effort,
      importance = a.importance, reach = a.reach, confidence = a.confidence, moscow = a.moscow })
  return db:last_insert_rowid()
end

function M.add_group(db, g)
  db:exec("INSERT INTO qm_area_groups(round_id, name, depends_on) VALUES (?, ?, ?)", { g.round, g.name, g.depends_on or NULL })
  return db:last_insert_rowid()
end

function M.add_action(db, a)
  exec(db, [[INSERT INTO qm_actions(round_id, area_id, title, owner, start, deadline, status, resources, themes, done_at)
            VALUES (:round, :area, :title, :owner, :start, :deadline, :status, :resources, :themes, :done_at)]],
    { round = a.round, area = a.area, title = a.title, owner = a.owner, start = a.start, deadline = a.deadline,
      status = a.status or "planned", resources = a.resources,
      themes = type(a.themes) == "table" and table.concat(a.themes, ",") or a.themes, done_at = a.done_at })
  local id = db:last_insert_rowid()
  db:exec("INSERT INTO qm_action_history(action_id, field, old_value, new_value, comment, changed_by, changed_at) VALUES (?, 'created', NULL, ?, ?, ?, ?)",
    { id, a.title, a.comment or NULL, a.by or NULL, a.at or M.now() })
  return id
end

local action_fields = { owner = true, start = true, deadline = true, status = true, resources = true, themes = true, title = true, done_at = true }

-- change fields of an action; each change is kept as history with who, when and why
function M.update_action(db, id, changes, by, comment, at)
  local a = db:first("SELECT * FROM qm_actions WHERE id = ?", { id })
  if not a then fail(("action %s does not exist"):format(tostring(id))) end
  for k, v in pairs(changes) do
    if not action_fields[k] then fail(("action: unknown field \"%s\""):format(k)) end
    local old = a[k]
    db:exec(("UPDATE qm_actions SET %s = ? WHERE id = ?"):format(k), { v, id })
    db:exec("INSERT INTO qm_action_history(action_id, field, old_value, new_value, comment, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      { id, k, (old ~= nil and old ~= NULL) and tostring(old) or NULL, tostring(v), comment or NULL, by or NULL, at or M.now() })
  end
end

-- the store functions as the global `store` a model sees: the engine connection stays hidden
-- Scores entering through Lua (store.response, store.consensus in a model script or the
-- REPL) are checked as an import checks them: the round exists, the question is one of the
-- round's model (which must be loaded), the score fits the question's scale, "don't know"
-- is `dontknow = true` (or 1) with no score, responses only while the round is open, and a
-- changed agreed score needs a comment.
local function truthy(v) return v == true or v == 1 end

local function checked_score(m, round, x, what)
  local q = m:find(tostring(x.question))
  if not q or q.kind ~= "question" then
    fail(("%s: model %s has no question \"%s\""):format(what, m.id, tostring(x.question)))
  end
  local y = {}
  for k, v in pairs(x) do y[k] = v end
  y.round, y.question = round.id, q.id
  if truthy(x.dontknow) then
    if x.score ~= nil then fail(("%s: question \"%s\": give a score or dontknow, not both"):format(what, q.id)) end
    y.dontknow, y.score = 1, nil
    return y
  end
  if x.score == nil then fail(("%s: question \"%s\": score missing (dontknow = true for \"don't know\")"):format(what, q.id)) end
  local sc = q:scale_of()
  local v, msg = sc:check(x.score)
  if v == nil then fail(("%s: question \"%s\": %s"):format(what, q.id, msg)) end
  if type(v) ~= "number" then fail(("%s: question \"%s\": %s is not a score"):format(what, q.id, tostring(x.score))) end
  y.score, y.dontknow = v, 0
  if type(x.score) == "table" and sc.parts then y.parts = sc:parts_of(x.score) end
  return y
end

function M.api(engine_db, resolve)
  local api = {}
  -- a store function's argument is checked here, before the engine's SQL sees it: a missing
  -- field reads as the model's mistake ("store.area: text is required"), never as the
  -- engine's statement or one of its parameters
  local function need(x, what, example, fields)
    if type(x) ~= "table" then fail(("%s needs a table %s"):format(what, example)) end
    for _, f in ipairs(fields) do
      local v = x[f]
      if v == nil or v == NULL or v == "" then fail(("%s: %s is required, like %s %s"):format(what, f, what, example)) end
    end
  end
  local function existing_round(db, id, what)
    if not M.round(db, id) then fail(("%s: round \"%s\" does not exist"):format(what, tostring(id))) end
  end
  -- the round and its model, which must be loaded so scores can be checked against it
  local function round_and_model(x, what)
    need(x, what, "{ round = ..., question = ..., ... }", { "round", "question" })
    local r = M.round(engine_db, x.round)
    if not r then fail(("%s: round \"%s\" does not exist"):format(what, tostring(x.round))) end
    local m = resolve and resolve(r.model_id)
    if not m then
      fail(("%s: round \"%s\" belongs to model \"%s\", which is not loaded: load it first (use \"file.lua\", or .load in the REPL)")
        :format(what, r.id, r.model_id))
    end
    return r, m
  end
  -- errors point at the model's line once: without the stdlib's own position, and without
  -- the model's position an inner error already has (it is added again at the model's call)
  local function wrap(fn)
    return function(...)
      local res = table.pack(pcall(function(...) M.ensure(engine_db) return fn(engine_db, ...) end, ...))
      if not res[1] then
        local msg = tostring(res[2])
        repeat local n; msg, n = msg:gsub("^[^:\n\"]+:%d+: ", "", 1) until n == 0
        require("qm.host").rethrow(res[2], msg, 2)
      end
      return table.unpack(res, 2, res.n)
    end
  end
  api.unit = wrap(function(db, u)
    need(u, "store.unit", "{ id = ..., name = ..., kind = ... }", {})
    return M.add_unit(db, u)
  end)
  api.round = wrap(function(db, r)
    need(r, "store.round", "{ id = ..., model = ..., unit = ... }", { "id", "model", "unit" })
    local m = resolve and r.model and resolve(r.model)
    local x = {}
    for k, v in pairs(r) do x[k] = v end
    if m and x.scoring == nil then x.scoring = M.scoring_of(m) end
    return M.add_round(db, x)
  end)
  api.participant = wrap(function(db, round, p, max)
    if (type(round) ~= "string" and type(round) ~= "number") or round == "" then
      fail("store.participant needs a round id and a table, like store.participant(\"2025-1\", { code = \"P1\", name = ... })")
    end
    need(p, "store.participant", "{ code = ..., name = ..., role = ... } after the round id", { "code" })
    existing_round(db, round, "store.participant")
    return M.add_participant(db, round, p, max)
  end)
  api.response = wrap(function(db, x)
    local r, m = round_and_model(x, "store.response")
    if r.status ~= "open" then
      fail(("store.response: round \"%s\" is locked: consensus has started, so individual responses cannot change"):format(r.id))
    end
    if not db:first("SELECT 1 FROM qm_participants WHERE round_id = ? AND code = ?", { r.id, tostring(x.participant) }) then
      fail(("store.response: \"%s\" is not a participant of round \"%s\" (add it with store.participant)"):format(tostring(x.participant), r.id))
    end
    local why = M.scoring_mismatch(r, m)
    if why then fail("store.response: " .. why) end
    M.record_scoring(db, r, m)
    local y = checked_score(m, r, x, "store.response")
    if db:first("SELECT 1 FROM qm_responses WHERE round_id = ? AND participant = ? AND question = ?", { r.id, tostring(x.participant), y.question }) then
      fail(("store.response: participant %s has already answered question %s in round %s"):format(tostring(x.participant), y.question, r.id))
    end
    M.add_response(db, y)
  end)
  api.consensus = wrap(function(db, x)
    local r, m = round_and_model(x, "store.consensus")
    local y = checked_score(m, r, x, "store.consensus")
    y.dontknow = y.dontknow == 1
    local old = db:first("SELECT score FROM qm_consensus WHERE round_id = ? AND question = ?", { r.id, y.question })
    if old and not x.comment then
      fail(("store.consensus: question %s already has an agreed score (%s): changing it needs a comment saying why")
        :format(y.question, tostring(old.score)))
    end
    M.record_consensus(db, y)
  end)
  api.area = wrap(function(db, a)
    need(a, "store.area", "{ round = ..., text = ..., question = ..., group = ... }", { "round", "text" })
    existing_round(db, a.round, "store.area")
    return M.add_area(db, a)
  end)
  api.group = wrap(function(db, g)
    need(g, "store.group", "{ round = ..., name = ... }", { "round", "name" })
    existing_round(db, g.round, "store.group")
    return M.add_group(db, g)
  end)
  api.action = wrap(function(db, a)
    need(a, "store.action", "{ round = ..., title = ..., owner = ..., deadline = ... }", { "round", "title" })
    existing_round(db, a.round, "store.action")
    return M.add_action(db, a)
  end)
  api.update_action = wrap(function(db, id, changes, ...)
    id = math.tointeger(id)
    if not id then
      fail("store.update_action needs an action's id (a whole number) and a table of changes, like store.update_action(3, { status = \"done\" })")
    end
    if type(changes) ~= "table" then fail(("store.update_action(%d, ...) needs a table of changes, like { status = \"done\" }"):format(id)) end
    return M.update_action(db, id, changes, ...)
  end)
  api.measurement = wrap(function(db, m)
    need(m, "store.measurement", "{ indicator = ..., unit = ..., date = ..., value = ... }", { "indicator" })
    exec(db, "INSERT INTO qm_measurements(indicator, unit_id, period, date, value, note) VALUES (:indicator, :unit, :period, :date, :value, :note)", m)
  end)
  api.transaction = function(fn)
    if type(fn) ~= "function" then fail("store.transaction needs a function, like store.transaction(function() ... end)") end
    M.ensure(engine_db)
    return engine_db:transaction(fn)
  end
  api.version = M.version
  return api
end

return M
