//! Channel-conflict assessment of deal registrations: deterministic findings, a predicted
//! probability of dispute from point-in-time features, and the ruling the rules of engagement give.
//!
//! Nothing here does I/O: the service hands in the graph, the rules and the serving model.

pub mod findings;
pub mod model;
pub mod rules;
pub mod train;
pub mod watch;

pub use findings::{Finding, FindingKind, Severity};
pub use model::{ConflictModel, Driver, Metrics};
pub use rules::Rules;

use crate::domain::Tier;
use crate::features::conflict::{Facts, Overlay, Subject, gather_with};
use crate::graph::EcoGraph;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many features an assessment names as having moved the probability.
pub const DRIVERS: usize = 5;

/// The level of a predicted probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Below the `low` threshold.
    None,
    /// From `low`.
    Low,
    /// From `medium`.
    Medium,
    /// From `high`.
    High,
}

/// Who keeps the deal under the rules of engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Keeper {
    /// The registering partner.
    Registrant,
    /// Another partner (named in `partner_id` when the caller may know it).
    OtherPartner,
    /// The vendor's direct team.
    Direct,
    /// Nobody: the registration should be refused.
    Refused,
}

/// The resolution the rules of engagement give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ruling {
    /// Who keeps the deal.
    pub keeps: Keeper,
    /// The other partner that keeps it, when one does and may be named.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub partner_id: Option<String>,
    /// The rule that decides: `authorisation`, `first_to_register`, `tier_priority`,
    /// `direct_vs_partner`, `incumbency`, or `no_conflict`.
    pub rule: String,
    /// Why, in a sentence.
    pub explanation: String,
}

/// Where the probability came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Scorer {
    /// `model` (a trained version) or `rules` (the findings alone, when no model serves).
    pub kind: String,
    /// The model version, for `model`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
}

/// The assessment of a registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    /// The instant it was made as of: events from then on were not seen.
    pub as_of: DateTime<Utc>,
    /// Predicted probability that the registration ends in a dispute.
    pub probability: f64,
    /// Its level under the thresholds in the rules of engagement.
    pub level: Level,
    /// What produced the probability.
    pub scorer: Scorer,
    /// The rules-only probability (the findings alone), for comparison.
    pub rules_probability: f64,
    /// What the graph shows, most severe first.
    pub findings: Vec<Finding>,
    /// The features that moved the probability most, with their contribution to its log-odds.
    pub drivers: Vec<Driver>,
    /// Who keeps the deal under the rules of engagement, and which rule says so.
    pub resolution: Ruling,
}

/// The model serving assessments, with its version id.
#[derive(Debug, Clone)]
pub struct Serving {
    /// The version id (`default` for the committed one).
    pub version: String,
    /// The model.
    pub model: ConflictModel,
}

/// The rules and the serving model.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    /// The rules of engagement.
    pub rules: Rules,
    /// The model, when one serves; without it the findings alone give the probability.
    pub model: Option<Serving>,
}

impl Engine {
    /// The level of a probability.
    pub fn level(&self, p: f64) -> Level {
        let l = self.rules.levels;
        if p >= l.high {
            Level::High
        } else if p >= l.medium {
            Level::Medium
        } else if p >= l.low {
            Level::Low
        } else {
            Level::None
        }
    }

    /// Assesses a claim as of `s.at`.
    pub fn assess(&self, g: &EcoGraph, s: &Subject<'_>) -> Assessment {
        self.assess_with(g, None, s)
    }

    /// Assesses a claim as of `s.at`, with registrations not yet in the graph.
    pub fn assess_with<'a>(
        &self,
        g: &'a EcoGraph,
        overlay: Option<&Overlay<'a>>,
        s: &Subject<'_>,
    ) -> Assessment {
        let w = self.rules.windows();
        let facts = gather_with(g, overlay, s, &w);
        self.assess_facts(g, s, &facts)
    }

    /// Assesses a claim from facts already gathered.
    fn assess_facts(&self, g: &EcoGraph, s: &Subject<'_>, facts: &Facts) -> Assessment {
        let w = self.rules.windows();
        let found = findings::findings(facts, &self.rules, s.at);
        let rules_p = findings::rules_probability(&found);
        let (probability, drivers, scorer) = match &self.model {
            Some(m) => {
                let (p, d) = m.model.explain(&facts.vector(&w), DRIVERS);
                (
                    p,
                    d,
                    Scorer {
                        kind: "model".into(),
                        version: Some(m.version.clone()),
                    },
                )
            }
            None => (
                rules_p,
                Vec::new(),
                Scorer {
                    kind: "rules".into(),
                    version: None,
                },
            ),
        };
        Assessment {
            as_of: s.at,
            probability,
            level: self.level(probability),
            scorer,
            rules_probability: rules_p,
            resolution: self.rule(g, s, facts),
            findings: found,
            drivers,
        }
    }

    /// The ruling of the rules of engagement, in their order of precedence: authorisation, a rival
    /// registration of the same opportunity, the direct team, the incumbent.
    fn rule(&self, g: &EcoGraph, s: &Subject<'_>, f: &Facts) -> Ruling {
        use rules::{DirectVsPartner, Incumbency};
        let w = self.rules.windows();
        if f.unauthorised_region.is_some() || !f.unauthorised_products.is_empty() {
            return Ruling {
                keeps: Keeper::Refused,
                partner_id: None,
                rule: "authorisation".into(),
                explanation: "The registrant is not authorised for the account's region or a claimed product, so the registration should be rejected.".into(),
            };
        }
        if let Some(first) = f.same_opportunity(&w).next() {
            let tier =
                |p: &crate::domain::Id| g.partner(p.as_str()).map_or(Tier::Registered, |p| p.tier);
            let (mine, theirs) = (tier(s.partner_id), tier(&first.partner_id));
            if self.rules.tier_priority && mine != theirs {
                let registrant_wins = mine > theirs;
                return Ruling {
                    keeps: if registrant_wins {
                        Keeper::Registrant
                    } else {
                        Keeper::OtherPartner
                    },
                    partner_id: (!registrant_wins).then(|| first.partner_id.to_string()),
                    rule: "tier_priority".into(),
                    explanation: format!(
                        "Both partners registered the opportunity; the {} partner keeps it.",
                        if registrant_wins { mine } else { theirs }
                    ),
                };
            }
            return Ruling {
                keeps: Keeper::OtherPartner,
                partner_id: Some(first.partner_id.to_string()),
                rule: "first_to_register".into(),
                explanation: format!(
                    "Another partner registered this opportunity first, on {}, and is protected until {}.",
                    first.registered_at.format("%Y-%m-%d"),
                    first.protected_until.format("%Y-%m-%d")
                ),
            };
        }
        if f.open_deals.iter().any(|d| d.direct && d.shares_product) {
            return match self.rules.direct_vs_partner {
                DirectVsPartner::DirectFirst => Ruling {
                    keeps: Keeper::Direct,
                    partner_id: None,
                    rule: "direct_vs_partner".into(),
                    explanation: "The vendor's direct team opened this opportunity first and keeps it; the partner may be added in a supporting role.".into(),
                },
                DirectVsPartner::PartnerFirst => Ruling {
                    keeps: Keeper::Registrant,
                    partner_id: None,
                    rule: "direct_vs_partner".into(),
                    explanation: "A registered partner keeps the deal; the direct team assists.".into(),
                },
            };
        }
        if !f.registrant_incumbent
            && self.rules.incumbency == Incumbency::IncumbentFirst
            && let Some(inc) = f
                .incumbents
                .iter()
                .max_by_key(|i| (i.last_services, i.customer_record))
        {
            return Ruling {
                keeps: Keeper::OtherPartner,
                partner_id: Some(inc.partner_id.to_string()),
                rule: "incumbency".into(),
                explanation: "The partner already serving this account is offered the deal first."
                    .into(),
            };
        }
        Ruling {
            keeps: Keeper::Registrant,
            partner_id: None,
            rule: if f.incumbents.is_empty() || f.registrant_incumbent {
                "no_conflict".into()
            } else {
                "first_to_register".into()
            },
            explanation:
                "No competing claim: the registrant keeps the deal for its protection window."
                    .into(),
        }
    }
}
