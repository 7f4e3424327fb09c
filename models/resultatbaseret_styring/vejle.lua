-- vejle.lua — Resultatbaseret styring i Vejle Jobcenter: sygedagpengemodtagere, der af
-- helbredsmæssige årsager ikke kan vende tilbage til deres tidligere job. Sagsbehandleren
-- scorer borgeren 1-5 på seks områder til hver samtale; de områder med mest plads til
-- udvikling vælges sammen med borgeren, og næste samtale følger op.
-- Source: "Sæt mål og styr efter dem", Beskæftigelsesregion Syddanmark, 2011.
local src = "Sæt mål og styr efter dem (Beskæftigelsesregion Syddanmark, 2011), Vejle"
local anchors = scale.ordinal { 1, 5, labels = { [1] = "Det går rigtig skidt", [2] = "Det går skidt",
  [3] = "Det går nogenlunde", [4] = "Det går godt", [5] = "Topscore" } }

model "vejle" {
  title = "Resultatbaseret styring — Vejle",
  description = "Progression for sygedagpengemodtagere, scoret ved hver samtale",
  source = src,
  quote = "til hver samtale giver borgeren en score",
  scale = anchors,
  default_report = "progression",
  progression = {
    window = 3,               -- no progression over the last 3 conversations is a flag
    coverage = "et halvt år", -- "mere end et halvt år": strictly more than six calendar months
    coverage_goal = 1.0,      -- every such citizen covered (half of it expected during 2011)
    target_group = params.target_group,
    tables = { citizens = "jc_citizens", conversations = "jc_conversations", scores = "jc_scores",
               focus = "jc_focus", interventions = "jc_interventions" },
  },
  theme "omraader" { title = "Seks områder", source = src,
    quote = "mødestabilitet, arbejdsidentitet, motivation, tillid, helbred og træningsaktiviteter",
    question "moedestabilitet" { title = "Mødestabilitet", text = "Kommer borgeren stabilt til aftaler og aktiviteter?" },
    question "arbejdsidentitet" { title = "Arbejdsidentitet", text = "Ser borgeren sig selv som en del af arbejdsmarkedet?" },
    question "motivation" { title = "Motivation", text = "Er borgeren motiveret for at komme i arbejde?" },
    question "tillid" { title = "Tillid", text = "Har borgeren tillid til jobcentret og forløbet?" },
    question "helbred" { title = "Helbred", text = "Hvordan påvirker helbredet arbejdsevnen?" },
    question "traening" { title = "Træningsaktiviteter", text = "Deltager borgeren i træningsaktiviteter?" },
  },
}
