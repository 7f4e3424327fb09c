-- Exercises the db API on a writable run (qm run api.lua --db FILE --write).
local t = require "testing"

db:exec[[CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, n INTEGER);
INSERT INTO t(name, score, n) VALUES ('a', 1.5, 1), ('b', NULL, 2), ('c', 3.0, 3);]]

t.test("query iterates rows keyed by column name", function()
  local names = {}
  for row in db:query("SELECT name FROM t ORDER BY id") do names[#names + 1] = row.name end
  t.eq(names, { "a", "b", "c" })
end)

t.test("query in array mode gives columns in order", function()
  for row in db:query("SELECT name, n FROM t WHERE id = 1", nil, "array") do t.eq(row, { "a", 1 }) end
end)

t.test("leaving a query loop with break finalizes the statement", function()
  for _ = 1, 200 do
    for _ in db:query("SELECT * FROM t") do break end
  end
  -- an open statement would make this DROP fail with "database table is locked"
  db:exec("CREATE TABLE tmp_drop(a); DROP TABLE tmp_drop")
end)

t.test("an error inside a query loop finalizes the statement", function()
  pcall(function() for _ in db:query("SELECT * FROM t") do error("stop") end end)
  db:exec("CREATE TABLE tmp_drop2(a); DROP TABLE tmp_drop2")
end)

t.test("rows, first and scalar", function()
  t.eq(#db:rows("SELECT * FROM t"), 3)
  t.eq(db:first("SELECT name FROM t WHERE id = :id", { id = 2 }).name, "b")
  t.eq(db:first("SELECT name FROM t WHERE id = 99"), nil)
  t.eq(db:scalar("SELECT count(*) FROM t"), 3)
end)

t.test("named and positional parameters", function()
  t.eq(db:scalar("SELECT name FROM t WHERE id = ?", { 3 }), "c")
  t.eq(db:scalar("SELECT name FROM t WHERE id = @id", { id = 1 }), "a")
  t.eq(db:scalar("SELECT name FROM t WHERE id = $id", { id = 1 }), "a")
  t.eq(db:scalar("SELECT ?2 || ?1", { "x", "y" }), "yx")
end)

t.test("a missing named parameter is an error naming it", function()
  t.raises(function() db:scalar("SELECT * FROM t WHERE id = :year", {}) end, "parameter :year not given")
  t.raises(function() db:scalar("SELECT * FROM t WHERE id = :year") end, "parameter :year not given")
end)

t.test("unbindable values are an error naming the parameter", function()
  t.raises(function() db:scalar("SELECT :x", { x = {} }) end, "parameter :x: cannot bind a table value")
end)

t.test("integers stay integers and reals stay reals", function()
  local r = db:first("SELECT n, score, 2.0 AS two FROM t WHERE id = 1")
  t.eq(math.type(r.n), "integer"); t.eq(math.type(r.score), "float"); t.eq(math.type(r.two), "float")
end)

t.test("NULL is distinguishable from a missing column", function()
  local r = db:first("SELECT * FROM t WHERE id = 2")
  t.eq(r.score, null); t.eq(r.nope, nil)
  t.eq(db:scalar("SELECT :v IS NULL", { v = null }), 1)
end)

t.test("transaction commits when the function returns", function()
  local a, b = db:transaction(function(x) db:exec("INSERT INTO t(name) VALUES (?)", { x }); return "ok", 2 end, "d")
  t.eq(a, "ok"); t.eq(b, 2)
  t.eq(db:scalar("SELECT count(*) FROM t"), 4)
end)

t.test("transaction rolls back and re-raises the same error", function()
  local err = t.raises(function()
    db:transaction(function() db:exec("INSERT INTO t(name) VALUES ('e')"); error("broken", 0) end)
  end, "broken")
  t.eq(err, "broken")
  t.eq(db:scalar("SELECT count(*) FROM t"), 4)
end)

t.test("nested transactions roll back only the inner part", function()
  db:transaction(function()
    db:exec("INSERT INTO t(name) VALUES ('outer')")
    pcall(db.transaction, db, function() db:exec("INSERT INTO t(name) VALUES ('inner')"); error("x") end)
  end)
  t.eq(db:scalar("SELECT count(*) FROM t WHERE name IN ('outer', 'inner')"), 1)
end)

t.test("prepared statements bind again and again", function()
  local st = db:prepare("SELECT name FROM t WHERE id = :id")
  t.eq(st:scalar({ id = 1 }), "a"); t.eq(st:scalar({ id = 3 }), "c")
  t.eq(st:columns(), { "name" })
  local seen = 0
  for _ in st:query({ id = 1 }) do seen = seen + 1 end
  t.eq(seen, 1)
  st:close()
  t.raises(function() st:scalar({ id = 1 }) end, "the statement is closed")
end)

t.test("tables, columns and tostring", function()
  t.eq(db:tables(), { "t" })
  t.eq(db:columns("t"), { "id", "name", "score", "n" })
  t.truthy(tostring(db):find("(read-write)", 1, true))
end)

t.test("SQL errors name the SQL", function()
  t.raises(function() db:exec("SELEC 1") end, 'SQL error: near "SELEC": syntax error (in: SELEC 1)')
end)

t.test("model SQL cannot change the engine's qm_ tables", function()
  t.raises(function() db:exec("CREATE TABLE qm_units(id)") end, "belongs to the engine")
end)

t.test("ATTACH is refused", function()
  t.raises(function() db:exec("ATTACH 'other.db' AS o") end, "ATTACH and DETACH are not allowed")
end)

t.test("a closed handle answers with an error, not a crash", function()
  local h = require("qm.db").open(db:path())
  h:close()
  t.raises(function() h:scalar("SELECT 1") end, "is closed")
  h:close()
end)

t.test("db.open from a model is read-only", function()
  local h = require("qm.db").open(db:path())
  t.eq(h:readonly(), true)
  t.raises(function() h:exec("INSERT INTO t(name) VALUES ('z')") end, "read-only")
  h:close()
end)

t.done()
