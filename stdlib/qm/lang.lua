-- lang.lua — the model language (placeholder: the language lands with issue 3).
local M = {}

function M.globals(ctx) return {} end

return M
