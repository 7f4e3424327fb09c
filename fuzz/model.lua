-- model.lua — fuzz target "model": a whole model file, checked as `qm check FILE` does.
-- It runs qm.engine.cmd_check itself: the file loaded in the sandbox, the constructors'
-- validation, did-you-mean for misspelled fields, and a YAML structure file. The input is the
-- model's Lua text, optionally followed by a line "--- structure.yaml ---" and the text of
-- structure.yaml in the model's folder. The contract: every finding qm check reports (read
-- from --format json) names the user's file (the model or its YAML), never an engine file or
-- an internal error. Model code may hit the memory and time limits: that is expected, and the
-- harness checks that the limits hold. See docs/fuzzing.md.
local fuzz = ...
local check = require "qm.engine.cmd_check"
local json = require "qm.reports.json"

local SEPARATOR = "\n--- structure.yaml ---\n"
local model_path = fuzz.tmpdir .. "/model.lua"
local yaml_path = fuzz.tmpdir .. "/structure.yaml"

local function finding(fmt, ...)
  error("finding: " .. fmt:format(...), 0)
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  assert(f:write(text))
  assert(f:close())
end

-- a finding qm check reported (its JSON form, docs/cli.md): it must name the user's file
-- (the model or its YAML), and its message must be one for people
local function check_finding(f, input)
  local msg = f.message
  local why = fuzz.improper(msg, input)
  -- a model's own runtime error ("attempt to call a nil value") is the model's fault and
  -- fine, as long as it is put at the model's line; engine files never appear
  if why and not (f.file == model_path and type(f.line) == "number" and not tostring(msg):find("stdlib/", 1, true)) then
    finding("qm check reported an improper message: %s:\n%s", why, tostring(msg))
  end
  if f.file ~= model_path and f.file ~= yaml_path then
    finding("qm check reported a finding that does not name the user's file (%s):\n%s", tostring(f.file), tostring(msg))
  end
end

return {
  limits_expected = true,  -- model code may loop or allocate; the harness checks the limits hold
  timeout = 1,
  max_memory = 64 * 1024 * 1024,
  run = function(input)
    local at = input:find(SEPARATOR, 1, true)
    write(model_path, at and input:sub(1, at) or input)
    if at then write(yaml_path, input:sub(at + #SEPARATOR)) else os.remove(yaml_path) end
    local printed = {}
    local stdout = io.stdout
    io.stdout = { write = function(_, ...) printed[#printed + 1] = table.concat({ ... }) end }
    local ok, code = pcall(check.main, { quiet = true, format = "json" }, { model_path })
    io.stdout = stdout
    if not ok then error(code, 0) end   -- a limit (expected) or a finding (the harness tells)
    if code ~= 0 and code ~= 1 then finding("qm check exited with %s", tostring(code)) end
    local okj, doc = pcall(json.decode, table.concat(printed))
    if not okj or type(doc) ~= "table" or type(doc.findings) ~= "table" then
      finding("qm check --format json printed no JSON document: %s", tostring(doc))
    end
    if code == 1 and (doc.errors or 0) == 0 then finding("qm check failed without an error") end
    for _, f in ipairs(doc.findings) do check_finding(f, input) end
  end,
}
