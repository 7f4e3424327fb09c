-- audit.lua — a small case audit: theme "a" pools its criteria's answers, theme "b" scores
-- by the mean of its criteria's shares (tests/e2e/test_contract.sh).
model "audit_lille" { title = "Audit", scale = scale.yesno { na = true },
  audit = { table = "svar", rounds = { "foer", "med" }, baseline = "foer" },
  theme "a" { title = "Samlet", question "a1" { text = "?" }, question "a2" { text = "?" } },
  theme "b" { title = "Gennemsnit", scoring = scoring.mean(), question "b1" { text = "?" }, question "b2" { text = "?" } },
}
