-- runner.lua — qm's command line after the C host has made the Lua state: finds the command,
-- parses its options (qm.engine.cli) and runs it. Each command lives in its own module
-- under qm.engine.cmd_*, declaring usage, summary, options and main(opts, args).
local host = require "qm.host"
local cli = require "qm.engine.cli"

local M = {}

-- The commands, in the order --help lists them. A new command is a module and a line here.
local order = { "run", "check", "test", "import", "consensus", "area", "action", "repl", "lsp" }
local modules = {
  run = "qm.engine.cmd_run",
  check = "qm.engine.cmd_check",
  import = "qm.engine.cmd_import",
  consensus = "qm.engine.cmd_consensus",
  area = "qm.engine.cmd_area",
  action = "qm.engine.cmd_action",
  repl = "qm.engine.cmd_repl",
  test = "qm.engine.cmd_test",
  lsp = "qm.engine.cmd_lsp",
}

local exit_codes = {
  { host.exit.ok, "success" },
  { host.exit.model, "model or data error (qm check: errors found)" },
  { host.exit.usage, "usage error (bad command line)" },
  { host.exit.io, "database or file I/O error" },
  { host.exit.limit, "memory or time limit reached" },
  { host.exit.interrupt, "interrupted (Ctrl-C)" },
  { 143, "stopped by SIGTERM (129: by SIGHUP); an unfinished --out file is removed" },
}
M.exit_codes = exit_codes

-- commands load on first use: `qm run` does not compile the import or REPL code
local function load_commands()
  local commands = setmetatable({}, { __index = function(t, name)
    local mod = modules[name] and require(modules[name])
    rawset(t, name, mod)
    return mod
  end })
  return commands, order
end
M.load_commands = load_commands

function M.main(argv)
  local commands, names = load_commands()
  local first = argv[1]
  if first == "--version" or first == "version" then
    io.stdout:write("qm ", host.version, " (", _VERSION, ", line editing: ",
      host.libedit and "libedit" or "GNU readline", ", stdlib: ", (host.stdlib()), ")\n")
    return host.exit.ok
  end
  if first == "--help" or first == "-h" or first == "help" then
    local topic = argv[2]
    if topic == "help" then topic = nil end   -- qm help help: the general text
    if topic and not commands[topic] then
      cli.usage_error(("no command %q%s (see qm --help)"):format(topic, cli.meant(topic, names)))
    end
    io.stdout:write(cli.help(commands, names, exit_codes, topic))
    return host.exit.ok
  end
  local name = first
  local rest = { table.unpack(argv, 2) }
  if first == nil or first:sub(1, 1) == "-" then
    -- bare `qm` (perhaps with global options) is the REPL
    name, rest = "repl", argv
  end
  local cmd = commands[name]
  if not cmd then
    cli.usage_error(("unknown command %q%s (commands: %s; see qm --help)"):format(name, cli.meant(name, names), table.concat(names, ", ")))
  end
  for _, a in ipairs(rest) do
    if a == "--help" or a == "-h" then
      io.stdout:write(cli.help(commands, names, exit_codes, name))
      return host.exit.ok
    end
  end
  local opts, args = cli.parse(rest, cmd.options)
  return cmd.main(opts, args) or host.exit.ok
end

return M
