-- the model the statistik test's answers were given on: five questions, one on a scale of
-- its own (1-5), so the statistics take per-question parameters
model "tricky" {
  title = "Statistik test",
  scale = scale.points { 0, 100, step = 5 },
  consensus = consensus.median { max_range = 30 },
  theme "a" { title = "A",
    question "q1" { text = "Et" },
    question "q2" { text = "To" },
    question "q3" { text = "Tre", scale = scale.ordinal { 1, 5 } },
  },
  theme "b" { title = "B",
    question "q4" { text = "Fire" },
    question "q5" { text = "Fem" },
  },
}
