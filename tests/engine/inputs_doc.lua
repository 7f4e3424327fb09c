-- prints the tables docs/language.md shows between its "inputs:kinds" and "inputs:reports"
-- markers, made from qm.lang.inputs (tests/e2e/test_docs.sh compares them with the page).
-- Regenerate the page's tables with: build/qm_engine_test tests/engine/inputs_doc.lua kinds
local inputs = require "qm.lang.inputs"
local which = ...
io.write(inputs.markdown(which or "kinds"))
