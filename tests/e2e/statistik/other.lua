-- another model in the same database: its rounds are not the statistik report's
model "other" {
  title = "Anden model",
  scale = scale.points { 0, 100, step = 5 },
  theme "x" { title = "X", question "q1" { text = "Et" } },
}
