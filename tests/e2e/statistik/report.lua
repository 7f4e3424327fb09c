-- the same model as full.lua without q5: the statistik report takes an answer to a question
-- the model no longer has on the model's own scale
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
  },
}
