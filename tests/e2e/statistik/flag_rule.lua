-- a built-in rule with a flag function of the model's own: decided in Lua, the range and the
-- function together
model "tricky" {
  title = "Statistik test",
  scale = scale.points { 0, 100, step = 5 },
  consensus = consensus.median { max_range = 30, flag = function(q) return q.dontknow >= 5 end },
  theme "a" { title = "A",
    question "q1" { text = "Et" },
    question "q2" { text = "To" },
    question "q3" { text = "Tre", scale = scale.ordinal { 1, 5 } },
  },
  theme "b" { title = "B",
    question "q4" { text = "Fire" },
  },
}
