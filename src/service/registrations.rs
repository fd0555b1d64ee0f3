//! Deal registrations: registering with an assessment, deciding, expiring, importing history.
//!
//! Every registration write goes through the write gate, so registrations of one account arriving
//! at once are assessed one after another: exactly one is first, and the others' assessments name
//! it.

use super::write::{BulkReport, Rejection, Rows};
use super::{Actor, Ecosystem, ServiceError};
use crate::conflict::{Assessment, Engine};
use crate::domain::{
    Claim, DecisionInput, DecisionKind, Id, Kind, Refused, Registration, RegistrationInput,
    RegistrationStatus,
};
use crate::features::conflict::{Overlay, Subject, subject_of};
use crate::graph::{EcoGraph, Node};
use crate::store::Op;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// Registrations expired per transaction by [`Ecosystem::expire_due`].
pub const EXPIRE_BATCH: usize = 256;

/// A registration with the assessment made when it was registered, as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationDoc {
    /// The registration.
    #[serde(flatten)]
    pub registration: Registration,
    /// The assessment made as of its registration.
    pub assessment: Assessment,
    /// A digest of the request that made it, so that a retry can be told from another request
    /// with the same id; stored, never served.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(ignore)]
    pub request_digest: String,
}

/// A registration to make now.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    /// The PRM's id.
    pub id: Id,
    /// What it claims.
    pub claim: Claim,
    /// A digest of the request, so that a retry can be told from a different request.
    pub digest: String,
}

/// What a registration request did.
#[derive(Debug, Clone)]
pub enum Registered {
    /// It was created now.
    Created(RegistrationDoc),
    /// It existed with the same request: the first answer.
    Replayed(RegistrationDoc),
}

/// Filters of a registration listing.
#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    /// Only registrations of this account.
    pub account_id: Option<String>,
    /// Only registrations by this partner.
    pub partner_id: Option<String>,
    /// Only registrations in this status.
    pub status: Option<RegistrationStatus>,
    /// Registered at or after.
    pub since: Option<DateTime<Utc>>,
    /// Registered before.
    pub until: Option<DateTime<Utc>>,
}

impl RegistrationFilter {
    fn admits(&self, r: &Registration) -> bool {
        self.account_id
            .as_deref()
            .is_none_or(|a| r.claim.account_id.as_str() == a)
            && self
                .partner_id
                .as_deref()
                .is_none_or(|p| r.claim.partner_id.as_str() == p)
            && self.status.is_none_or(|s| r.status == s)
            && self.since.is_none_or(|t| r.registered_at >= t)
            && self.until.is_none_or(|t| r.registered_at < t)
    }
}

/// Checks a claim's references and that a named deal is at the claimed account.
fn check_claim(g: &EcoGraph, id: &Id, claim: &Claim) -> Result<(), ServiceError> {
    let probe = Node::Registration(Box::new(Registration::new(
        id.clone(),
        claim.clone(),
        Utc::now(),
        chrono::TimeDelta::zero(),
    )));
    if let Some(m) = g.missing_refs(&probe).into_iter().next() {
        return Err(m.into());
    }
    if let Some(d) = &claim.deal_id
        && let Some(deal) = g.deal(d.as_str())
        && deal.account_id != claim.account_id
    {
        return Err(crate::domain::Invalid::new(
            "deal_id",
            format!(
                "deal '{d}' is for account '{}', not '{}'",
                deal.account_id, claim.account_id
            ),
        )
        .into());
    }
    Ok(())
}

fn doc_json(d: &RegistrationDoc) -> String {
    serde_json::to_string(d).expect("registrations serialise to JSON")
}

/// What a decided registration writes: its document and the audit row of who decided.
fn decision_ops(doc: &RegistrationDoc, actor: &Actor) -> [Op; 2] {
    let id = doc.registration.id.as_str();
    [
        Op::Put {
            kind: Kind::Registration,
            id: id.to_string(),
            doc: doc_json(doc),
        },
        actor.audit(1, std::iter::once(("registration", id))),
    ]
}

impl Ecosystem {
    /// The rules of engagement and the serving conflict model.
    pub fn engine(&self) -> Arc<Engine> {
        self.conflict.read().clone()
    }

    /// Replaces the rules and model assessments use from now on.
    pub fn set_engine(&self, engine: Engine) {
        *self.conflict.write() = Arc::new(engine);
    }

    /// Assesses a claim as of `at` without writing anything.
    #[tracing::instrument(skip_all, fields(account = %claim.account_id))]
    pub fn assess_claim(
        &self,
        id: &Id,
        claim: &Claim,
        at: DateTime<Utc>,
    ) -> Result<Assessment, ServiceError> {
        let engine = self.engine();
        let g = self.graph.read();
        check_claim(&g, id, claim)?;
        Ok(engine.assess(&g, &Subject::of_claim(Some(id.as_str()), claim, at)))
    }

    /// Registers a claim now, with its assessment. A retry with the same id and request returns
    /// the first answer; the same id with another request is a conflict.
    #[tracing::instrument(skip_all, fields(id = %new.id))]
    pub async fn register(
        &self,
        new: NewRegistration,
        actor: &Actor,
    ) -> Result<Registered, ServiceError> {
        let _gate = self.gate.lock().await;
        let exists = self.read(|g| g.contains(Kind::Registration, new.id.as_str()));
        if exists {
            let doc = self
                .registration_doc(new.id.as_str())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    kind: Kind::Registration,
                    id: new.id.to_string(),
                })?;
            if doc.request_digest == new.digest {
                return Ok(Registered::Replayed(doc));
            }
            return Err(ServiceError::Conflict {
                code: "id_taken",
                message: format!(
                    "registration '{}' already exists with a different request; use a new id, or send exactly the same request to get its answer",
                    new.id
                ),
            });
        }
        let engine = self.engine();
        let now = Utc::now();
        let doc = {
            let g = self.graph.read();
            check_claim(&g, &new.id, &new.claim)?;
            let assessment = engine.assess(
                &g,
                &Subject::of_claim(Some(new.id.as_str()), &new.claim, now),
            );
            let registration =
                Registration::new(new.id.clone(), new.claim, now, engine.rules.protection());
            RegistrationDoc {
                registration,
                assessment,
                request_digest: new.digest,
            }
        };
        let id = doc.registration.id.to_string();
        self.store
            .apply(&[
                Op::Put {
                    kind: Kind::Registration,
                    id: id.clone(),
                    doc: doc_json(&doc),
                },
                actor.audit(1, std::iter::once(("registration", id.as_str()))),
            ])
            .await?;
        self.graph
            .write()
            .upsert(Node::Registration(Box::new(doc.registration.clone())));
        Ok(Registered::Created(doc))
    }

    /// A registration with its stored assessment.
    pub async fn registration_doc(
        &self,
        id: &str,
    ) -> Result<Option<RegistrationDoc>, ServiceError> {
        match self.store.get(Kind::Registration, id).await? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                ServiceError::Task(format!("stored registration '{id}' does not parse: {e}"))
            }),
        }
    }

    /// Registrations in id order after `after`, at most `limit`, filtered.
    pub fn list_registrations(
        &self,
        filter: &RegistrationFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Vec<Registration> {
        self.read(|g| {
            g.iter_from(Kind::Registration, after)
                .filter_map(|n| match n {
                    Node::Registration(r) if filter.admits(r) => Some((**r).clone()),
                    _ => None,
                })
                .take(limit)
                .collect()
        })
    }

    /// Takes a decision on a registration now.
    #[tracing::instrument(skip_all, fields(id = id, decision = %input.decision))]
    pub async fn decide(
        &self,
        id: &str,
        input: DecisionInput,
        actor: &Actor,
    ) -> Result<RegistrationDoc, ServiceError> {
        let _gate = self.gate.lock().await;
        let reason = crate::domain::clean_reason(input.reason)?;
        self.apply_decision(
            id,
            input.decision,
            Utc::now(),
            actor.key_id.clone(),
            reason,
            actor,
        )
        .await
    }

    /// Applies a decision under the gate (held by the caller).
    async fn apply_decision(
        &self,
        id: &str,
        decision: DecisionKind,
        at: DateTime<Utc>,
        by: String,
        reason: Option<String>,
        actor: &Actor,
    ) -> Result<RegistrationDoc, ServiceError> {
        let not_found = || ServiceError::NotFound {
            kind: Kind::Registration,
            id: id.to_string(),
        };
        if !self.read(|g| g.contains(Kind::Registration, id)) {
            return Err(not_found());
        }
        let mut doc = self.registration_doc(id).await?.ok_or_else(not_found)?;
        let window = self.engine().rules.protection();
        doc.registration
            .decide(decision, at, by, reason, window)
            .map_err(|e| match e {
                Refused::Illegal { from, .. } => ServiceError::Conflict {
                    code: "illegal_transition",
                    message: format!(
                        "{e}; from {from} the allowed decisions are: {}",
                        if from.is_final() {
                            "none (it is final)".to_string()
                        } else {
                            from.allowed().join(", ")
                        }
                    ),
                },
                other => ServiceError::Conflict {
                    code: "illegal_transition",
                    message: other.to_string(),
                },
            })?;
        self.commit_decided(&decision_ops(&doc, actor), [doc.registration.clone()])
            .await?;
        Ok(doc)
    }

    /// Writes decided registrations in one transaction, then shows them in the graph: the one
    /// step a decision from a person and an expiry share.
    async fn commit_decided(
        &self,
        ops: &[Op],
        decided: impl IntoIterator<Item = Registration>,
    ) -> Result<(), ServiceError> {
        self.store.apply(ops).await?;
        let mut g = self.graph.write();
        for r in decided {
            g.upsert(Node::Registration(Box::new(r)));
        }
        Ok(())
    }

    /// Expires every pending or approved registration whose protection ended before `now`;
    /// returns how many. The service calls it periodically, so nobody has to.
    ///
    /// The due registrations are found without the write gate, then expired in batches of
    /// [`EXPIRE_BATCH`], each one transaction under the gate (re-checked there, as a decision may
    /// have come in since), so that a large backlog (a history imported with pending
    /// registrations) neither costs one commit per registration nor holds registrations back for
    /// the whole sweep.
    #[tracing::instrument(skip_all)]
    pub async fn expire_due(&self, now: DateTime<Utc>) -> Result<usize, ServiceError> {
        let due_now = |r: &Registration| {
            matches!(
                r.status,
                RegistrationStatus::Pending | RegistrationStatus::Approved
            ) && r.protected_until <= now
        };
        let due: Vec<String> =
            self.read(|g| g.expiries().due(now).map(|id| id.to_string()).collect());
        let actor = Actor {
            key_id: "system".into(),
            role: crate::domain::Role::Admin,
            route: "protection window expiry".into(),
        };
        let window = self.engine().rules.protection();
        let mut n = 0;
        for chunk in due.chunks(EXPIRE_BATCH) {
            let _gate = self.gate.lock().await;
            let mut ops = Vec::with_capacity(2 * chunk.len());
            let mut expired: Vec<Registration> = Vec::with_capacity(chunk.len());
            for id in chunk {
                let Some(mut doc) = self.registration_doc(id).await? else {
                    continue;
                };
                if !due_now(&doc.registration) {
                    continue;
                }
                // Dated when the window ended, or just after the last decision if that was later.
                let r = &doc.registration;
                let at = r
                    .decisions
                    .last()
                    .map_or(r.protected_until, |d| d.at.max(r.protected_until));
                if let Err(e) = doc.registration.decide(
                    DecisionKind::Expire,
                    at,
                    "system".into(),
                    Some("the protection window ended".into()),
                    window,
                ) {
                    tracing::warn!(id = %id, error = %e, "could not expire a registration");
                    continue;
                }
                ops.extend(decision_ops(&doc, &actor));
                expired.push(doc.registration);
            }
            if expired.is_empty() {
                continue;
            }
            n += expired.len();
            self.commit_decided(&ops, expired).await?;
        }
        if n > 0 {
            tracing::info!(expired = n, "registrations expired");
        }
        Ok(n)
    }

    /// Imports past registrations with their decisions. Each is assessed as of its own
    /// `registered_at` (seeing the earlier ones of the same import) and stored with that
    /// assessment. Registrations with an existing id are replaced.
    #[tracing::instrument(skip_all, fields(rows = rows.len()))]
    pub async fn import_registrations(
        &self,
        rows: Rows<RegistrationInput>,
        all_or_nothing: bool,
        actor: &Actor,
    ) -> Result<BulkReport, ServiceError> {
        let _gate = self.gate.lock().await;
        let mut report = BulkReport {
            rows: rows.len(),
            ..Default::default()
        };
        let graph = self.graph.clone();
        let engine = self.engine();
        let (docs, rejected) = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            let window = engine.rules.protection();
            let g = graph.read();
            let mut regs: Vec<(usize, Registration)> = Vec::with_capacity(rows.len());
            let mut rejected: Vec<Rejection> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (row, parsed) in rows {
                let checked = parsed.and_then(|input| {
                    let id = input.id.clone();
                    let r = input
                        .into_registration(window)
                        .map_err(|e| Rejection::invalid(row, Some(id.clone()), e))?;
                    check_claim(&g, &r.id, &r.claim)
                        .map_err(|e| Rejection::from_error(row, Some(id.clone()), e))?;
                    if !seen.insert(r.id.clone()) {
                        return Err(Rejection {
                            row,
                            id: Some(id),
                            code: "duplicate_id".into(),
                            field: Some("id".into()),
                            message: "this id appears earlier in the same body".into(),
                        });
                    }
                    Ok(r)
                });
                match checked {
                    Ok(r) => regs.push((row, r)),
                    Err(e) => rejected.push(e),
                }
            }
            let overlay = Overlay::new(&g, regs.iter().map(|(_, r)| r));
            let docs: Vec<RegistrationDoc> = regs
                .par_iter()
                .map(|(_, r)| RegistrationDoc {
                    assessment: engine.assess_with(&g, Some(&overlay), &subject_of(r)),
                    registration: r.clone(),
                    request_digest: String::new(),
                })
                .collect();
            (docs, rejected)
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))?;
        report.rejected_count = rejected.len();
        report.rejected = rejected;
        if docs.is_empty() || (all_or_nothing && report.rejected_count > 0) {
            return Ok(report);
        }
        let mut ops: Vec<Op> = docs
            .iter()
            .map(|d| Op::Put {
                kind: Kind::Registration,
                id: d.registration.id.to_string(),
                doc: doc_json(d),
            })
            .collect();
        ops.push(
            actor.audit(
                docs.len(),
                docs.iter()
                    .map(|d| ("registration", d.registration.id.as_str())),
            ),
        );
        // One transaction: a failed import writes nothing.
        self.store.apply(&ops).await?;
        report.accepted = docs.len();
        report.committed = true;
        let graph = self.graph.clone();
        tokio::task::spawn_blocking(move || {
            let mut g = graph.write();
            for d in docs {
                g.upsert(Node::Registration(Box::new(d.registration)));
            }
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))?;
        Ok(report)
    }
}
