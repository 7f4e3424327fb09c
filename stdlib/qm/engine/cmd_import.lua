-- cmd_import.lua — `qm import`: responses (CSV, YAML, or the per-participant YAML form),
-- organisation units (CSV), consensus decisions (CSV) into the engine's schema, and case
-- audit answers (CSV or YAML, long or wide) into the audit model's table. Every
-- row is validated first; on any bad row nothing is written and every bad row is listed
-- as file:line: field: message. Valid files are written in one transaction.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local context = require "qm.engine.context"
local store = require "qm.engine.store"
local csv = require "qm.engine.csv"
local scale = require "qm.rules.scale"

local M = {
  usage = "import --db FILE --write [--model MODEL] [--round R] FILE...",
  summary = "import responses, units, consensus decisions or case audits (validated, all or nothing)",
  help = "What is imported (--what): responses (default; needs --model and --round), units, consensus, audit.\n" ..
    "Responses CSV columns: participant, question, score, strengths, improvements, suggestions\n" ..
    "  (score blank, \"vi\" or \"ved ikke\" = don't know). YAML: a list of such rows under `responses:`,\n" ..
    "  or the per-participant form: `participant: P3` with `answers: { \"1.1\": 70, ... }`.\n" ..
    "Units CSV: id, parent_id, kind, name. Consensus CSV: question, score, comment, by.\n" ..
    "Audit (needs --model; --round R unless the file has a round column): long, with columns\n" ..
    "  case_id, criterion, answer; or wide, case_id and one column per criterion. Answers ja/nej/\n" ..
    "  ikke relevant (yes/no/na, 1/0); blank = not applicable. Written to the model's audit table.\n" ..
    "A new round is created when --unit is given and the round does not exist.",
  options = {
    { name = "model", kind = "string", arg = "MODEL", doc = "the model file the data belongs to" },
    { name = "what", kind = "string", arg = "KIND", doc = "responses (default), units, consensus or audit",
      choices = { "responses", "units", "consensus", "audit" } },
    { name = "started", kind = "string", arg = "DATE", doc = "start date of a round created by the import" },
  },
}

local dontknow_words = { [""] = true, vi = true, ["ved ikke"] = true, ["?"] = true, dk = true, ["don't know"] = true }

local function read(path)
  local f, err = io.open(path, "rb")
  if not f then host.raise(host.exit.io, ("cannot open %s: %s"):format(path, err), 0) end
  local s = f:read("a")
  f:close()
  return s
end

-- rows from a file: CSV or YAML, each with .line
local function load_rows(path, errors)
  if path:match("%.csv$") then
    local rows, err, header, bad = csv.rows(read(path), path)
    if not rows then errors[#errors + 1] = err return {} end
    for _, e in ipairs(bad) do errors[#errors + 1] = e end
    return rows, header
  end
  if not path:match("%.ya?ml$") then
    errors[#errors + 1] = path .. ": give a .csv, .yaml or .yml file"
    return {}
  end
  local yaml = require "qm.yaml"
  local ok, doc = pcall(yaml.load_file, path, { scalars = "string" })
  if not ok then errors[#errors + 1] = tostring(doc):gsub("^[^:]*import[^:]*:%d+: ", "") return {} end
  local function line_of(t, key)
    local w = yaml.where(t, key) or yaml.where(t) or (path .. ":1:1")
    return tonumber(w:match(":(%d+):%d+$")) or 1
  end
  local rows = {}
  if type(doc) == "table" and doc.answers ~= nil then
    -- the per-participant form
    if type(doc.answers) ~= "table" then errors[#errors + 1] = ("%s:%d: answers must be a mapping of question: score"):format(path, line_of(doc, "answers")) return {} end
    for _, q in ipairs(yaml.keys(doc.answers)) do
      local a = doc.answers[q]
      local row = { participant = doc.participant, question = q, line = line_of(doc.answers, q) }
      if type(a) == "table" then
        for k, v in pairs(a) do row[k] = v end
      else
        row.score = a
      end
      rows[#rows + 1] = row
    end
    return rows
  end
  local list = type(doc) == "table" and (doc.responses or doc.units or doc.consensus or doc.audit or doc) or nil
  if type(list) ~= "table" then errors[#errors + 1] = path .. ":1: expected a list of rows" return {} end
  for i, t in ipairs(list) do
    if type(t) ~= "table" then errors[#errors + 1] = ("%s:%d: row %d is not a mapping"):format(path, line_of(list), i)
    else
      local row = { line = line_of(t) }
      for k, v in pairs(t) do row[k] = v ~= yaml.null and v or nil end
      rows[#rows + 1] = row
    end
  end
  return rows
end

local function text_or_nil(v)
  if v == nil or v == host.null then return nil end
  v = tostring(v)
  if v:match("^%s*$") then return nil end
  if not utf8.len(v) then return nil, "is not valid UTF-8 text" end
  return v
end

local function import_responses(ctx, db, m, files)
  if not m then cli.usage_error("importing responses needs --model MODEL") end
  local round_id = ctx.opts.round or cli.usage_error("importing responses needs --round R")
  local errors, writes = {}, {}
  local round = store.round(db, round_id)
  local create
  if not round then
    if not ctx.opts.unit then
      host.raise(host.exit.model, ("round \"%s\" does not exist: give --unit U to create it"):format(round_id), 0)
    end
    create = { id = round_id, model = m.id, unit = ctx.opts.unit[1], started = ctx.opts.started }
    if not db:first("SELECT 1 FROM qm_units WHERE id = ?", { create.unit }) then
      host.raise(host.exit.model, ("unit \"%s\" does not exist (import units first: qm import --what units)"):format(create.unit), 0)
    end
  else
    if round.model_id ~= m.id then host.raise(host.exit.model, ("round \"%s\" belongs to model \"%s\""):format(round_id, round.model_id), 0) end
    if round.status ~= "open" then
      host.raise(host.exit.model, ("round \"%s\" is locked: consensus has started, so responses cannot be imported"):format(round_id), 0)
    end
  end
  local known_participants = {}
  for p in db:query("SELECT code FROM qm_participants WHERE round_id = ?", { round_id }) do known_participants[p.code] = true end
  local existing = {}
  for r in db:query("SELECT participant, question FROM qm_responses WHERE round_id = ?", { round_id }) do
    existing[r.participant .. "\0" .. r.question] = true
  end
  local seen, new_participants, participants_order = {}, {}, {}
  local count = 0
  for k in pairs(known_participants) do count = count + 1 end
  for _, path in ipairs(files) do
    for _, row in ipairs(load_rows(path, errors)) do
      local where = ("%s:%d"):format(path, row.line)
      local bad = false
      local function err(field, msg) errors[#errors + 1] = ("%s: %s: %s"):format(where, field, msg); bad = true end
      local p = text_or_nil(row.participant)
      local qid = text_or_nil(row.question)
      if not p then err("participant", "missing") end
      local q = qid and m:find(qid)
      if not qid then err("question", "missing")
      elseif not q or q.kind ~= "question" then err("question", ("unknown question \"%s\" (not in model %s)"):format(qid, m.id)) end
      local x = { round = round_id, participant = p, question = q and q.id or qid, dontknow = 0 }
      local raw = row.score == nil and "" or (type(row.score) == "table" and row.score or tostring(row.score))
      if type(raw) == "string" and dontknow_words[raw:lower():gsub("^%s+", ""):gsub("%s+$", "")] then
        x.dontknow = 1
      elseif q then
        -- a table is a composite score (CAF fine-tuned: plan, do, check, act); the scale averages it
        local v, msg = q:scale_of():check(type(raw) == "table" and raw or (tonumber(raw) or raw))
        if v == nil then err("score", ("question \"%s\": %s"):format(q.id, msg))
        elseif v == scale.dontknow then x.dontknow = 1
        elseif type(v) ~= "number" then err("score", "must be a number")
        else x.score = v end
      end
      for _, f in ipairs({ "strengths", "improvements", "suggestions" }) do
        local v, msg = text_or_nil(row[f])
        if msg then err(f, msg) else x[f] = v end
      end
      if p and x.question then
        local key = p .. "\0" .. x.question
        if seen[key] then err("question", ("participant %s answered question %s twice (first at %s)"):format(p, x.question, seen[key]))
        elseif existing[key] then err("question", ("participant %s has already answered question %s in round %s"):format(p, x.question, round_id))
        else seen[key] = where end
      end
      if p and not known_participants[p] and not new_participants[p] then
        new_participants[p] = true
        participants_order[#participants_order + 1] = p
        count = count + 1
        if m.max_participants and count > m.max_participants then
          err("participant", ("%s would be participant number %d, but model %s allows at most %d"):format(p, count, m.id, m.max_participants))
        end
      end
      if not bad then writes[#writes + 1] = x end
    end
  end
  if #errors > 0 then return errors end
  db:transaction(function()
    if create then store.add_round(db, create) end
    table.sort(participants_order)
    for _, p in ipairs(participants_order) do store.add_participant(db, round_id, { code = p }, m.max_participants) end
    for _, x in ipairs(writes) do store.add_response(db, x) end
  end)
  return nil, ("imported %d responses into round %s (%d new participants)"):format(#writes, round_id, #participants_order)
end

local function import_units(ctx, db, files)
  local errors, rows = {}, {}
  local ids = {}
  for u in db:query("SELECT id FROM qm_units") do ids[u.id] = "database" end
  for _, path in ipairs(files) do
    for _, row in ipairs(load_rows(path, errors)) do
      local where = ("%s:%d"):format(path, row.line)
      local id, name, kind = text_or_nil(row.id), text_or_nil(row.name), text_or_nil(row.kind)
      local ok = true
      if not id then errors[#errors + 1] = where .. ": id: missing"; ok = false
      elseif ids[id] then errors[#errors + 1] = ("%s: id: unit \"%s\" exists already (%s)"):format(where, id, ids[id]); ok = false end
      if not name then errors[#errors + 1] = where .. ": name: missing"; ok = false end
      if not kind then errors[#errors + 1] = where .. ": kind: missing"; ok = false end
      if id then ids[id] = where end
      if ok then rows[#rows + 1] = { id = id, name = name, kind = kind, parent = text_or_nil(row.parent_id or row.parent), where = where } end
    end
  end
  for _, r in ipairs(rows) do
    if r.parent and not ids[r.parent] then errors[#errors + 1] = ("%s: parent_id: unit \"%s\" does not exist"):format(r.where, r.parent) end
  end
  if #errors > 0 then return errors end
  -- parents before children, whatever the file's order
  local added, pending = {}, rows
  for u in db:query("SELECT id FROM qm_units") do added[u.id] = true end
  db:transaction(function()
    while #pending > 0 do
      local rest = {}
      for _, r in ipairs(pending) do
        if not r.parent or added[r.parent] then store.add_unit(db, r); added[r.id] = true else rest[#rest + 1] = r end
      end
      if #rest == #pending then error(rest[1].where .. ": parent_id: the units' parents form a cycle", 0) end
      pending = rest
    end
  end)
  return nil, ("imported %d units"):format(#rows)
end

local function import_consensus(ctx, db, m, files)
  if not m then cli.usage_error("importing consensus needs --model MODEL") end
  local round_id = ctx.opts.round or cli.usage_error("importing consensus needs --round R")
  if not store.round(db, round_id) then host.raise(host.exit.model, ("round \"%s\" does not exist"):format(round_id), 0) end
  local errors, writes = {}, {}
  for _, path in ipairs(files) do
    for _, row in ipairs(load_rows(path, errors)) do
      local where = ("%s:%d"):format(path, row.line)
      local q = row.question and m:find(tostring(row.question))
      if not q or q.kind ~= "question" then errors[#errors + 1] = ("%s: question: unknown question \"%s\""):format(where, tostring(row.question))
      else
        local raw = row.score == nil and "" or tostring(row.score)
        local x = { round = round_id, question = q.id, comment = text_or_nil(row.comment), by = text_or_nil(row.by),
                    strengths = text_or_nil(row.strengths), improvements = text_or_nil(row.improvements) }
        if dontknow_words[raw:lower()] then x.dontknow = true
        else
          local v, msg = q:scale_of():check(tonumber(raw) or raw)
          if v == nil then errors[#errors + 1] = ("%s: score: question \"%s\": %s"):format(where, q.id, msg) else x.score = v end
        end
        writes[#writes + 1] = x
      end
    end
  end
  if #errors > 0 then return errors end
  db:transaction(function() for _, x in ipairs(writes) do store.record_consensus(db, x) end end)
  return nil, ("recorded %d consensus decisions in round %s"):format(#writes, round_id)
end

-- case audits: one answer per round, case and criterion (a yes/no question of the model)
local AUDIT_KEYS = { round = true, case_id = true, criterion = true, answer = true, line = true }

local function audit_rows(path, errors)
  local rows, header = load_rows(path, errors)
  local long = rows[1] == nil or rows[1].criterion ~= nil
  if header then
    long = false
    for _, h in ipairs(header) do if h == "criterion" then long = true end end
  end
  if long then return rows end
  -- wide: a row per case, a column per criterion
  local out = {}
  for _, row in ipairs(rows) do
    local cols = header
    if not cols then
      cols = {}
      for k in pairs(row) do if not AUDIT_KEYS[k] then cols[#cols + 1] = k end end
      table.sort(cols)
    end
    for _, c in ipairs(cols) do
      if not AUDIT_KEYS[c] then
        out[#out + 1] = { line = row.line, round = row.round, case_id = row.case_id, criterion = c, answer = row[c] or "",
                          column = header ~= nil }
      end
    end
  end
  return out
end

local function import_audit(ctx, db, m, files)
  if not m then cli.usage_error("importing audits needs --model MODEL") end
  local settings = m.audit or {}
  local tbl = settings.table or "audit_answers"
  if not tbl:match("^[%a_][%w_]*$") then host.raise(host.exit.model, ("audit.table: %q is not a table name"):format(tbl), 0) end
  local allowed, allowed_list = nil, settings.rounds
  if allowed_list then
    allowed = {}
    for _, r in ipairs(allowed_list) do allowed[tostring(r)] = true end
  end
  local exists = db:scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", { tbl }) > 0
  local existing = {}
  if exists then
    for r in db:query(("SELECT round, case_id, criterion FROM %s"):format(tbl)) do
      existing[tostring(r.round) .. "\0" .. tostring(r.case_id) .. "\0" .. tostring(r.criterion)] = true
    end
  end
  local errors, writes, seen, cases, reported = {}, {}, {}, {}, {}
  for _, path in ipairs(files) do
    for _, row in ipairs(audit_rows(path, errors)) do
      local where = ("%s:%d"):format(path, row.line)
      local bad = false
      local function err(field, msg)
        bad = true
        -- a wrong column of a wide file is one error at its header, not one per case
        if field == "criterion" and row.column then
          local key = path .. "\0" .. tostring(row.criterion)
          if reported[key] then return end
          reported[key] = true
          errors[#errors + 1] = ("%s:1: column %s: %s"):format(path, tostring(row.criterion), msg)
          return
        end
        errors[#errors + 1] = ("%s: %s: %s"):format(where, field, msg)
      end
      local round = text_or_nil(row.round) or (ctx.opts.round and tostring(ctx.opts.round))
      local case = text_or_nil(row.case_id)
      local cid = text_or_nil(row.criterion)
      if not round then err("round", "missing (add a round column or give --round R)")
      elseif allowed and not allowed[round] then
        err("round", ("unknown round \"%s\" (model %s has rounds %s)"):format(round, m.id, table.concat(allowed_list, ", ")))
      end
      if not case then err("case_id", "missing") end
      local q = cid and m:find(cid)
      if not cid then err("criterion", "missing")
      elseif not q or q.kind ~= "question" then err("criterion", ("unknown criterion \"%s\" (not in model %s)"):format(cid, m.id))
      elseif not q:scale_of() or q:scale_of().kind ~= "yesno" then err("criterion", ("\"%s\" is not a yes/no criterion"):format(cid)) end
      local x = { round = round, case_id = case, criterion = q and q.id or cid }
      if q and not bad then
        local raw = row.answer == nil and "" or tostring(row.answer):gsub("^%s+", ""):gsub("%s+$", "")
        local sc = q:scale_of()
        if raw == "" or raw == "-" then
          if sc.allow_na then x.answer = nil else err("answer", ("criterion \"%s\": missing (the criterion is always applicable)"):format(q.id)) end
        else
          local v, msg = sc:check(tonumber(raw) or raw)
          if v == nil then err("answer", ("criterion \"%s\": %s"):format(q.id, msg))
          elseif type(v) == "number" then x.answer = v end  -- else not applicable: NULL
        end
      end
      if round and case and x.criterion then
        local key = round .. "\0" .. case .. "\0" .. x.criterion
        if seen[key] then err("case_id", ("case %s has two answers to %s in round %s (first at %s)"):format(case, x.criterion, round, seen[key]))
        elseif existing[key] then err("case_id", ("case %s already has an answer to %s in round %s"):format(case, x.criterion, round))
        else seen[key] = where end
      end
      if not bad then
        writes[#writes + 1] = x
        cases[round .. "\0" .. case] = true
      end
    end
  end
  if #errors > 0 then return errors end
  local n = 0
  for _ in pairs(cases) do n = n + 1 end
  db:transaction(function()
    if not exists then
      db:exec(("CREATE TABLE %s (round TEXT NOT NULL, case_id TEXT NOT NULL, criterion TEXT NOT NULL, answer INTEGER, "
        .. "UNIQUE (round, case_id, criterion))"):format(tbl))
    end
    local st = db:prepare(("INSERT INTO %s (round, case_id, criterion, answer) VALUES (?, ?, ?, ?)"):format(tbl))
    for _, x in ipairs(writes) do st:exec { x.round, x.case_id, x.criterion, x.answer == nil and host.null or x.answer } end
    st:close()
  end)
  return nil, ("imported %d answers for %d audited cases into %s"):format(#writes, n, tbl)
end

function M.main(opts, args)
  if #args == 0 then cli.usage_error("qm import needs at least one FILE (see qm import --help)") end
  if not opts.db then cli.usage_error("qm import needs --db FILE") end
  if not opts.write then cli.usage_error("qm import writes to the database: give --write") end
  local ctx = context.new(opts)
  local db = ctx:database()
  store.migrate(db)
  local m
  if opts.model then m = ctx:load_model(opts.model) end
  if ctx.problems and #ctx.problems > 0 then
    if ctx:print_problems(io.stderr, false) > 0 then return host.exit.model end
  end
  local what = opts.what or "responses"
  local errors, msg
  if what == "units" then errors, msg = import_units(ctx, db, args)
  elseif what == "consensus" then errors, msg = import_consensus(ctx, db, m, args)
  elseif what == "audit" then errors, msg = import_audit(ctx, db, m, args)
  else errors, msg = import_responses(ctx, db, m, args) end
  if errors then
    for _, e in ipairs(errors) do io.stderr:write(e, "\n") end
    io.stderr:write(("%d error%s: nothing was imported\n"):format(#errors, #errors == 1 and "" or "s"))
    return host.exit.model
  end
  if not opts.quiet then io.stdout:write(msg, "\n") end
  return host.exit.ok
end

return M
