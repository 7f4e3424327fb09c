model "fejl" {
  title = "Fejl",
  scale = scale.points { 0, 100, step = 5 },
  theme "ledelse" { titel = "Ledelse",
    question "1.1" { text = "A", weight = 2 },
    question "1.1" { text = "B" },
  },
  theme "tom" { title = "Tom" },
  theme "x" { title = "X", question "2.1" { text = "C", scale = "0-100" } },
  theme "y" { title = "Y", scoring = "mean",
    indicator "i1" { type = "completion", deadline = "engang i fremtiden", sql = "SELECT 1" },
    indicator "i2" { type = "completion", deadline = "ultimo", sql = "SELECT 1" },
  },
}
