-- the methods every string has must not include dump either
local s = ("").dump(function() return 1 end)
