//! Every partner's registration record (when it registered, when it was first disputed), kept
//! sorted so that its record before an instant is two binary searches. Assessing a registration
//! reads the registrant's record; walking a busy partner's registrations instead (thousands at a
//! million accounts) made that cost grow with the partner's history.

use crate::domain::{DecisionKind, Id, Registration, RegistrationStatus};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

/// Partners' registration records.
#[derive(Debug, Default, Clone)]
pub struct Histories {
    by_partner: HashMap<Id, PartnerHistory, crate::FastHash>,
}

/// One partner's registration instants and first-dispute instants, each sorted.
#[derive(Debug, Default, Clone)]
struct PartnerHistory {
    registered: Vec<DateTime<Utc>>,
    disputed: Vec<DateTime<Utc>>,
}

/// When a registration was first disputed, if it was.
fn first_dispute(r: &Registration) -> Option<DateTime<Utc>> {
    r.decisions
        .iter()
        .find(|d| d.decision == DecisionKind::Dispute)
        .map(|d| d.at)
}

fn insert_sorted(v: &mut Vec<DateTime<Utc>>, t: DateTime<Utc>) {
    let at = v.partition_point(|x| *x <= t);
    v.insert(at, t);
}

fn remove_sorted(v: &mut Vec<DateTime<Utc>>, t: DateTime<Utc>) {
    if let Ok(at) = v.binary_search(&t) {
        v.remove(at);
    }
}

impl Histories {
    /// Adds a registration without keeping the order (a bulk load); [`Histories::sort`] after.
    pub(crate) fn push(&mut self, r: &Registration) {
        let e = self
            .by_partner
            .entry(r.claim.partner_id.clone())
            .or_default();
        e.registered.push(r.registered_at);
        e.disputed.extend(first_dispute(r));
    }

    /// Restores the order after [`Histories::push`].
    pub(crate) fn sort(&mut self) {
        for h in self.by_partner.values_mut() {
            h.registered.sort_unstable();
            h.disputed.sort_unstable();
        }
    }

    /// Adds a registration, keeping the order.
    pub(crate) fn insert(&mut self, r: &Registration) {
        let e = self
            .by_partner
            .entry(r.claim.partner_id.clone())
            .or_default();
        insert_sorted(&mut e.registered, r.registered_at);
        if let Some(t) = first_dispute(r) {
            insert_sorted(&mut e.disputed, t);
        }
    }

    /// Removes a registration added before (as it was then).
    pub(crate) fn remove(&mut self, r: &Registration) {
        let Some(e) = self.by_partner.get_mut(r.claim.partner_id.as_str()) else {
            return;
        };
        remove_sorted(&mut e.registered, r.registered_at);
        if let Some(t) = first_dispute(r) {
            remove_sorted(&mut e.disputed, t);
        }
        if e.registered.is_empty() {
            self.by_partner.remove(r.claim.partner_id.as_str());
        }
    }

    /// A partner's registrations made, and disputes received, before `t`.
    pub fn before(&self, partner: &str, t: DateTime<Utc>) -> (usize, usize) {
        self.by_partner.get(partner).map_or((0, 0), |h| {
            (
                h.registered.partition_point(|x| *x < t),
                h.disputed.partition_point(|x| *x < t),
            )
        })
    }
}

/// The registrations a protection window's end would expire (pending or approved), by the end of
/// their window, so that the periodic expiry finds the due ones without reading every
/// registration (half a million at a million accounts, under the graph's read lock, every
/// minute).
#[derive(Debug, Default, Clone)]
pub struct Expiries {
    by_end: BTreeSet<(DateTime<Utc>, Id)>,
}

impl Expiries {
    fn key(r: &Registration) -> Option<(DateTime<Utc>, Id)> {
        matches!(
            r.status,
            RegistrationStatus::Pending | RegistrationStatus::Approved
        )
        .then(|| (r.protected_until, r.id.clone()))
    }

    /// Adds a registration if its window's end would expire it.
    pub(crate) fn insert(&mut self, r: &Registration) {
        if let Some(k) = Self::key(r) {
            self.by_end.insert(k);
        }
    }

    /// Removes a registration added before (as it was then).
    pub(crate) fn remove(&mut self, r: &Registration) {
        if let Some(k) = Self::key(r) {
            self.by_end.remove(&k);
        }
    }

    /// The ids of the pending or approved registrations whose window ended at or before `now`,
    /// the earliest first.
    pub fn due(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Id> {
        self.by_end
            .iter()
            .take_while(move |(end, _)| *end <= now)
            .map(|(_, id)| id)
    }
}

/// Both registration indexes, kept together as registrations enter and leave the graph.
#[derive(Debug, Default, Clone)]
pub(crate) struct RegistrationIndex {
    pub(crate) histories: Histories,
    pub(crate) expiries: Expiries,
}

impl RegistrationIndex {
    /// Indexes a registration of a bulk load ([`RegistrationIndex::sort`] after).
    pub(crate) fn push(&mut self, r: &Registration) {
        self.histories.push(r);
        self.expiries.insert(r);
    }

    /// Restores the order after [`RegistrationIndex::push`].
    pub(crate) fn sort(&mut self) {
        self.histories.sort();
    }

    /// Indexes a registration.
    pub(crate) fn insert(&mut self, r: &Registration) {
        self.histories.insert(r);
        self.expiries.insert(r);
    }

    /// Unindexes a registration indexed before (as it was then).
    pub(crate) fn remove(&mut self, r: &Registration) {
        self.histories.remove(r);
        self.expiries.remove(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Claim, Decision};
    use chrono::TimeDelta;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn reg(id: &str, partner: &str, at: &str) -> Registration {
        let claim: Claim = serde_json::from_value(serde_json::json!({"partner_id": partner,
            "account_id": "A-1", "products": ["suite"], "currency": "USD"}))
        .unwrap();
        Registration::new(
            Id::parse("id", id).unwrap(),
            claim,
            t(at),
            TimeDelta::days(90),
        )
    }

    fn disputed(mut r: Registration, at: &str) -> Registration {
        r.decisions.push(Decision {
            decision: DecisionKind::Dispute,
            from: RegistrationStatus::Pending,
            to: RegistrationStatus::Disputed,
            at: t(at),
            by: "test".into(),
            reason: None,
        });
        r.status = RegistrationStatus::Disputed;
        r
    }

    #[test]
    fn a_partners_record_counts_what_came_before_an_instant_in_any_order_of_arrival() {
        let a = reg("R-1", "P-1", "2025-03-01T00:00:00Z");
        let b = disputed(
            reg("R-2", "P-1", "2025-01-01T00:00:00Z"),
            "2025-02-01T00:00:00Z",
        );
        let c = reg("R-3", "P-2", "2025-01-15T00:00:00Z");
        let mut h = Histories::default();
        for r in [&a, &b, &c] {
            h.insert(r);
        }
        let mut bulk = Histories::default();
        for r in [&a, &b, &c] {
            bulk.push(r);
        }
        bulk.sort();
        for x in [&h, &bulk] {
            assert_eq!(x.before("P-1", t("2025-01-01T00:00:00Z")), (0, 0));
            assert_eq!(x.before("P-1", t("2025-01-20T00:00:00Z")), (1, 0));
            assert_eq!(x.before("P-1", t("2025-02-02T00:00:00Z")), (1, 1));
            assert_eq!(x.before("P-1", t("2025-04-01T00:00:00Z")), (2, 1));
            assert_eq!(x.before("P-2", t("2025-04-01T00:00:00Z")), (1, 0));
            assert_eq!(x.before("P-9", t("2025-04-01T00:00:00Z")), (0, 0));
        }
        h.remove(&b);
        assert_eq!(h.before("P-1", t("2025-04-01T00:00:00Z")), (1, 0));
    }

    #[test]
    fn only_pending_or_approved_registrations_are_due_once_their_window_ends() {
        let a = reg("R-1", "P-1", "2025-01-01T00:00:00Z");
        let b = reg("R-2", "P-1", "2025-02-01T00:00:00Z");
        let c = disputed(
            reg("R-3", "P-2", "2025-01-01T00:00:00Z"),
            "2025-01-05T00:00:00Z",
        );
        let mut e = Expiries::default();
        for r in [&a, &b, &c] {
            e.insert(r);
        }
        let due = |e: &Expiries, at: &str| -> Vec<String> {
            e.due(t(at)).map(|i| i.to_string()).collect()
        };
        assert!(due(&e, "2025-03-01T00:00:00Z").is_empty());
        assert_eq!(due(&e, "2025-04-01T00:00:00Z"), ["R-1"]);
        assert_eq!(due(&e, "2025-06-01T00:00:00Z"), ["R-1", "R-2"]);
        e.remove(&a);
        assert_eq!(due(&e, "2025-06-01T00:00:00Z"), ["R-2"]);
    }
}
