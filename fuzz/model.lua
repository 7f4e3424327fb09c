-- model.lua — fuzz target "model": a whole model file, checked as `qm check FILE` does.
-- It runs qm.engine.cmd_check itself: the file loaded in the sandbox, the constructors'
-- validation, did-you-mean for misspelled fields, and a YAML structure file. The input is the
-- model's Lua text, optionally followed by a line "--- structure.yaml ---" and the text of
-- structure.yaml in the model's folder. The contract: every message qm check prints names the
-- user's file (the model or its YAML; a line, unless it is about the whole file), never an
-- engine file or an internal error. Model code may hit the memory and time limits: that is expected, and the harness
-- checks that the limits hold. See docs/fuzzing.md.
local fuzz = ...
local check = require "qm.engine.cmd_check"

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

local function starts_with(s, prefix) return s:sub(1, #prefix) == prefix end

-- a message qm check printed: it must point into the user's files, with a line
local function check_message(msg, input)
  local why = fuzz.improper(msg, input)
  -- a model's own runtime error ("model.lua:3: attempt to call a nil value") is the model's
  -- fault and fine, as long as it names the model's line; engine files never appear
  if why and not (starts_with(msg, model_path .. ":") and not msg:find("stdlib/", 1, true)) then
    finding("qm check printed an improper message: %s:\n%s", why, msg)
  end
  -- "FILE:LINE: ..." or, for what concerns the whole file, "FILE: ..."
  local where = msg:match("^(.-):%d+:") or msg:match("^(.-): ")
  if where ~= model_path and where ~= yaml_path then
    finding("qm check printed a message that does not name the user's file:\n%s", msg)
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
    local ok, code = pcall(check.main, { quiet = true }, { model_path })
    io.stdout = stdout
    if not ok then error(code, 0) end   -- a limit (expected) or a finding (the harness tells)
    if code ~= 0 and code ~= 1 then finding("qm check exited with %s", tostring(code)) end
    if code == 1 and #printed == 0 then finding("qm check failed and printed nothing") end
    for _, msg in ipairs(printed) do check_message(msg, input) end
  end,
}
