-- the test model with a rule of the model's own: a plain function (not a rule object), so the
-- statistik pass calls it in Lua for every question; flagged when exactly one person scored
model "tricky" {
  title = "Statistik test",
  scale = scale.points { 0, 100, step = 5 },
  consensus = function(q) return { score = q.median, flag = q.n == 1 } end,
  theme "a" { title = "A",
    question "q1" { text = "Et" },
    question "q2" { text = "To" },
    question "q3" { text = "Tre", scale = scale.ordinal { 1, 5 } },
  },
  theme "b" { title = "B",
    question "q4" { text = "Fire" },
  },
}
