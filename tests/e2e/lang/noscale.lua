model "noscale" {
  title = "Ingen skala",
  theme "a" { title = "A", question "1" { text = "?" } },
}
