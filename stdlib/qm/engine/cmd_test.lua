-- cmd_test.lua — `qm test PATH...`: runs the test files of models (qm.engine.modeltest) and
-- reports them as a readable summary, TAP or JUnit XML; exit 1 when any test fails or cannot
-- run. docs/testing.md.
local host = require "qm.host"
local cli = require "qm.engine.cli"
local modeltest = require "qm.engine.modeltest"

local M = {
  usage = "test PATH...",
  summary = "run the tests beside models: fixture data, expectations as of a date",
  help = "PATH is a model (NAME.lua: its NAME.test.lua and NAME.*.test.lua, beside it or in tests/),\n" ..
    "a test file (.test.lua) or a folder (every *.test.lua in it and below it).\n" ..
    "Each test gets a fresh in-memory database with its data; the model is checked against the\n" ..
    "expectations (indicators, consensus statistics, report rows) as of the test's date.\n" ..
    "--format tap or junit for CI (--out FILE writes the report there, failures included).\n" ..
    "Exit 1 when a test fails or cannot run. See docs/testing.md.",
  options = {
    { name = "format", kind = "string", arg = "FMT", doc = "text (default), tap (Test Anything Protocol) or junit (JUnit XML)",
      choices = { "text", "tap", "junit" } },
  },
}

-- ---------------------------------------------------------------- what a failure says

local function failure_lines(r)
  local show = modeltest.show
  local lines = {}
  local head = ("%s: %s"):format(r.where, r.what)
  if r.field then head = head .. ": " .. r.field end
  if r.field == nil and r.note then lines[1] = head .. ": " .. r.note return lines end
  lines[1] = head
  lines[#lines + 1] = "  expected: " .. show(r.expected)
  lines[#lines + 1] = "  got:      " .. show(r.got)
  if r.note then lines[#lines + 1] = "  (" .. r.note .. ")" end
  return lines
end

-- every line that says why a case did not pass
local function why_lines(c)
  local lines = {}
  for _, m in ipairs(c.messages) do lines[#lines + 1] = m end
  for _, r in ipairs(c.results) do
    if not r.ok then for _, l in ipairs(failure_lines(r)) do lines[#lines + 1] = l end end
  end
  return lines
end

-- ---------------------------------------------------------------- formats

local function text(out, files, totals)
  for _, f in ipairs(files) do
    out:write(f.path, "\n")
    if f.error then out:write("  ERROR ", f.error, "\n") end
    for _, c in ipairs(f.cases) do
      local word = c.status == "pass" and "ok   " or c.status == "fail" and "FAIL " or "ERROR"
      out:write(("  %s %s\n"):format(word, c.name))
      if c.status ~= "pass" then
        for _, l in ipairs(why_lines(c)) do out:write("        ", l, "\n") end
      end
    end
  end
  out:write(("%d test%s: %d passed, %d failed, %d could not run\n"):format(totals.tests, totals.tests == 1 and "" or "s",
    totals.pass, totals.fail, totals.error))
end

local function yaml_scalar(s)
  return "'" .. tostring(s):gsub("'", "''"):gsub("\n", " ") .. "'"
end

-- TAP version 13: one line per test, a YAML block with what failed
local function tap(out, files, totals)
  out:write("TAP version 13\n", ("1..%d\n"):format(totals.tests))
  local n = 0
  for _, f in ipairs(files) do
    if f.error then
      n = n + 1
      out:write(("not ok %d - %s\n  ---\n  message: %s\n  severity: error\n  ...\n"):format(n, f.path, yaml_scalar(f.error)))
    end
    for _, c in ipairs(f.cases) do
      n = n + 1
      local name = (c.name:gsub("#", "\\#"))
      if c.status == "pass" then
        out:write(("ok %d - %s: %s\n"):format(n, f.path, name))
      else
        out:write(("not ok %d - %s: %s\n  ---\n"):format(n, f.path, name))
        out:write("  severity: ", c.status == "fail" and "fail" or "error", "\n")
        out:write("  at: ", yaml_scalar(c.where), "\n")
        local first
        for _, r in ipairs(c.results) do if not r.ok then first = first or r end end
        if first then
          out:write("  message: ", yaml_scalar(first.what .. (first.field and (": " .. first.field) or "") .. (first.field == nil and first.note and (": " .. first.note) or "")), "\n")
          if first.field then
            out:write("  expected: ", yaml_scalar(modeltest.show(first.expected)), "\n")
            out:write("  got: ", yaml_scalar(modeltest.show(first.got)), "\n")
          end
          out:write("  line: ", yaml_scalar(first.where), "\n")
        end
        out:write("  details: |\n")
        for _, l in ipairs(why_lines(c)) do out:write("    ", l, "\n") end
        out:write("  ...\n")
      end
    end
  end
end

local function xml(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" })
    :gsub("[%z\1-\8\11\12\14-\31]", "?"))
end

-- JUnit XML: one testsuite per test file, a failure (an expectation not met) or an error (the
-- test could not run) with the lines that say why
local function junit(out, files, totals)
  out:write('<?xml version="1.0" encoding="UTF-8"?>\n')
  out:write(('<testsuites name="qm test" tests="%d" failures="%d" errors="%d">\n'):format(totals.tests, totals.fail, totals.error))
  for _, f in ipairs(files) do
    local fails, errors = 0, f.error and 1 or 0
    for _, c in ipairs(f.cases) do
      if c.status == "fail" then fails = fails + 1 elseif c.status == "error" then errors = errors + 1 end
    end
    out:write(('  <testsuite name="%s" tests="%d" failures="%d" errors="%d">\n'):format(xml(f.path),
      #f.cases + (f.error and 1 or 0), fails, errors))
    if f.error then
      out:write(('    <testcase classname="%s" name="%s"><error message="%s"/></testcase>\n'):format(xml(f.path), xml(f.path), xml(f.error)))
    end
    for _, c in ipairs(f.cases) do
      local line = c.where:match(":(%d+)$")
      out:write(('    <testcase classname="%s" name="%s" file="%s" line="%s"'):format(xml(f.path), xml(c.name), xml(f.path), line or ""))
      if c.status == "pass" then out:write("/>\n")
      else
        local lines = why_lines(c)
        local tag = c.status == "fail" and "failure" or "error"
        out:write((">\n      <%s message=\"%s\">%s</%s>\n    </testcase>\n"):format(tag, xml(lines[1] or c.status),
          xml(table.concat(lines, "\n")), tag))
      end
    end
    out:write("  </testsuite>\n")
  end
  out:write("</testsuites>\n")
end

-- ---------------------------------------------------------------- the command

function M.main(opts, args)
  if #args == 0 then cli.usage_error("qm test needs a model, a test file or a folder (see qm test --help)") end
  require "qm.lang.dsl"
  local paths = {}
  for _, a in ipairs(args) do
    local found = modeltest.find(a)
    if #found == 0 then
      host.raise(host.exit.model, ("%s: no test files (a model NAME.lua is tested by NAME.test.lua beside it or in tests/; see docs/testing.md)")
        :format(a), 0)
    end
    for _, p in ipairs(found) do paths[#paths + 1] = p end
  end
  local files = {}
  local totals = { tests = 0, pass = 0, fail = 0, error = 0 }
  for _, p in ipairs(paths) do
    local f = modeltest.run_file(p, opts)
    files[#files + 1] = f
    if f.error then totals.tests, totals.error = totals.tests + 1, totals.error + 1 end
    for _, c in ipairs(f.cases) do
      totals.tests = totals.tests + 1
      totals[c.status] = totals[c.status] + 1
    end
  end
  -- to stdout, or to --out FILE (written in full, failures included: they are the result)
  local out = require("qm.engine.context").new(opts):output()
  local format = opts.format or "text"
  if format == "tap" then tap(out, files, totals)
  elseif format == "junit" then junit(out, files, totals)
  else text(out, files, totals) end
  out:commit()
  if totals.fail + totals.error > 0 then return host.exit.model end
  return host.exit.ok
end

return M
