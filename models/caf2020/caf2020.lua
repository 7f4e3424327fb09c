-- caf2020.lua — CAF 2020 (Common Assessment Framework, EIPA): 9 criteria, 28 sub-criteria.
-- Enablers (criteria 1-5) and results (6-9) are scored per sub-criterion, in one of two ways:
--   classical   (default)      0-5: one PDCA phase (enablers) or one level of results
--   fine-tuned  (--param scoring=fine)  PLAN, DO, CHECK, ACT each 0-100, averaged (enablers);
--                                        TRENDS and TARGETS each 0-100, averaged (results)
-- Criterion and model scores are the mean of their sub-criteria (methods.md).
local fine = params.scoring == "fine"
if params.scoring ~= nil and params.scoring ~= "fine" and params.scoring ~= "classical" then
  error('--param scoring must be "classical" or "fine", not "' .. tostring(params.scoring) .. '"')
end

local enablers = fine and scale.caf_fine { panel = "enablers" } or scale.caf_classic { panel = "enablers" }
local results = fine and scale.caf_fine { panel = "results" } or scale.caf_classic { panel = "results" }
local src = "EIPA, CAF 2020"

model "caf2020" {
  title = fine and "CAF 2020 (fine-tuned scoring)" or "CAF 2020 (classical scoring)",
  source = src,
  max_participants = 12,
  scoring = scoring.mean(),
  target = fine and 70 or 4,
  consensus = consensus and consensus.median { max_range = fine and 30 or 2 } or nil,
  prioritise = prioritise and prioritise.gap { target = fine and 70 or 4, top = 5 } or nil,

  theme "1" { side = "enablers", title = "Leadership", scale = enablers,
    question "1.1" { text = "Provide direction for the organisation by developing its mission, vision and values" },
    question "1.2" { text = "Manage the organisation, its performance and its continuous improvement" },
    question "1.3" { text = "Inspire, motivate and support people in the organisation and act as a role model" },
    question "1.4" { text = "Manage effective relations with political authorities and other stakeholders" },
  },
  theme "2" { side = "enablers", title = "Strategy and planning", scale = enablers,
    question "2.1" { text = "Identify the needs and expectations of stakeholders, the external environment and relevant management information" },
    question "2.2" { text = "Develop strategy and planning based on the information collected" },
    question "2.3" { text = "Communicate, implement and review strategies and planning" },
    question "2.4" { text = "Manage change and innovation to ensure the agility and resilience of the organisation" },
  },
  theme "3" { side = "enablers", title = "People", scale = enablers,
    question "3.1" { text = "Manage and improve human resources to support the strategy of the organisation" },
    question "3.2" { text = "Develop and manage competencies of people" },
    question "3.3" { text = "Involve and empower people and support their well-being" },
  },
  theme "4" { side = "enablers", title = "Partnerships and resources", scale = enablers,
    question "4.1" { text = "Develop and manage partnerships with relevant organisations" },
    question "4.2" { text = "Collaborate with citizens and civil society organisations" },
    question "4.3" { text = "Manage finances" },
    question "4.4" { text = "Manage information and knowledge" },
    question "4.5" { text = "Manage technology" },
    question "4.6" { text = "Manage facilities" },
  },
  theme "5" { side = "enablers", title = "Processes", scale = enablers,
    question "5.1" { text = "Design and manage processes to increase value for citizens and customers" },
    question "5.2" { text = "Deliver products and services for customers, citizens, stakeholders and society" },
    question "5.3" { text = "Coordinate processes across the organisation and with other relevant organisations" },
  },
  theme "6" { side = "results", title = "Citizen/customer-oriented results", scale = results,
    question "6.1" { text = "Perception measurements" },
    question "6.2" { text = "Performance measurements" },
  },
  theme "7" { side = "results", title = "People results", scale = results,
    question "7.1" { text = "Perception measurements" },
    question "7.2" { text = "Performance measurements" },
  },
  theme "8" { side = "results", title = "Social responsibility results", scale = results,
    question "8.1" { text = "Perception measurements" },
    question "8.2" { text = "Performance measurements" },
  },
  theme "9" { side = "results", title = "Key performance results", scale = results,
    question "9.1" { text = "External results: outputs and public value" },
    question "9.2" { text = "Internal results: level of efficiency" },
  },
}
