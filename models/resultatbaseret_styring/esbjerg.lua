-- esbjerg.lua — Resultatbaseret styring i Esbjerg Jobcenter: forsikrede ledige,
-- ledighedsydelses- og kontant-/starthjælpsmodtagere på ydelse i mere end et år. Et katalog
-- med 13 fokuspunkter, scoret 1-5 ved hver samtale; borger og sagsbehandler vælger de TO
-- vigtigste at arbejde med; når målene er nået eller godt på vej, vælges nye.
-- The source names five of the 13 focus points; the other eight are marked for the
-- municipality to fill in (meta.placeholder).
local src = "Sæt mål og styr efter dem (Beskæftigelsesregion Syddanmark, 2011), Esbjerg"
local function todo(n)
  return question("fp" .. n) { title = "Fokuspunkt " .. n, text = "(udfyldes af kommunen)",
    meta = { placeholder = true }, description = "Not named in the source: the municipality fills it in" }
end

model "esbjerg" {
  title = "Resultatbaseret styring — Esbjerg",
  source = src,
  quote = "de to fokuspunkter, der er vigtigst at arbejde med",
  scale = scale.ordinal { 1, 5, labels = { [1] = "Langt fra", [5] = "Helt på plads" } },
  default_report = "progression",
  progression = { window = 3, focus_max = 2, coverage = "et år",
    tables = { citizens = "jc_citizens", conversations = "jc_conversations", scores = "jc_scores",
               focus = "jc_focus", interventions = "jc_interventions" } },
  theme "fokuspunkter" { title = "13 fokuspunkter", source = src,
    question "privatoekonomi" { title = "Privatøkonomi", text = "Er privatøkonomien i orden?" },
    question "netvaerk" { title = "Netværk", text = "Har borgeren et netværk, der støtter?" },
    question "misbrug" { title = "Misbrug", text = "Står misbrug i vejen for arbejde?" },
    question "joberfaring" { title = "Joberfaring", text = "Har borgeren relevant joberfaring?" },
    question "uddannelse" { title = "Uddannelse", text = "Har borgeren den uddannelse, jobbet kræver?" },
    todo(6), todo(7), todo(8), todo(9), todo(10), todo(11), todo(12), todo(13),
  },
}
