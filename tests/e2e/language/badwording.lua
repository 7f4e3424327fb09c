local base = use "model.lua"
model "lille_fejl" { extends = base,
  wording = { da = { ["konsensusrapport.titel"] = "x", ["col.theme"] = "Område for {enhed}" }, dk = {} },
}
