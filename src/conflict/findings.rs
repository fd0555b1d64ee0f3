//! Deterministic findings: the conflicts the facts show, each with a sentence a person can act on.

use super::rules::Rules;
use crate::features::conflict::Facts;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A registration arriving this soon after a rival one collided with it.
pub const COLLISION_SECONDS: i64 = 60;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Another partner registered the same opportunity and is inside its protection window.
    DuplicateRegistration,
    /// The vendor's direct team has an open opportunity on the account.
    DirectOpportunity,
    /// Another partner already serves the account.
    IncumbentPartner,
    /// The registrant does not sell in the account's region.
    UnauthorisedRegion,
    /// The registrant is not authorised for a claimed product.
    UnauthorisedProduct,
    /// Other partners worked the account recently without registering it.
    ActivePartners,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Low,
    /// Likely to need a decision.
    Medium,
    /// A conflict under the rules, or a refusal.
    High,
}

impl Severity {
    /// The chance of a dispute the rules-only estimate gives a finding of this severity.
    fn weight(self) -> f64 {
        match self {
            Severity::Low => 0.05,
            Severity::Medium => 0.2,
            Severity::High => 0.5,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// What happened, in a sentence.
    pub message: String,
    /// The other partners involved (hidden from a partner unless they share opportunities).
    #[schema(value_type = Vec<String>)]
    pub partners: Vec<String>,
    /// The records involved, as `kind:id` (`registration:R-7`, `deal:D-3`).
    pub records: Vec<String>,
    /// When the other party acted (registered, was last active), if one did.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub since: Option<DateTime<Utc>>,
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A list of names in prose: "a", "a and b", "a, b and c".
fn prose(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The findings the facts support, most severe first.
pub fn findings(f: &Facts, rules: &Rules, at: DateTime<Utc>) -> Vec<Finding> {
    let w = rules.windows();
    let mut out = Vec::new();
    for r in f.same_opportunity(&w) {
        let secs = (at - r.registered_at).num_seconds();
        let when = if secs < COLLISION_SECONDS {
            format!("{secs} seconds before this one")
        } else {
            format!("on {}", day(r.registered_at))
        };
        out.push(Finding {
            kind: FindingKind::DuplicateRegistration,
            severity: Severity::High,
            message: format!(
                "Partner {} registered this opportunity {when} ({}, {}); it is protected until {}.",
                r.partner_id,
                r.id,
                r.status,
                day(r.protected_until)
            ),
            partners: vec![r.partner_id.to_string()],
            records: vec![format!("registration:{}", r.id)],
            since: Some(r.registered_at),
        });
    }
    let direct: Vec<&crate::features::conflict::OpenDeal> = f
        .open_deals
        .iter()
        .filter(|d| d.direct && d.shares_product)
        .collect();
    if !direct.is_empty() {
        let ids: Vec<String> = direct.iter().map(|d| d.deal_id.to_string()).collect();
        out.push(Finding {
            kind: FindingKind::DirectOpportunity,
            severity: Severity::High,
            message: format!(
                "The vendor's direct team has {} open on this account ({}); agree who leads before approving.",
                if ids.len() == 1 {
                    "an opportunity".to_string()
                } else {
                    format!("{} opportunities", ids.len())
                },
                prose(&ids)
            ),
            partners: Vec::new(),
            records: ids.iter().map(|d| format!("deal:{d}")).collect(),
            since: None,
        });
    }
    for i in &f.incumbents {
        let how = match (i.customer_record, i.last_services) {
            (true, Some(t)) => format!(
                "lists it as a customer and delivered services on {}",
                day(t)
            ),
            (true, None) => "lists it as a customer".to_string(),
            (false, Some(t)) => format!("delivered services on {}", day(t)),
            (false, None) => continue,
        };
        out.push(Finding {
            kind: FindingKind::IncumbentPartner,
            severity: if i.last_services.is_some() {
                Severity::Medium
            } else {
                Severity::Low
            },
            message: format!(
                "Partner {} already serves this account: it {how}.",
                i.partner_id
            ),
            partners: vec![i.partner_id.to_string()],
            records: Vec::new(),
            since: i.last_services,
        });
    }
    if let Some(region) = f.unauthorised_region {
        out.push(Finding {
            kind: FindingKind::UnauthorisedRegion,
            severity: Severity::High,
            message: format!(
                "The registrant is not authorised to sell in {region}, the account's region."
            ),
            partners: Vec::new(),
            records: Vec::new(),
            since: None,
        });
    }
    if !f.unauthorised_products.is_empty() {
        out.push(Finding {
            kind: FindingKind::UnauthorisedProduct,
            severity: Severity::High,
            message: format!(
                "The registrant is not authorised to sell {}.",
                prose(&f.unauthorised_products)
            ),
            partners: Vec::new(),
            records: Vec::new(),
            since: None,
        });
    }
    let registered: Vec<&crate::domain::Id> = f.rivals.iter().map(|r| &r.partner_id).collect();
    let active: Vec<&crate::features::conflict::Activity> = f
        .activity
        .iter()
        .filter(|a| !registered.contains(&&a.partner_id))
        .collect();
    if !active.is_empty() {
        let names: Vec<String> = active.iter().map(|a| a.partner_id.to_string()).collect();
        let sales = active.iter().any(|a| a.sales_touches > 0);
        out.push(Finding {
            kind: FindingKind::ActivePartners,
            severity: if sales {
                Severity::Medium
            } else {
                Severity::Low
            },
            message: format!(
                "{} other partner{} worked this account in the last {} days without registering it ({}).",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                rules.activity_days,
                prose(&names)
            ),
            partners: names,
            records: Vec::new(),
            since: active.iter().map(|a| a.last).max(),
        });
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// The rules-only estimate of a dispute: a small base rate, raised by each finding by its severity.
pub fn rules_probability(findings: &[Finding]) -> f64 {
    const BASE: f64 = 0.03;
    1.0 - (1.0 - BASE)
        * findings
            .iter()
            .map(|f| 1.0 - f.severity.weight())
            .product::<f64>()
}

/// Rewrites a finding for a partner who may not learn who the other partners are: names become
/// "another partner" and records of other partners are dropped. `shared` says which partners share
/// their opportunities and may be named.
pub fn redact(f: &mut Finding, shared: impl Fn(&str) -> bool) {
    let hidden: Vec<String> = f.partners.iter().filter(|p| !shared(p)).cloned().collect();
    if hidden.is_empty() {
        return;
    }
    match f.kind {
        FindingKind::DuplicateRegistration => {
            f.message = format!(
                "Another partner registered this opportunity on {}; it is protected.",
                f.since.map(day).unwrap_or_default()
            );
            f.records.clear();
        }
        FindingKind::IncumbentPartner => {
            f.message = "Another partner already serves this account.".into();
        }
        FindingKind::ActivePartners => {
            let n = f.partners.len();
            f.message = format!(
                "{n} other partner{} worked this account recently without registering it.",
                if n == 1 { "" } else { "s" }
            );
        }
        _ => {
            for p in &hidden {
                f.message = f.message.replace(p.as_str(), "another partner");
            }
        }
    }
    f.partners.retain(|p| !hidden.contains(p));
}
