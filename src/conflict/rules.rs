//! Rules of engagement: the vendor's published rules for deciding channel conflict, as settings.

use crate::features::conflict::Windows;
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who wins when a partner's registration meets the vendor's own open opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectVsPartner {
    /// The direct team keeps opportunities it opened first.
    DirectFirst,
    /// A registered partner keeps the deal; the direct team assists.
    PartnerFirst,
}

/// Who wins when a newcomer registers an account another partner serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Incumbency {
    /// The incumbent is offered the deal first.
    IncumbentFirst,
    /// Registration decides, as for any other partner.
    FirstToRegister,
}

/// Which products make two registrations of one account the same opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SameOpportunity {
    /// Same account and at least one product in common.
    AccountAndProduct,
    /// Same account, whatever the products.
    Account,
}

/// Levels of the predicted conflict probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelThresholds {
    /// `low` from this probability.
    pub low: f64,
    /// `medium` from this probability.
    pub medium: f64,
    /// `high` from this probability.
    pub high: f64,
}

/// The rules of engagement (settings file section `[rules_of_engagement]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Days a registration protects its partner; `extend` adds as many again.
    pub protection_days: u32,
    /// What makes two registrations the same opportunity.
    pub same_opportunity: SameOpportunity,
    /// Days back that services delivered make a partner the account's incumbent.
    pub incumbency_days: u32,
    /// Who wins against an incumbent.
    pub incumbency: Incumbency,
    /// Between two registrations of one opportunity, the higher tier wins instead of the earlier.
    pub tier_priority: bool,
    /// Who wins against the vendor's direct team.
    pub direct_vs_partner: DirectVsPartner,
    /// Days back that other partners' touchpoints count as activity on the account.
    pub activity_days: u32,
    /// Probability thresholds of the levels.
    pub levels: LevelThresholds,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            protection_days: 90,
            same_opportunity: SameOpportunity::AccountAndProduct,
            incumbency_days: 365,
            incumbency: Incumbency::IncumbentFirst,
            tier_priority: false,
            direct_vs_partner: DirectVsPartner::DirectFirst,
            activity_days: 90,
            levels: LevelThresholds {
                low: 0.10,
                medium: 0.25,
                high: 0.50,
            },
        }
    }
}

impl Rules {
    /// Checks the rules make sense; names the first field that does not.
    pub fn validate(&self) -> Result<(), String> {
        for (name, days) in [
            ("protection_days", self.protection_days),
            ("incumbency_days", self.incumbency_days),
            ("activity_days", self.activity_days),
        ] {
            if !(1..=3650).contains(&days) {
                return Err(format!(
                    "rules_of_engagement.{name} must be between 1 and 3650, got {days}"
                ));
            }
        }
        let l = self.levels;
        if !(0.0 < l.low && l.low < l.medium && l.medium < l.high && l.high < 1.0) {
            return Err(format!(
                "rules_of_engagement.levels must satisfy 0 < low < medium < high < 1, got {} / {} / {}",
                l.low, l.medium, l.high
            ));
        }
        Ok(())
    }

    /// The protection window.
    pub fn protection(&self) -> TimeDelta {
        TimeDelta::days(i64::from(self.protection_days))
    }

    /// The windows the features are computed with.
    pub fn windows(&self) -> Windows {
        Windows {
            protection: self.protection(),
            activity: TimeDelta::days(i64::from(self.activity_days)),
            incumbency: TimeDelta::days(i64::from(self.incumbency_days)),
            same_opportunity_needs_product: self.same_opportunity
                == SameOpportunity::AccountAndProduct,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_from_toml_and_refuse_nonsense() {
        let r: Rules = toml::from_str(
            "protection_days = 60\ndirect_vs_partner = \"partner_first\"\n[levels]\nlow = 0.2\nmedium = 0.3\nhigh = 0.6\n",
        )
        .unwrap();
        assert_eq!(r.protection_days, 60);
        assert_eq!(r.direct_vs_partner, DirectVsPartner::PartnerFirst);
        assert_eq!(r.incumbency_days, 365, "unset fields keep their defaults");
        assert!(r.validate().is_ok());
        let bad = Rules {
            levels: LevelThresholds {
                low: 0.5,
                medium: 0.3,
                high: 0.6,
            },
            ..Rules::default()
        };
        assert!(bad.validate().unwrap_err().contains("levels"));
        let bad = Rules {
            protection_days: 0,
            ..Rules::default()
        };
        assert!(bad.validate().unwrap_err().contains("protection_days"));
        assert!(toml::from_str::<Rules>("protection_dayz = 3").is_err());
    }
}
