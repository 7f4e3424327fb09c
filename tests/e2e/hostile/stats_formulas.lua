local f = require "qm.stats.formulas"
print(f)
