model "trivsel" {
  title = "Trivsel i teamet",
  scale = scale.points { 0, 100, step = 5 },
  theme "samarbejde" { title = "Samarbejde",
    question "1.1" { text = "Vi hjælper hinanden, når der er travlt." },
    question "1.2" { text = "Vi taler åbent om fejl." },
  },
  theme "udvikling" { title = "Udvikling", depends_on = { "samarbejde" },
    question "2.1" { text = "Jeg lærer noget nyt." },
    indicator "kursus" { type = "frequency", count = 2, per = "year", window = "fra 2025 til udgangen af 2026",
      sql = [[SELECT date FROM kurser]] },
  },
}
