-- Tests of qm.rows (engine/rows.c), the C row writer and its sources: every number style
-- writes what the Lua code it replaces wrote, CSV cells are guarded and quoted as the table
-- renderer does, a document's CSV is the same through C as through Lua, and the consensus
-- source decides every built-in rule's flag as the rule does in Lua.
local t = require "testing"
local rows = require "qm.rows"
local tables = require "qm.reports.tables"
local document = require "qm.reports.document"
local json = require "qm.reports.json"
local host = require "qm.host"
local store = require "qm.engine.store"
local consensus = require "qm.rules.consensus"
local selfassess = require "qm.reports.selfassess"

-- ---------------------------------------------------------------- the Lua references

-- qm.reports.document's cell() for a number
local function lua_cell(v)
  if math.type(v) == "float" then
    if v ~= v then return "" end
    return (("%.2f"):format(v):gsub("%.?0+$", ""))
  end
  return tostring(v)
end

-- the statistik report's exact() (CSV) and num() (text, Markdown) before they moved to C
local function lua_exact(v)
  if v == nil or v ~= v then return "" end
  if math.type(v) == "integer" then return tostring(v) end
  if v == math.floor(v) and math.abs(v) < 1e15 then return tostring(math.tointeger(v)) end
  for prec = 15, 17 do
    local s = ("%." .. prec .. "g"):format(v)
    if tonumber(s) == v then return s end
  end
end
local function lua_people(v)
  if v == nil or v ~= v then return "" end
  if v == math.floor(v) and math.abs(v) < 1e15 then return tostring(math.tointeger(v)) end
  return ("%.4g"):format(v)
end

local numbers = { 0, 1, -1, 5, 100, 2.5, -2.5, 1 / 3, 2 / 3, -1 / 3, 0.1, 0.2 + 0.1, 62.5, 18.0, 99.99, 99.999,
  99.995, 0.005, 0.004, -0.004, 123456.789, 1e14 + 0.5, 1e15, 1e16, 2 ^ 53, 2 ^ 53 + 2, 1e20, 1e300, 1e-5, 1e-300,
  5e-324, 2.581988897471611, 6.666666666666667, 0.9927272727272727, 37.77777777777778, 12345678.9, -0.0, 0.0,
  math.pi, -math.pi * 1e10, 4.35, 1.005, 2.675, 1e15 - 0.5, 999999999999999.9 }

t.test("every number style writes what the Lua code wrote, for integers and floats", function()
  for _, v in ipairs(numbers) do
    t.eq(rows.number("cell", v), lua_cell(v), "cell " .. ("%.17g"):format(v))
    t.eq(rows.number("exact", v), lua_exact(v), "exact " .. ("%.17g"):format(v))
    t.eq(rows.number("people", v), lua_people(v), "people " .. ("%.17g"):format(v))
    t.eq(rows.number("json", v), json.encode(v), "json " .. ("%.17g"):format(v))
    -- a document's CSV cell (unrounded), as qm.reports.document's cell() writes it for programs
    t.eq(rows.number("csv", v), document.cell({ key = "v" }, { v = v }), "csv " .. ("%.17g"):format(v))
    if v == math.floor(v) and math.abs(v) < 2 ^ 62 then
      local i = math.tointeger(v)
      t.eq(rows.number("cell", i), tostring(i), "integer " .. tostring(i))
    end
  end
  t.eq(rows.number("cell", 0 / 0), "", "NaN is empty")
  for _, v in ipairs({ 0 / 0, math.huge, -math.huge }) do
    t.eq(rows.number("csv", v), document.cell({ key = "v" }, { v = v }), "csv " .. tostring(v))
  end
  t.eq(rows.number("json", 0 / 0), "null", "NaN is null in JSON")
  t.eq(rows.number("json", math.huge), "null", "infinity is null in JSON")
  t.eq(rows.number("cell", math.mininteger), tostring(math.mininteger))
end)

-- ---------------------------------------------------------------- CSV

local tricky = { "plain", "", " ", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "=SUM(A1)", " =1+1", "+2", "-3",
  "-3.5", " -1e3", "-1e", "-", "+", "@here", "\tstart", "\rstart", "--", "-.5", "- 5", "1-2", "0x10", "-0x10", "æøå",
  "漢字", "-inf", "nan", "1e5", "=", "a\0b", "x,\"y\"\n" }

-- the table renderer's CSV of one row (the reference)
local function lua_csv_line(values, cols)
  local lines = {}
  local w = tables.new("csv", cols, { line = function(s) lines[#lines + 1] = s end, headers = false, guard = true,
    text = function(i, row) return document.cell({ key = cols[i].key, format = cols[i].format }, row) end })
  w.row(values)
  w.finish()
  return lines[1]
end

-- the C writer's CSV of rows
local function c_csv(list, cols)
  local out = {}
  local w = rows.writer { format = "csv", columns = cols, sink = function(s) out[#out + 1] = s end, pre = "\r\n" }
  local i = 0
  w:drain(function() i = i + 1; return list[i] end)
  return table.concat(out)
end

t.test("CSV cells are guarded against formulas and quoted exactly as the table renderer does", function()
  local cols = { { key = "v" } }
  for _, s in ipairs(tricky) do
    t.eq(c_csv({ { v = s } }, cols), lua_csv_line({ v = s }, cols), ("cell %q"):format(s))
  end
end)

t.test("CSV rows: numbers, booleans, null, nil, other values and format functions as cell() writes them", function()
  -- number = "csv": the columns as the document's CSV gives them to the writer
  local cols = { { key = "a", number = "csv" }, { key = "b", number = "csv" }, { key = "c", number = "csv" },
    { key = "d", number = "csv" },
    { key = "e", number = "csv", format = function(v, row) return v and ("%s/%s"):format(v, row.a) or nil end } }
  local list = {
    { a = 1, b = 2.5, c = true, d = host.null, e = 3 },
    { a = -0.004, b = 1 / 3, c = false, d = nil, e = nil },
    { a = 1e20, b = 0 / 0, c = "=x", d = "-2", e = "q,\"" },
    { a = math.huge, b = -math.huge, c = 2 ^ 53 + 2, d = 1 / 7, e = 0.1 + 0.2 },
    { a = math.mininteger, b = -0.0, c = " @", d = setmetatable({}, { __tostring = function() return "obj" end }), e = 0 },
  }
  local want = {}
  for i, r in ipairs(list) do want[i] = lua_csv_line(r, cols) end
  t.eq(c_csv(list, cols), table.concat(want, "\r\n"))
end)

t.test("a document's CSV is the same through the C writer as through the table renderer", function()
  local doc = document.document {}
  local list = {}
  for i, s in ipairs(tricky) do list[i] = { id = s, n = i, x = i / 7, flag = i % 2 == 0 } end
  doc:table { columns = { { key = "id" }, { key = "n" }, { key = "x" }, { key = "flag" } }, rows = list }
  local got = document.render(doc, "csv")
  local lines = {}
  local cols = { { title = "id" }, { title = "n" }, { title = "x" }, { title = "flag" } }
  local keys = { "id", "n", "x", "flag" }
  local w = tables.new("csv", cols, { line = function(s) lines[#lines + 1] = s end, guard = true,
    text = function(i, row) return document.cell({ key = keys[i] }, row) end })
  for _, r in ipairs(list) do w.row(r) end
  w.finish()
  t.eq(got, table.concat(lines, "\r\n") .. "\r\n")
end)

t.test("aligned text: the rows after the held ones are written by C as the table renderer writes them", function()
  local cells = { "plain", "tab\there", "line\nbreak", "bell\7x", "\127del", "bad\xe6utf", "\xc3\xa6\xc3\xb8\xc3\xa5",
    "漢字", "e\u{301}", "👍", "over\xf4\x90\x80\x80max", "sur\xed\xa0\x80", "long " .. string.rep("x", 40), "", "  lead" }
  local list = {}
  for i = 1, tables.ALIGN_ROWS + 200 do
    local c = cells[i % #cells + 1]
    list[i] = { a = c, n = (i % 7 == 0) and nil or i * 3, f = i / 8, b = i % 5 == 0, z = i % 11 == 0 and host.null or "z" }
  end
  local function doc_of(rows_value)
    local doc = document.document {}
    doc:table { columns = { { key = "a", title = "Tekst" }, { key = "n", title = "N" }, { key = "f", title = "F" },
      { key = "b", title = "B" }, { key = "z", title = "Z", format = function(v) return v == "z" and "Ω" or v end } },
      rows = rows_value }
    return doc
  end
  -- streamed rows: the first ALIGN_ROWS held by the renderer, the rest by C
  local streamed = doc_of(function() local i = 0; return function() i = i + 1; return list[i] end end)
  local got = document.render(streamed, "text")
  -- the reference: the table renderer alone (a cell function of the caller's keeps it in Lua)
  local lines = {}
  local out = { line = function(l) lines[#lines + 1] = l end }
  local plain = doc_of(function() local i = 0; return function() i = i + 1; return list[i] end end)
  document.write_table("column", plain.blocks[1], out, { newlines = " ", empty = "(none)" },
    function(c, row) return document.cell(c, row, true) end)
  t.eq(got, table.concat(lines, "\n") .. "\n")   -- the blank line after a block
end)

t.test("aligned text in a report's language: C writes numbers and yes/no as the language does", function()
  local i18n = require "qm.reports.i18n"
  local values = { 1 / 3, 12345.678, 123456, -98765.4321, -0.0, 1 / 0, -1 / 0, 0 / 0, 1e20, 4500, 64.9, -7, 2 ^ 53 }
  local list = {}
  for i = 1, tables.ALIGN_ROWS + 100 do
    list[i] = { a = "r" .. i, v = values[i % #values + 1], b = i % 3 == 0, s = i % 4 == 0 and "tekst" or i * 1001 }
  end
  for _, lang in ipairs { "da", "en" } do
    local function doc_of()
      local doc = document.document { lang = lang }
      doc:table { columns = { { key = "a", title = "A" }, { key = "v", title = "V" }, { key = "b", title = "B" },
        { key = "s", title = "S", text = function(v) return type(v) == "number" and v / 10 or v end } },
        rows = function() local i = 0; return function() i = i + 1; return list[i] end end }
      return doc
    end
    -- the C writer is used for the rows after the held ones (counted), and writes what Lua does
    local made, writer = 0, rows.writer
    rows.writer = function(o) if o.format == "column" then made = made + 1 end return writer(o) end
    local ok, got = pcall(document.render, doc_of(), "text")
    rows.writer = writer
    assert(ok, got)
    t.eq(made, 1, lang .. ": the C writer wrote the streamed rows")
    local L = i18n.new(lang)
    local lines = {}
    document.write_table("column", doc_of().blocks[1], { line = function(l) lines[#lines + 1] = l end },
      { newlines = " ", empty = "(none)" }, function(c, row) return document.cell(c, row, L) end)
    t.eq(got, table.concat(lines, "\n") .. "\n", lang)
  end
end)

-- ---------------------------------------------------------------- sources

local function memory_db(name)
  local db = host.opendb(name, { write = true, create = true, memory = true })
  store.migrate(db)
  return db
end

t.test("a statement source gives db:query's rows in Lua and its columns to the writer by name", function()
  local db = memory_db("rows_statement")
  db:exec("CREATE TABLE x (k TEXT, n INTEGER, f REAL, z)")
  db:exec("INSERT INTO x VALUES ('a', 1, 1.5, NULL), ('=b', -2, 0.25, 'z'), ('c,\"d\"', NULL, 1e20, 3)")
  local src <close> = rows.statement(db:prepare("SELECT k, n, f, z FROM x ORDER BY rowid"))
  local got = {}
  for r in src:each() do got[#got + 1] = r end
  local want = db:rows("SELECT k, n, f, z FROM x ORDER BY rowid")
  t.eq(#got, 3)
  for i = 1, 3 do
    for _, k in ipairs { "k", "n", "f", "z" } do t.eq(got[i][k], want[i][k], ("row %d %s"):format(i, k)) end
  end
  -- the same rows through a document table, as a C-level source and as a Lua iterator
  local function doc_with(rows_fn)
    local doc = document.document {}
    doc:table { columns = { { key = "k" }, { key = "n" }, { key = "f" }, { key = "z" }, { key = "missing" } }, rows = rows_fn }
    return doc
  end
  local sql = "SELECT k, n, f, z FROM x ORDER BY rowid"
  local via_c = doc_with(function() return rows.statement(db:prepare(sql)) end)
  local via_lua = doc_with(function() return db:query(sql) end)
  for _, fmt in ipairs { "csv", "text", "markdown", "json", "html" } do
    t.eq(document.render(via_c, fmt), document.render(via_lua, fmt), fmt)
  end
  db:close()
end)

-- panels of scores on 0-100 in steps of 5, chosen to hit the rules' edges: ties of modes,
-- nobody scoring, one score, wide and narrow ranges
local function panels_db(name)
  local db = memory_db(name)
  db:exec("INSERT INTO qm_units(id, kind, name) VALUES ('u', 'enhed', 'U')")
  db:exec("INSERT INTO qm_rounds(id, model_id, unit_id) VALUES ('r1', 'm', 'u')")
  local seed = 7
  local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  db:transaction(function()
    for q = 1, 400 do
      local size = q <= 4 and q or 1 + rand(14)   -- q1: one score; q2: nobody scores (don't know)
      local spread = rand(21)
      local base = rand(21 - spread)
      for p = 1, size do
        db:exec("INSERT OR IGNORE INTO qm_participants(round_id, code) VALUES ('r1', ?)", { ("P%02d"):format(p) })
        local dk = q == 2 or rand(20) == 0
        local score = not dk and (base + rand(spread + 1)) * 5 or nil
        db:exec("INSERT INTO qm_responses(round_id, participant, question, score, dontknow) VALUES ('r1', ?, ?, ?, ?)",
          { ("P%02d"):format(p), ("q%03d"):format(q), score or host.null, dk and 1 or 0 })
      end
    end
  end)
  return db
end

t.test("the consensus source decides each built-in rule's flag as the rule does in Lua", function()
  local db = panels_db("rows_panels")
  local scale = { step = 5, min = 0, max = 100, options = 21 }
  local spec = { A = 21, step = 5, k = 5, ties = "median", scale = scale }
  local rules = { consensus.median {}, consensus.median { max_range = 30 }, consensus.mean { max_sd = 10 },
    consensus.mean {}, consensus.mode_rule {}, consensus.mode_rule { ties = "flag" }, consensus.rwg {},
    consensus.rwg { cutoff = 0.9 }, consensus.percent_agreement {}, consensus.percent_agreement { k = 10, threshold = 0.5 } }
  for i, rule in ipairs(rules) do
    t.truthy(rule.decide, "rule " .. i .. " is decided in C")
    local n, checked, flagged = 0, 0, 0
    -- fn: q is filled for every question, so the Lua rule can judge the same statistics
    local nq, nf = selfassess.each_question(db, nil, spec, rule, function(_, question, q, flag)
      n = n + 1
      local want = consensus.apply(rule, q, scale).flag
      t.eq(flag, want, ("rule %d (%s), question %s"):format(i, rule.name, question))
      t.eq(flag, rule.flags(q), ("rule %d fast path, question %s"):format(i, question))
      checked = checked + 1
      if flag then flagged = flagged + 1 end
    end)
    t.eq(nq, 400)
    t.eq(nf, flagged)
    t.eq(select(2, selfassess.each_question(db, nil, spec, rule)), flagged, "counted in C alike")
  end
  db:close()
end)

-- konsensusrapport's formats for people read each question's spread from consensus_blob
-- (selfassess.round_spread), JSON and CSV the whole statistics from consensus_stats' JSON
-- (round_stats): the same n, min, max and sd, nil alike where undefined
t.test("round_spread gives round_stats' n, min, max and sd without the JSON", function()
  local db = panels_db("rows_spread")
  db:exec("INSERT INTO qm_participants(round_id, code) VALUES ('r1', 'X1'), ('r1', 'X2'), ('r1', 'X3')")
  -- fractions (sd and mean not whole), one score, everybody "don't know"
  db:exec([[INSERT INTO qm_responses(round_id, participant, question, score, dontknow) VALUES
    ('r1', 'X1', 'f', 62.5, 0), ('r1', 'X2', 'f', 12.5, 0), ('r1', 'X3', 'f', 100, 0),
    ('r1', 'X1', 'one', 35, 0), ('r1', 'X1', 'none', NULL, 1), ('r1', 'X2', 'none', NULL, 1)]])
  local ids = { "f", "one", "none" }
  for q = 1, 400 do ids[#ids + 1] = ("q%03d"):format(q) end
  local scale = { step = 2.5, min = 0, max = 100, options = 41 }
  local questions = {}
  for i, id in ipairs(ids) do questions[i] = { id = id, scale_of = function() return scale end } end
  local m = { questions = function() return questions end }
  local full, spread = selfassess.round_stats(db, m, "r1"), selfassess.round_spread(db, m, "r1")
  local checked = 0
  for _, id in ipairs(ids) do
    t.truthy(full[id] and spread[id], id)
    for _, key in ipairs { "n", "min", "max", "sd" } do
      t.eq(spread[id][key], full[id][key] ~= nil and full[id][key] + 0.0 or nil, id .. " " .. key)
    end
    checked = checked + 1
  end
  t.eq(checked, 403)
  t.eq(spread.one.sd, nil, "one score: no sd")
  t.eq(spread.none.n, 0, "nobody scored it")
  t.eq(spread.none.min, nil)
  t.near(spread.f.sd, full.f.sd, 0, "a fractional sd, the same double")
  -- one scale for every question binds its parameters once; questions on different scales
  -- (here a k of 2.5 as a float on one question) join them per question: the same statistics
  local mixed = {}
  for i, id in ipairs(ids) do
    local sc = i == 1 and { step = 2.5, min = 0, max = 100, options = 41.0 } or scale
    mixed[i] = { id = id, scale_of = function() return sc end }
  end
  local m2 = { questions = function() return mixed end }
  local full2, spread2 = selfassess.round_stats(db, m2, "r1"), selfassess.round_spread(db, m2, "r1")
  for _, id in ipairs(ids) do
    t.eq(full2[id], full[id], "round_stats, parameters joined per question: " .. id)
    t.eq(spread2[id], spread[id], "round_spread, parameters joined per question: " .. id)
  end
  db:close()
end)

-- a scale without a countable set of answer options (A NULL) and fewer than 2 scores: the
-- national pass (rows.consensus) gives rwg the reason consensus_stats (SQL) gives, the
-- scale's first, as qmStat_rwg decides it; with 2 or more scores the same too
t.test("rows.consensus gives consensus_stats' reasons when the scale has no countable options", function()
  local db = panels_db("rows_no_options")
  local spec = { A = nil, step = 5, k = 5, ties = "median", scale = { step = 5, min = 0, max = 100 } }
  local checked, few = 0, 0
  selfassess.each_question(db, nil, spec, consensus.median {}, function(round, question, q)
    local js = db:scalar([[SELECT consensus_stats(score, NULL, 5, 5) FROM qm_responses
                           WHERE round_id = ? AND question = ?]], { round, question })
    if js == host.null then
      -- nobody scored it (every answer "don't know"): the aggregate gives NULL
      t.eq(q.reasons.n, "nobody scored it", "nobody scored " .. question)
    else
      local want = json.decode(js, nil)
      for _, key in ipairs { "n", "rwg", "sd", "variance", "mode" } do
        t.eq(q.reasons[key], want.reasons[key], ("question %s, reason %s"):format(question, key))
      end
    end
    if q.n == 1 then
      few = few + 1
      t.eq(q.reasons.rwg, "the scale has no countable set of answer options", "one score: " .. question)
    end
    checked = checked + 1
  end)
  t.eq(checked, 400)
  t.truthy(few >= 1, "a question with one score was compared")
  db:close()
end)

t.test("a rule with the model's own flag function, or a plain function, is called in Lua", function()
  local db = panels_db("rows_lua_rules")
  local spec = { A = 21, step = 5, k = 5, ties = "median", scale = { step = 5, min = 0, max = 100, options = 21 } }
  local calls = 0
  local with_flag = consensus.median { max_range = 30, flag = function(q) calls = calls + 1; return q.n == 1 end }
  t.eq(with_flag.decide, nil, "a flag function of the model's own: not decided in C")
  local n, flagged = selfassess.each_question(db, nil, spec, with_flag)
  t.eq(n, 400)
  t.truthy(calls > 0, "the model's function was called")
  local plain = function(q) return { score = q.median, flag = q.n ~= nil and q.n >= 10 } end
  local _, f2 = selfassess.each_question(db, nil, spec, plain)
  local want = db:scalar([[SELECT count(*) FROM (SELECT count(score) AS n FROM qm_responses GROUP BY round_id, question)
                           WHERE n >= 10]])
  t.eq(f2, want, "a plain function's flags")
  t.truthy(flagged >= 0)
  db:close()
end)

t.test("the writer refuses what it cannot write, and a closed statement is an error, not a crash", function()
  t.raises(function() rows.writer { format = "pdf", columns = {}, sink = print } end, "invalid option")
  t.raises(function() rows.writer { format = "csv", columns = { { key = "a", number = "fancy" } }, sink = print } end, "invalid option")
  local db = memory_db("rows_closed")
  local stmt = db:prepare("SELECT 1 AS a")
  local src = rows.statement(stmt)
  db:close()
  local w = rows.writer { format = "csv", columns = { { key = "a" } }, sink = function() end }
  t.raises(function() w:drain(src) end, "closed")
end)

t.done()
