test "kurser" {
  as_of = "2025-12-31",
  data = { kurser = { { date = "2025-03-01" } } },
  indicator "kursus" { status = "" },
  indicator "" { },
}
