-- test_yaml.lua — the qm.yaml module: scalars, structure, order, positions, modes, tags, errors,
-- limits and aliases. Fixtures live in fixtures/.
local t = require "testing"

local dir = "fixtures/"

local function mtype(v) return math.type(v) or type(v) end

t.test("core_scalars_booleans_are_only_true_and_false", function()
  local y = yaml.load("[true, True, TRUE, false, False, FALSE]")
  t.eq(y, { true, true, true, false, false, false })
end)

t.test("core_scalars_yaml11_booleans_stay_strings", function()
  local y = yaml.load("[yes, no, on, off, y, n, Yes, NO]")
  t.eq(y, { "yes", "no", "on", "off", "y", "n", "Yes", "NO" })
end)

t.test("core_scalars_null_forms_become_yaml_null", function()
  local y = yaml.load("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: [~, null, ]\n")
  for _, k in ipairs { "a", "b", "c", "d", "e" } do t.truthy(y[k] == yaml.null, k .. " is yaml.null") end
  t.truthy(y.f[1] == yaml.null and y.f[2] == yaml.null, "nulls in a sequence keep their place")
  t.eq(#y.f, 2)
  t.eq(yaml.keys(y), { "a", "b", "c", "d", "e", "f" }, "keys with null values are not lost")
  t.truthy(yaml.null == null, "yaml.null is the shared null")
end)

t.test("core_scalars_integers", function()
  local y = yaml.load("[0, -12, +3, 42, 0x1F, 0o17, 9223372036854775807]")
  t.eq(y, { 0, -12, 3, 42, 31, 15, math.maxinteger })
  for i, v in ipairs(y) do t.eq(mtype(v), "integer", "element " .. i) end
end)

t.test("core_scalars_leading_zero_digits_stay_strings", function()
  local y = yaml.load("[012, 0047, 0800, -012, 00.5]")
  t.eq(y, { "012", "0047", "0800", "-012", "00.5" })
end)

t.test("core_scalars_floats", function()
  local y = yaml.load("[1.5, 1e3, .5, -2.5e-1, 1., .inf, -.inf, +.Inf]")
  for i, v in ipairs(y) do t.eq(mtype(v), "float", "element " .. i) end
  t.eq(y[1], 1.5); t.eq(y[2], 1000.0); t.eq(y[3], 0.5); t.eq(y[4], -0.25); t.eq(y[5], 1.0)
  t.eq(y[6], math.huge); t.eq(y[7], -math.huge); t.eq(y[8], math.huge)
  local nan = yaml.load(".nan")
  t.truthy(nan ~= nan, ".nan is NaN")
end)

t.test("quoted_scalars_are_always_strings", function()
  local y = yaml.load([[['true', "12", '~', "", '0x1F', "1.5", 'null'] ]])
  t.eq(y, { "true", "12", "~", "", "0x1F", "1.5", "null" })
end)

t.test("other_plain_scalars_are_strings", function()
  local y = yaml.load("[1.10.2, 12:30, 2024-01-31, 1_000, hello world, 0x, 1e]")
  t.eq(y, { "1.10.2", "12:30", "2024-01-31", "1_000", "hello world", "0x", "1e" })
end)

t.test("string_mode_keeps_every_scalar_as_text_but_null", function()
  local y = yaml.load("id: 1.10\nn: 012\nb: true\nf: 1.5\nz: ~\ne:\nk: [1, 2]\n", { scalars = "string" })
  t.eq(y.id, "1.10"); t.eq(y.n, "012"); t.eq(y.b, "true"); t.eq(y.f, "1.5")
  t.truthy(y.z == yaml.null and y.e == yaml.null, "nulls are still yaml.null")
  t.eq(y.k, { "1", "2" })
end)

t.test("string_mode_honours_explicit_tags", function()
  t.eq(yaml.load("!!int 5", { scalars = "string" }), 5)
end)

t.test("bad_scalars_option_is_an_error", function()
  t.raises(function() yaml.load("a", { scalars = "yaml11" }) end, 'opts.scalars must be "core" or "string"')
end)

t.test("explicit_tags", function()
  local y = yaml.load("a: !!str 12\nb: !!int \"12\"\nc: !!float 3\nd: !!bool 'true'\ne: !!null ''\nf: !!int 012\ng: ! 12\nh: !!str true\n")
  t.eq(y.a, "12"); t.eq(y.b, 12); t.eq(mtype(y.b), "integer")
  t.eq(y.c, 3.0); t.eq(mtype(y.c), "float"); t.eq(y.d, true)
  t.truthy(y.e == yaml.null); t.eq(y.f, 12); t.eq(y.g, "12"); t.eq(y.h, "true")
end)

t.test("unknown_tag_is_an_error_naming_tag_and_position", function()
  t.raises(function() yaml.load("a: 1\nb: !!timestamp 2024-01-01\n", { name = "m.yaml" }) end,
    "m.yaml:2:4: unknown tag !!timestamp")
  t.raises(function() yaml.load("b: !custom x\n", { name = "m.yaml" }) end, "m.yaml:1:4: unknown tag !custom")
end)

t.test("tag_with_wrong_value_is_an_error", function()
  t.raises(function() yaml.load("a: !!int abc\n") end, 'yaml:1:4: !!int value "abc" is not an integer')
  t.raises(function() yaml.load("a: !!bool yes\n") end, '!!bool value "yes" is not true or false')
end)

t.test("nested_structures", function()
  local y = yaml.load([[
model: kik
themes:
  - id: ledelse
    questions: [1.1, "1.2"]
    meta: {scale: [1, 5], active: true}
  - id: drift
    questions: []
    meta: {}
]])
  t.eq(y.model, "kik")
  t.eq(#y.themes, 2)
  t.eq(y.themes[1].questions, { 1.1, "1.2" })
  t.eq(y.themes[1].meta.scale, { 1, 5 })
  t.eq(y.themes[2].questions, {})
  t.eq(yaml.keys(y.themes[1]), { "id", "questions", "meta" })
end)

t.test("order_via_keys_and_pairs", function()
  local y = yaml.load("zeta: 1\nalpha: 2\nmid: 3\n10: ten\n2: two\n")
  t.eq(yaml.keys(y), { "zeta", "alpha", "mid", 10, 2 })
  local seen = {}
  for k, v in yaml.pairs(y) do seen[#seen + 1] = tostring(k) .. "=" .. tostring(v) end
  t.eq(seen, { "zeta=1", "alpha=2", "mid=3", "10=ten", "2=two" })
end)

t.test("keys_skip_removed_and_append_added_keys", function()
  local y = yaml.load("b: 1\na: 2\nc: 3\n")
  y.a = nil
  y.d = 4
  t.eq(yaml.keys(y), { "b", "c", "d" })
end)

t.test("mapping_has_only_its_keys", function()
  local y = yaml.load("b: 1\na: 2\n")
  local n = 0
  for _ in pairs(y) do n = n + 1 end
  t.eq(n, 2, "no bookkeeping keys inside the table")
  t.eq(getmetatable(y), nil, "no metatable")
end)

t.test("keys_of_a_sequence_are_its_indices", function()
  t.eq(yaml.keys(yaml.load("[a, b, c]")), { 1, 2, 3 })
end)

t.test("keys_of_a_table_not_from_yaml_is_an_error", function()
  t.raises(function() yaml.keys({ a = 1 }) end, "was not loaded by yaml.load")
end)

t.test("where_gives_positions", function()
  local y = yaml.load("title: x\nthemes:\n  ledelse:\n    weight: 2\n  list: [a, b]\n", { name = "kik.yaml" })
  t.eq(yaml.where(y), "kik.yaml:1:1")
  t.eq(yaml.where(y, "title"), "kik.yaml:1:8")
  t.eq(yaml.where(y, "themes"), "kik.yaml:3:3")
  t.eq(yaml.where(y.themes.ledelse, "weight"), "kik.yaml:4:13")
  t.eq(yaml.where(y.themes.list), "kik.yaml:5:9")
  t.eq(yaml.where(y.themes.list, 2), "kik.yaml:5:13")
  t.eq(yaml.where(y, "missing"), nil)
  t.eq(yaml.where({}), nil)
end)

t.test("duplicate_key_is_an_error_with_both_lines", function()
  t.raises(function() yaml.load("a: 1\nb: 2\na: 3\n", { name = "d.yaml" }) end,
    'd.yaml:3:1: duplicate key "a" (first at line 1)')
  t.raises(function() yaml.load("{x: 1, x: 2}") end, 'duplicate key "x"')
end)

t.test("complex_key_is_an_error_with_position", function()
  t.raises(function() yaml.load("a: 1\n? [1, 2]\n: x\n", { name = "k.yaml" }) end,
    "k.yaml:2:3: a mapping key must be a scalar")
end)

t.test("merge_key_is_rejected_clearly", function()
  t.raises(function() yaml.load("base: &b {a: 1}\nx:\n  <<: *b\n") end,
    "yaml:3:3: merge keys (<<) are not supported")
end)

t.test("syntax_error_has_line_and_column", function()
  t.raises(function() yaml.load("a: [1, 2\nb: 3\n", { name = "s.yaml" }) end,
    "s.yaml:2:2: did not find expected ',' or ']'")
  t.raises(function() yaml.load("a: b\n  c: d\n") end, "yaml:2:4: mapping values are not allowed")
end)

t.test("load_returns_first_document_and_load_all_every_one", function()
  local text = "a: 1\n---\n- 2\n---\nthree\n"
  t.eq(yaml.load(text), { a = 1 })
  local all = yaml.load_all(text)
  t.eq(#all, 3)
  t.eq(all[1], { a = 1 }); t.eq(all[2], { 2 }); t.eq(all[3], "three")
  t.eq(yaml.load_all(""), {})
  t.truthy(yaml.load("") == yaml.null, "an empty text is null")
end)

t.test("aliases_are_copies", function()
  local y = yaml.load("base: &b {scale: [1, 5], name: x}\nuse1: *b\nuse2: *b\nn: &n 7\nm: *n\n")
  t.eq(y.use1, { scale = { 1, 5 }, name = "x" })
  t.truthy(y.use1 ~= y.base and y.use1 ~= y.use2, "distinct tables")
  t.truthy(y.use1.scale ~= y.base.scale, "nested tables are copies too")
  y.use1.scale[1] = 99
  t.eq(y.base.scale[1], 1, "changing a copy leaves the anchor alone")
  t.eq(y.use2.scale[1], 1)
  t.eq(yaml.keys(y.use2), { "scale", "name" }, "copies keep the order")
  t.eq(y.m, 7)
end)

t.test("undefined_alias_is_an_error", function()
  t.raises(function() yaml.load("a: *nope\n") end, "yaml:1:4: alias *nope refers to no anchor")
  t.raises(function() yaml.load("a: &r [1, *r]\n") end, "alias *r refers to no anchor")
end)

t.test("alias_bomb_fails_fast_naming_the_limit", function()
  local lines = { "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" }
  for i = 1, 9 do
    lines[#lines + 1] = ("l%d: &l%d [%s]"):format(i, i, ("*l" .. (i - 1) .. ", "):rep(8) .. "*l" .. (i - 1))
  end
  local t0 = os.clock()
  t.raises(function() yaml.load(table.concat(lines, "\n")) end,
    "document too large after alias expansion (limit " .. yaml.max_alias_nodes .. " nodes)")
  t.truthy(os.clock() - t0 < 0.5, "fails fast")
end)

t.test("depth_limit", function()
  local deep = ("["):rep(yaml.max_depth + 1) .. ("]"):rep(yaml.max_depth + 1)
  t.raises(function() yaml.load(deep) end, "nesting too deep (limit " .. yaml.max_depth .. " levels)")
  local ok = ("["):rep(yaml.max_depth) .. ("]"):rep(yaml.max_depth)
  t.truthy(type(yaml.load(ok)) == "table", "exactly the limit is allowed")
end)

t.test("load_file_reads_the_models_folder_with_order_and_positions", function()
  local y = yaml.load_file(dir .. "yaml_themes.yaml")
  t.eq(y.name, "Kvalitetsmodel")
  t.eq(yaml.keys(y.themes), { "ledelse", "arbejdsmiljø", "borgere" })
  t.eq(y.postnumre, { 8000, "0800", 2100 })
  t.eq(yaml.where(y.themes, "borgere"), dir .. "yaml_themes.yaml:9:5")
end)

t.test("load_file_syntax_error_names_the_file", function()
  t.raises(function() yaml.load_file(dir .. "yaml_broken.yaml") end, dir .. "yaml_broken.yaml:3:6:")
  t.raises(function() yaml.load_file(dir .. "yaml_broken.yaml", { name = "other" }) end, "other:3:6:")
end)

t.test("load_file_missing_file_is_an_io_error", function()
  t.raises(function() yaml.load_file(dir .. "no_such.yaml") end, "cannot read " .. dir .. "no_such.yaml")
end)

t.test("load_file_outside_the_folder_is_refused", function()
  t.raises(function() yaml.load_file("/etc/passwd") end, "a model may only read files in its own folder")
end)

t.test("load_file_accepts_a_utf8_byte_order_mark", function()
  t.eq(yaml.load_file(dir .. "yaml_bom.yaml"), { a = "æø" })
end)

t.test("non_utf8_text_is_an_error_with_position", function()
  t.raises(function() yaml.load("a: ok\nb: bl\229\n", { name = "latin1.yaml" }) end,
    "latin1.yaml:2:6: ")
  t.raises(function() yaml.load("a: \230\n") end, "save the file as UTF-8")
end)

t.done()
