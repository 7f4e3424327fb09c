-- A small self-assessment model for the language and small-group tests (test_language.sh).
model "lille" {
  title = "Lille model",
  scale = scale.points { 0, 100, step = 5 },
  target = 75,
  consensus = consensus.median { max_range = 30 },
  theme "a" { title = "Tema A", side = "indsats",
    question "1" { text = "Hvor godt følger vi op på vores mål for arbejdet med brugerne i hverdagen?" },
    question "2" { text = "Spørgsmål to" },
  },
  theme "b" { title = "Tema B", side = "resultater",
    question "3" { text = "Spørgsmål tre" },
  },
}
