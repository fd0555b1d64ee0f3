//! The ecosystem's domain types. Request bodies become these at the edge; past it nothing re-checks.

#[macro_use]
mod enums;
mod access;
mod account;
mod deal;
mod ipp;
mod partner;
mod play;
mod play_run;
mod record;
mod registration;
mod touchpoint;
mod values;

pub use access::{AUDIT_MAX_IDS, ApiKey, AuditEntry, Role};
pub use account::{Account, AccountInput, AccountOwner};
pub use deal::{Deal, DealInput, Participant, ParticipantInput};
pub use enums::{
    DealOutcome, DealStage, IppCriterion, PartnerRole, PartnerStatus, PartnerType, PlayMotion,
    Population, Region, SharingLevel, Tier, TouchpointKind,
};
pub use ipp::{DEFAULT_MIN_SCORE, DEFAULT_TARGET_CUSTOMERS, Ipp, IppInput, IppWeights};
pub use partner::{Certification, Partner, PartnerInput, Sharing};
pub use play::{Play, PlayInput};
pub use play_run::{PlayRun, PlayRunInput};
pub use record::{PartnerRecord, PartnerRecordInput, RECORD_CSV_COLUMNS};
pub use registration::{
    Claim, ClaimFields, CoPartner, CoPartnerInput, Decision, DecisionInput, DecisionKind,
    MAX_CO_PARTNERS, MAX_PRODUCTS, Refused, Registration, RegistrationInput, RegistrationStatus,
    clean_reason,
};
pub use touchpoint::{Touchpoint, TouchpointInput};
pub use values::{
    Amount, CountryCode, Currency, DomainName, Id, Name, head_count, plausible_date,
    plausible_time, whole_number,
};

use std::fmt;

/// A list of product names as entities hold it.
pub type CompactProducts = Box<[compact_str::CompactString]>;

/// A validation failure: the field at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Dotted path of the offending field, e.g. `partners[2].role`.
    pub field: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl Invalid {
    /// A failure on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Prefixes the field path, for errors raised inside nested values.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_string()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for Invalid {}

/// Entity kinds held in the graph and the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A partner or applicant.
    Partner,
    /// A company: the vendor's account or one a partner knows.
    Account,
    /// An opportunity.
    Deal,
    /// A partner interaction with an account or deal.
    Touchpoint,
    /// A go-to-market play.
    Play,
    /// An Ideal Partner Profile.
    Ipp,
    /// A partner's run of a play.
    PlayRun,
    /// A deal registration.
    Registration,
}

impl Kind {
    /// All kinds, in the order their references allow them to load. Declaration order is the same,
    /// so that `kind as usize` indexes arrays kept in this order.
    pub const ALL: [Kind; 8] = [
        Kind::Partner,
        Kind::Account,
        Kind::Deal,
        Kind::Touchpoint,
        Kind::Play,
        Kind::Ipp,
        Kind::PlayRun,
        Kind::Registration,
    ];

    /// The singular name used in messages and store tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Partner => "partner",
            Kind::Account => "account",
            Kind::Deal => "deal",
            Kind::Touchpoint => "touchpoint",
            Kind::Play => "play",
            Kind::Ipp => "ipp",
            Kind::PlayRun => "play_run",
            Kind::Registration => "registration",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Trims every string of a list, rejecting empty ones and dropping duplicates (order kept).
pub(crate) fn clean_list(field: &str, items: Vec<String>) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, s) in items.into_iter().enumerate() {
        let t = s.trim();
        if t.is_empty() {
            return Err(Invalid::new(format!("{field}[{i}]"), "must not be empty"));
        }
        if t.chars().count() > 200 {
            return Err(Invalid::new(
                format!("{field}[{i}]"),
                "must be at most 200 characters",
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

/// Trims an optional free-text field; empty becomes absent.
pub(crate) fn clean_opt(
    field: &str,
    s: Option<String>,
    max: usize,
) -> Result<Option<String>, Invalid> {
    match s {
        None => Ok(None),
        Some(s) => {
            let t = s.trim();
            if t.is_empty() {
                Ok(None)
            } else if t.chars().count() > max {
                Err(Invalid::new(
                    field,
                    format!("must be at most {max} characters"),
                ))
            } else {
                Ok(Some(t.to_string()))
            }
        }
    }
}
