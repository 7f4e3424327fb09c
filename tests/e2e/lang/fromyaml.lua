model "yamlmodel" {
  structure = "structure.yaml",
  scale = scale.ordinal { 1, 5, labels = { [1] = "Slet ikke", [5] = "I meget høj grad" } },
}
