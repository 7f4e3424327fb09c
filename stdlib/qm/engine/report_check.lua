-- report_check.lua — what `qm check` finds in the SQL of a model's own reports (report "id" {
-- section "id" { sql = ... } }): each section's query compiled, never run, against --db or an
-- empty read-only database (then only what does not depend on the data counts: syntax and
-- functions); the columns a section or its chart names must be among the query's; its named
-- parameters must be given (the report's params, :as_of, :year, --param). Problems are at the
-- line of the query that SQLite's message is about. Loads no report module (qm check never does).
local host = require "qm.host"
local lang = require "qm.lang.reports"

local M = {}


-- "file:line" of the SQL's line that names `token` (the word SQLite's message is about), found
-- in the model's file from the section's line on: an error in a 20-line query is then at its
-- own line; the section's line when the text cannot be found
local function sql_where(s, token)
  local file, line = s.where:match("^(.*):(%d+)$")
  local f = file and io.open(file, "rb")
  if not f then return s.where end
  local text = f:read("a") or ""
  f:close()
  local lines = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  local sql_lines = {}
  for l in (s.sql .. "\n"):gmatch("([^\n]*)\n") do sql_lines[#sql_lines + 1] = l end
  local first, k0 = nil, 1
  while sql_lines[k0] and not sql_lines[k0]:match("%S") do k0 = k0 + 1 end
  if not sql_lines[k0] then return s.where end
  local probe = sql_lines[k0]:match("^%s*(.-)%s*$")
  for i = tonumber(line), #lines do
    if lines[i]:find(probe, 1, true) then first = i break end
  end
  if not first then return s.where end
  local at = first
  if token and token ~= "" then
    local pat = "%f[%w_]" .. token:lower():gsub("%p", "%%%0") .. "%f[^%w_]"
    for k = k0, #sql_lines do
      if sql_lines[k]:lower():find(pat) then at = first + (k - k0) break end
    end
  end
  return file .. ":" .. at
end
M.sql_where = sql_where

-- Compile every section's SQL of the models the run declared, without running it: against
-- `db` (the model's connection to --db) or, without one, an empty read-only database, where
-- only what does not depend on the data counts (syntax, functions). The columns a section
-- or its chart names must be among the query's; parameters must be given by the report's
-- params, :as_of, :year or --param.
function M.check_sql(ctx, db)
  local with_db = db ~= nil
  local own
  if not db then
    own = host.opendb(":memory:", { engine = false })
    db = own
  end
  local problem = require("qm.lang.construct").problem
  for _, m in ipairs(ctx:declared_models()) do
    for _, rep in ipairs(m.reports or {}) do
      for _, s in ipairs(rep.sections or {}) do
        if type(s.sql) == "string" then
          local what = ("report \"%s\": section \"%s\""):format(rep.id, s.id)
          local ok, st = pcall(db.prepare, db, s.sql)
          if not ok then
            local why = tostring(st):gsub("^[^\n]-:%d+: ", ""):gsub("^SQL error: ", ""):gsub(" %(in: .*$", "")
            local data_only = why:match("^no such table") or why:match("^no such column")
            if with_db or not data_only then
              local token = why:match('near "([^"]+)"') or why:match("no such %a+: ([%w_.]+)")
              if token then token = token:match("([^.]+)$") end
              problem(ctx, "error", sql_where(s, token), ("%s: the SQL does not compile: %s"):format(what, why))
            end
          else
            local have = {}
            for _, c in ipairs(st:columns()) do have[c] = true end
            local names = table.concat(st:columns(), ", ")
            local wanted = {}
            for _, c in ipairs(lang.columns(s) or {}) do wanted[#wanted + 1] = { c.key, "columns" } end
            if type(s.chart) == "table" then
              for _, k in ipairs(lang.chart_keys(s.chart)) do wanted[#wanted + 1] = { k, "chart" } end
            end
            for _, w in ipairs(wanted) do
              if not have[w[1]] then
                local hint = require("qm.lang.construct").did_you_mean(w[1], st:columns())
                problem(ctx, "error", s.where, ("%s: %s names column \"%s\", which the query does not give%s (it gives %s)")
                  :format(what, w[2], w[1], hint and (" — did you mean \"" .. hint .. "\"?") or "", names))
              end
            end
            -- every named parameter must have a value: the report's params, :as_of, :year, --param
            local given = { as_of = "2000-01-01", year = 2000 }
            for k, v in pairs(type(rep.params) == "table" and rep.params or {}) do given[k] = v end
            for k, v in pairs(ctx.params or {}) do given[k] = v end
            local bok, berr = pcall(st.bind, st, given)
            if not bok then
              local pname = tostring(berr):match("parameter ([:@$]?[%w_]+) not given") or tostring(berr):match("(%?%d*)")
              local key = pname and pname:gsub("^[:@$]", "")
              if pname and pname:sub(1, 1) == "?" then
                problem(ctx, "error", s.where, ("%s: the query has a positional parameter: name it (:name) and give it in params"):format(what))
              else
                problem(ctx, "error", s.where, ("%s: the query uses %s, which the report does not give: add params = { %s = ... } to the report, or give --param %s=VALUE")
                  :format(what, pname or "a parameter", key or "name", key or "name"))
              end
            end
            st:close()
          end
        end
      end
    end
  end
  if own then own:close() end
end

return M
