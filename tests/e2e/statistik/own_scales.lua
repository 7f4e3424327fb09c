-- the test model without a scale of the model's own: every question on its own scale (as CAF's
-- fine-tuned questions are); an answer to a question the model lacks has no scale at all
model "tricky" {
  title = "Statistik test",
  consensus = consensus.median { max_range = 30 },
  theme "a" { title = "A",
    question "q1" { text = "Et", scale = scale.points { 0, 100, step = 5 } },
    question "q2" { text = "To", scale = scale.points { 0, 100, step = 5 } },
    question "q3" { text = "Tre", scale = scale.ordinal { 1, 5 } },
  },
  theme "b" { title = "B",
    question "q4" { text = "Fire", scale = scale.points { 0, 100, step = 5 } },
  },
}
