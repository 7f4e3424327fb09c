-- own.lua — a model with reports of its own, for tests/e2e/test_model_reports.sh: a table from
-- SQL with a chart, a table from a Lua function, every chart type, a parameter with a default.
model "egen" {
  title = "Egen model",
  scale = scale.points { 0, 100, step = 5 },
  theme "ledelse" { title = "Ledelse",
    question "1.1" { title = "Mål", text = "Har enheden mål?" },
    question "1.2" { title = "Retning", text = "Kender alle retningen?" },
  },
  theme "trivsel" { title = "Trivsel",
    question "2.1" { title = "Arbejdsglæde", text = "Er der arbejdsglæde?" },
  },
  theme "resultater" { title = "Resultater",
    question "3.1" { title = "Borgere", text = "Er borgerne tilfredse?" },
  },
  report "scorer" {
    title = "Scorer pr. spørgsmål",
    subtitle = "Fra tabellen scores",
    description = "every question's scores from the table scores",
    params = { min = 0 },
    section "tabel" {
      title = "Gennemsnit",
      text = "Middelværdien af scorerne pr. spørgsmål, højest først.",
      sql = [[SELECT question, avg(score) AS middel, group_concat(score, ',') AS alle, count(*) AS n
              FROM scores WHERE score >= :min GROUP BY question ORDER BY middel DESC, question]],
      columns = { { "question", "Spørgsmål", element = true }, { "middel", "Middel", decimals = 1 }, { "n", "Antal", format = "integer" } },
      chart = { type = "dots", title = "Spredning", label = "question", scores = "alle", agreed = "middel", min = 0, max = 100 },
    },
    section "radar" {
      title = "Temaer",
      sql = [[SELECT tema, avg(score) AS middel FROM scores GROUP BY tema ORDER BY tema]],
      chart = { type = "radar", label = "tema", value = "middel", target = 75, min = 0, max = 100 },
    },
    section "lys" {
      title = "Status",
      rows = function(view)
        local out = {}
        for r in view.db:query("SELECT question, avg(score) AS middel FROM scores GROUP BY question ORDER BY question") do
          out[#out + 1] = { id = r.question, status = r.middel >= 60 and "achieved" or "failed",
                            ord = r.middel >= 60 and "opfyldt" or "ikke opfyldt", as_of = view.as_of, min = view.params.min }
        end
        return out
      end,
      columns = { { "id", "Spørgsmål" }, { "ord", "Status" }, { "as_of", "Pr." }, { "min", "Min" } },
      chart = { type = "lights", label = "id", status = "status", word = "ord" },
    },
    section "forloeb" {
      title = "Forløb",
      sql = [[SELECT maaned, tema, avg(score) AS middel FROM scores GROUP BY maaned, tema ORDER BY maaned, tema]],
      chart = { type = "lines", x = "maaned", series = "tema", value = "middel", min = 0, max = 100 },
    },
    section "tom" {
      title = "Ingen",
      sql = [[SELECT question FROM scores WHERE score > 1000]],
      chart = { type = "bars", label = "question", values = { "question" } },
      empty = "Ingen scorer over 1000.",
    },
  },
}
