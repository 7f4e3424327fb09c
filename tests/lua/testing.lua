-- testing.lua — the assertions Lua tests use. A test file calls t.test(name, fn) for each
-- behaviour and t.done() at the end, which prints "N passed, N failed" and raises if any failed.
local M = {}
local passed, failed = 0, 0

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

local function deep_equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  for k, v in pairs(a) do if not deep_equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
M.deep_equal = deep_equal

function M.eq(got, want, what)
  if not deep_equal(got, want) then
    error(("%sexpected %s, got %s"):format(what and (what .. ": ") or "", show(want), show(got)), 2)
  end
end

function M.near(got, want, eps, what)
  eps = eps or 1e-9
  if type(got) ~= "number" or math.abs(got - want) > eps then
    error(("%sexpected %s (±%g), got %s"):format(what and (what .. ": ") or "", show(want), eps, show(got)), 2)
  end
end

function M.truthy(v, what)
  if not v then error((what or "expected a true value") .. ", got " .. show(v), 2) end
end

-- fn must raise an error whose message contains `pattern` (plain text)
function M.falsy(v, what)
  if v then error((what or "expected a false value") .. ", got " .. show(v), 2) end
end

function M.raises(fn, pattern, what)
  local ok, err = pcall(fn)
  if ok then error((what and (what .. ": ") or "") .. "expected an error containing " .. show(pattern), 2) end
  if pattern and not tostring(err):find(pattern, 1, true) then
    error(("%sexpected an error containing %s, got %s"):format(what and (what .. ": ") or "", show(pattern), show(tostring(err))), 2)
  end
  return tostring(err)
end

local finished = false

function M.test(name, fn)
  -- a test after t.done() would not count: make that mistake loud
  if finished then error(("test %q comes after t.done()"):format(name), 2) end
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    print("ok   " .. name)
  else
    failed = failed + 1
    print("FAIL " .. name .. "\n     " .. tostring(err))
  end
end

function M.done()
  finished = true
  print(("%d passed, %d failed"):format(passed, failed))
  if failed > 0 then error(("%d test(s) failed"):format(failed), 0) end
end

return M
