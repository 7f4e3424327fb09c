local kik = use "kik/kik.lua"
model "kik_vejle" {
  extends = kik,
  title = "KIK, Vejle",
  remove = { "1.3" },
  change = { ["1.1"] = { text = "Vejles egen formulering" } },
  replace = { question "2.2" { text = "Erstattet spørgsmål" } },
  theme "ledelse" { question "1.9" { text = "Tilføjet spørgsmål" } },
  theme "lokalt" { title = "Lokalt tema", question "L.1" { text = "Lokalt spørgsmål" } },
}
local m = kik_vejle
