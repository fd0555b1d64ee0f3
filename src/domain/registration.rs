//! Deal registrations: a partner's claim on an opportunity, its decisions and the assessment made
//! when it was registered.

use super::{
    Amount, Currency, Id, Invalid, PartnerRole, clean_list, clean_opt, plausible_date,
    plausible_time,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most co-partners one registration may name.
pub const MAX_CO_PARTNERS: usize = 16;
/// The most products one registration may name.
pub const MAX_PRODUCTS: usize = 50;
/// The most decisions one registration may carry.
pub const MAX_DECISIONS: usize = 200;

vocabulary! {
    /// Where a registration stands.
    RegistrationStatus {
        /// Registered, not yet decided.
        Pending => "pending",
        /// Approved: the registrant is protected until `protected_until`.
        Approved => "approved",
        /// Another party contests it.
        Disputed => "disputed",
        /// Refused.
        Rejected => "rejected",
        /// The deal was won under it.
        Won => "won",
        /// The deal was lost.
        Lost => "lost",
        /// Its protection window ended.
        Expired => "expired",
    }
}

vocabulary! {
    /// A decision on a registration.
    DecisionKind {
        /// Approve a pending registration.
        Approve => "approve",
        /// Refuse a pending or disputed registration.
        Reject => "reject",
        /// Contest a pending or approved registration.
        Dispute => "dispute",
        /// Settle a dispute in the registrant's favour.
        Resolve => "resolve",
        /// The deal was won.
        Win => "win",
        /// The deal was lost.
        Lose => "lose",
        /// Extend the protection window by one more window.
        Extend => "extend",
        /// End the protection.
        Expire => "expire",
    }
}

impl RegistrationStatus {
    /// The status a decision leads to from this one, or `None` when the move is not allowed.
    pub fn after(self, d: DecisionKind) -> Option<RegistrationStatus> {
        use DecisionKind as D;
        use RegistrationStatus as S;
        match (self, d) {
            (S::Pending, D::Approve) => Some(S::Approved),
            (S::Pending | S::Disputed, D::Reject) => Some(S::Rejected),
            (S::Pending | S::Approved, D::Dispute) => Some(S::Disputed),
            (S::Pending | S::Approved, D::Extend) => Some(self),
            (S::Pending | S::Approved, D::Expire) => Some(S::Expired),
            (S::Approved, D::Win) => Some(S::Won),
            (S::Approved, D::Lose) => Some(S::Lost),
            (S::Disputed, D::Resolve) => Some(S::Approved),
            _ => None,
        }
    }

    /// Whether no decision can move it any more.
    pub fn is_final(self) -> bool {
        DecisionKind::ALL.iter().all(|d| self.after(*d).is_none())
    }

    /// Whether the registration still claims its opportunity (it is protected or contested).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Pending
                | RegistrationStatus::Approved
                | RegistrationStatus::Disputed
        )
    }

    /// The decisions allowed from here, for error messages.
    pub fn allowed(self) -> Vec<&'static str> {
        DecisionKind::ALL
            .iter()
            .filter(|d| self.after(**d).is_some())
            .map(|d| d.as_str())
            .collect()
    }
}

/// A partner named alongside the registrant, with its role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoPartner {
    /// The partner.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// Its role in the deal.
    pub role: PartnerRole,
}

/// A co-partner as the client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoPartnerInput {
    /// The partner.
    pub partner_id: String,
    /// Its role in the deal.
    pub role: PartnerRole,
}

/// A decision as the client sends it (`POST /v1/deal-registrations/{id}/decisions`), or as a
/// history import carries it (with `at`, and optionally `by`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// What was decided.
    pub decision: DecisionKind,
    /// Why, in words.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it was decided: imports only; a live decision is made now.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// Who decided: imports only; a live decision records the caller's key.
    #[serde(default)]
    pub by: Option<String>,
}

/// A decision made on a registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    /// What was decided.
    pub decision: DecisionKind,
    /// The status before.
    pub from: RegistrationStatus,
    /// The status after.
    pub to: RegistrationStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// Who: the key id, `system` for automatic expiry, or the importer's label.
    pub by: String,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// A registration as a history import (`POST /v1/deal-registrations/bulk`, `ecograph import`)
/// carries it: the live request's fields with `account_id`, when it was registered and the decisions
/// taken since.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    /// The PRM's id for the registration.
    pub id: String,
    /// The registering partner.
    pub partner_id: String,
    /// The account the opportunity is at.
    pub account_id: String,
    /// The vendor's deal, if it exists.
    #[serde(default)]
    pub deal_id: Option<String>,
    /// Vendor products claimed.
    pub products: Vec<String>,
    /// Expected deal value.
    #[serde(default)]
    pub amount: Option<f64>,
    /// ISO 4217 currency; USD when absent.
    #[serde(default)]
    pub currency: Option<String>,
    /// When the registrant expects to close.
    #[serde(default)]
    pub expected_close_date: Option<NaiveDate>,
    /// Other partners in the deal with their roles.
    #[serde(default)]
    pub partners: Vec<CoPartnerInput>,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// Decisions taken since, each with its `at`, in time order.
    #[serde(default)]
    pub decisions: Vec<DecisionInput>,
}

/// What a registration claims, parsed: everything the assessment reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Claim {
    /// The registering partner.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// The account.
    #[schema(value_type = String)]
    pub account_id: Id,
    /// The vendor's deal.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub deal_id: Option<Id>,
    /// Vendor products claimed.
    #[schema(value_type = Vec<String>)]
    pub products: Box<[CompactString]>,
    /// Expected deal value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<f64>)]
    pub amount: Option<Amount>,
    /// ISO 4217 currency.
    #[schema(value_type = String)]
    pub currency: Currency,
    /// Expected close date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected_close_date: Option<NaiveDate>,
    /// Other partners in the deal.
    #[serde(default)]
    pub partners: Vec<CoPartner>,
}

/// The fields of a claim as sent, before parsing; shared by the live request and the import.
pub struct ClaimFields {
    /// See [`RegistrationInput::partner_id`].
    pub partner_id: String,
    /// The account id (resolved already for a live request that sent a company record).
    pub account_id: String,
    /// See [`RegistrationInput::deal_id`].
    pub deal_id: Option<String>,
    /// See [`RegistrationInput::products`].
    pub products: Vec<String>,
    /// See [`RegistrationInput::amount`].
    pub amount: Option<f64>,
    /// See [`RegistrationInput::currency`].
    pub currency: Option<String>,
    /// See [`RegistrationInput::expected_close_date`].
    pub expected_close_date: Option<NaiveDate>,
    /// See [`RegistrationInput::partners`].
    pub partners: Vec<CoPartnerInput>,
}

impl Claim {
    /// Parses a claim registered at `at`; fails naming the first invalid field.
    pub fn parse(f: ClaimFields, at: DateTime<Utc>) -> Result<Self, Invalid> {
        let partner_id = Id::parse("partner_id", &f.partner_id)?;
        let products = clean_list("products", f.products)?;
        if products.is_empty() {
            return Err(Invalid::new("products", "name at least one product"));
        }
        if products.len() > MAX_PRODUCTS {
            return Err(Invalid::new(
                "products",
                format!("at most {MAX_PRODUCTS} products"),
            ));
        }
        if let Some(a) = f.amount
            && a <= 0.0
        {
            return Err(Invalid::new("amount", "must be greater than 0"));
        }
        if let Some(d) = f.expected_close_date {
            plausible_date("expected_close_date", d)?;
            if d < at.date_naive() {
                return Err(Invalid::new(
                    "expected_close_date",
                    format!("{d} is before the registration date {}", at.date_naive()),
                ));
            }
        }
        if f.partners.len() > MAX_CO_PARTNERS {
            return Err(Invalid::new(
                "partners",
                format!("at most {MAX_CO_PARTNERS} partners"),
            ));
        }
        let mut partners: Vec<CoPartner> = Vec::with_capacity(f.partners.len());
        for (i, p) in f.partners.into_iter().enumerate() {
            let pid = Id::parse(&format!("partners[{i}].partner_id"), &p.partner_id)?;
            if pid == partner_id {
                return Err(Invalid::new(
                    format!("partners[{i}].partner_id"),
                    "is the registrant itself",
                ));
            }
            if partners.iter().any(|q| q.partner_id == pid) {
                return Err(Invalid::new(
                    format!("partners[{i}].partner_id"),
                    format!("partner {pid} is named twice"),
                ));
            }
            partners.push(CoPartner {
                partner_id: pid,
                role: p.role,
            });
        }
        Ok(Claim {
            partner_id,
            account_id: Id::parse("account_id", &f.account_id)?,
            deal_id: f.deal_id.map(|d| Id::parse("deal_id", &d)).transpose()?,
            products: products.into_iter().map(CompactString::from).collect(),
            amount: f.amount.map(|a| Amount::parse("amount", a)).transpose()?,
            currency: match f.currency {
                Some(c) => Currency::parse("currency", &c)?,
                None => Currency::USD,
            },
            expected_close_date: f.expected_close_date,
            partners,
        })
    }
}

/// A stored registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Registration {
    /// The PRM's id.
    #[schema(value_type = String)]
    pub id: Id,
    /// What it claims.
    #[serde(flatten)]
    pub claim: Claim,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// Where it stands.
    pub status: RegistrationStatus,
    /// When its protection ends (moved by `extend`).
    pub protected_until: DateTime<Utc>,
    /// Decisions in the order they were taken.
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

impl Registration {
    /// A new, pending registration protected for `window` from `at`.
    pub fn new(id: Id, claim: Claim, at: DateTime<Utc>, window: TimeDelta) -> Self {
        Registration {
            id,
            claim,
            registered_at: at,
            status: RegistrationStatus::Pending,
            protected_until: at + window,
            decisions: Vec::new(),
        }
    }

    /// Applies a decision taken at `at`; refuses a move the state machine does not allow, or a
    /// decision dated before the last one.
    pub fn decide(
        &mut self,
        d: DecisionKind,
        at: DateTime<Utc>,
        by: String,
        reason: Option<String>,
        window: TimeDelta,
    ) -> Result<(), Refused> {
        let to = self.status.after(d).ok_or(Refused::Illegal {
            from: self.status,
            decision: d,
        })?;
        let last = self.decisions.last().map_or(self.registered_at, |x| x.at);
        if at < last {
            return Err(Refused::Backwards { at, last });
        }
        if self.decisions.len() >= MAX_DECISIONS {
            return Err(Refused::TooMany);
        }
        if d == DecisionKind::Extend {
            self.protected_until = self.protected_until.max(at) + window;
        }
        self.decisions.push(Decision {
            decision: d,
            from: self.status,
            to,
            at,
            by,
            reason,
        });
        self.status = to;
        Ok(())
    }

    /// The status the registration had just before `t` (decisions at `t` or later not yet taken).
    pub fn status_at(&self, t: DateTime<Utc>) -> Option<RegistrationStatus> {
        if self.registered_at >= t {
            return None;
        }
        Some(
            self.decisions
                .iter()
                .take_while(|d| d.at < t)
                .last()
                .map_or(RegistrationStatus::Pending, |d| d.to),
        )
    }

    /// When protection ended or will end as known just before `t`: extensions decided before `t`
    /// count, later ones do not.
    pub fn protected_until_at(&self, t: DateTime<Utc>, window: TimeDelta) -> DateTime<Utc> {
        let mut until = self.registered_at + window;
        for d in self.decisions.iter().take_while(|d| d.at < t) {
            if d.decision == DecisionKind::Extend {
                until = until.max(d.at) + window;
            }
        }
        until
    }

    /// Whether it received a dispute before `t` (the label conflict models learn).
    pub fn disputed_before(&self, t: DateTime<Utc>) -> bool {
        self.decisions
            .iter()
            .any(|d| d.decision == DecisionKind::Dispute && d.at < t)
    }

    /// Whether it ever received a dispute.
    pub fn was_disputed(&self) -> bool {
        self.decisions
            .iter()
            .any(|d| d.decision == DecisionKind::Dispute)
    }
}

/// Why a decision was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refused {
    /// The state machine does not allow it.
    #[error("a registration that is {from} cannot take the decision '{decision}'")]
    Illegal {
        /// The current status.
        from: RegistrationStatus,
        /// The decision asked for.
        decision: DecisionKind,
    },
    /// It is dated before the previous decision.
    #[error("a decision at {at} is before the previous one at {last}")]
    Backwards {
        /// Its date.
        at: DateTime<Utc>,
        /// The previous decision's (or the registration's) date.
        last: DateTime<Utc>,
    },
    /// The registration has taken the most decisions one may.
    #[error("a registration takes at most {MAX_DECISIONS} decisions")]
    TooMany,
}

/// Trims a decision's reason; empty becomes absent.
pub fn clean_reason(reason: Option<String>) -> Result<Option<String>, Invalid> {
    clean_opt("reason", reason, 2000)
}

impl RegistrationInput {
    /// Builds a registration with its decision history replayed; fails naming the first invalid
    /// field (a decision the state machine refuses is one).
    pub fn into_registration(self, window: TimeDelta) -> Result<Registration, Invalid> {
        let id = Id::parse("id", &self.id)?;
        let at = plausible_time("registered_at", self.registered_at)?;
        let claim = Claim::parse(
            ClaimFields {
                partner_id: self.partner_id,
                account_id: self.account_id,
                deal_id: self.deal_id,
                products: self.products,
                amount: self.amount,
                currency: self.currency,
                expected_close_date: self.expected_close_date,
                partners: self.partners,
            },
            at,
        )?;
        let mut r = Registration::new(id, claim, at, window);
        if self.decisions.len() > MAX_DECISIONS {
            return Err(Invalid::new(
                "decisions",
                format!("at most {MAX_DECISIONS} decisions"),
            ));
        }
        for (i, d) in self.decisions.into_iter().enumerate() {
            let field = format!("decisions[{i}]");
            let when = d.at.ok_or_else(|| {
                Invalid::new(format!("{field}.at"), "an imported decision needs its date")
            })?;
            let when = plausible_time(&format!("{field}.at"), when)?;
            let by =
                clean_opt(&format!("{field}.by"), d.by, 200)?.unwrap_or_else(|| "import".into());
            let reason = clean_reason(d.reason).map_err(|e| e.within(&field))?;
            r.decide(d.decision, when, by, reason, window)
                .map_err(|e| Invalid::new(field, e.to_string()))?;
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecisionKind as D;
    use RegistrationStatus as S;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn input(decisions: serde_json::Value) -> RegistrationInput {
        serde_json::from_value(serde_json::json!({
            "id": "R-1", "partner_id": "P-1", "account_id": "A-1", "products": ["x"],
            "registered_at": "2025-01-01T00:00:00Z", "decisions": decisions
        }))
        .unwrap()
    }

    #[test]
    fn final_statuses_take_no_decision() {
        for s in [S::Won, S::Lost, S::Rejected, S::Expired] {
            assert!(s.is_final(), "{s}");
            assert!(s.allowed().is_empty());
        }
        for s in [S::Pending, S::Approved, S::Disputed] {
            assert!(!s.is_final(), "{s}");
        }
        assert_eq!(S::Disputed.allowed(), vec!["reject", "resolve"]);
    }

    #[test]
    fn a_history_is_replayed_through_the_state_machine() {
        let window = TimeDelta::days(90);
        let r = input(serde_json::json!([
            {"decision": "approve", "at": "2025-01-03T00:00:00Z"},
            {"decision": "extend", "at": "2025-03-30T00:00:00Z"},
            {"decision": "win", "at": "2025-05-01T00:00:00Z", "reason": "closed"}
        ]))
        .into_registration(window)
        .unwrap();
        assert_eq!(r.status, S::Won);
        assert_eq!(
            r.protected_until,
            t("2025-06-30T00:00:00Z"),
            "the window end moves by one window"
        );
        assert_eq!(r.status_at(t("2025-01-02T00:00:00Z")), Some(S::Pending));
        assert_eq!(r.status_at(t("2025-02-01T00:00:00Z")), Some(S::Approved));
        assert_eq!(r.status_at(t("2024-12-31T00:00:00Z")), None);
        assert_eq!(
            r.protected_until_at(t("2025-02-01T00:00:00Z"), window),
            t("2025-04-01T00:00:00Z")
        );
        assert_eq!(r.decisions[2].from, S::Approved);
        assert_eq!(r.decisions[2].by, "import");
    }

    #[test]
    fn an_illegal_or_backdated_history_names_the_decision() {
        let window = TimeDelta::days(90);
        let e = input(serde_json::json!([
            {"decision": "win", "at": "2025-01-03T00:00:00Z"}
        ]))
        .into_registration(window)
        .unwrap_err();
        assert_eq!(e.field, "decisions[0]");
        assert!(e.message.contains("pending"), "{e}");
        let e = input(serde_json::json!([
            {"decision": "approve", "at": "2025-01-03T00:00:00Z"},
            {"decision": "dispute", "at": "2025-01-02T00:00:00Z"}
        ]))
        .into_registration(window)
        .unwrap_err();
        assert_eq!(e.field, "decisions[1]");
        let e = input(serde_json::json!([{"decision": "approve"}]))
            .into_registration(window)
            .unwrap_err();
        assert_eq!(e.field, "decisions[0].at");
    }

    #[test]
    fn disputed_registrations_are_labelled_only_after_the_dispute() {
        let r = input(serde_json::json!([
            {"decision": "dispute", "at": "2025-01-10T00:00:00Z"},
            {"decision": "reject", "at": "2025-01-20T00:00:00Z"}
        ]))
        .into_registration(TimeDelta::days(90))
        .unwrap();
        assert!(r.was_disputed());
        assert!(!r.disputed_before(t("2025-01-05T00:00:00Z")));
        assert!(r.disputed_before(t("2025-01-11T00:00:00Z")));
        assert_eq!(r.status, S::Rejected);
        assert!(S::Disputed.after(D::Win).is_none());
    }
}
