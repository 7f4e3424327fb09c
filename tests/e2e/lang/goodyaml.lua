model "yamlok" {
  structure = "goodyaml.yaml",
  scale = scale.ordinal { 1, 5 },
  scoring = scoring.weighted_mean { inherit = true },
}
