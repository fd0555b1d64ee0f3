//! Writes of entities: upsert, bulk upsert, delete and offboarding.

use super::{Actor, Ecosystem, ServiceError};
use crate::domain::{Id, Invalid, Kind, Partner, PartnerStatus};
use crate::graph::{EcoGraph, Node, node_id};
use crate::store::Op;
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

/// Whether an upsert created the entity or replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    /// It did not exist before.
    Created,
    /// It replaced an existing one.
    Updated,
}

/// A row of a bulk request that was not written.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Rejection {
    /// 1-based row (line) number in the request body; for CSV, the header is row 1.
    pub row: usize,
    /// The row's id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A stable error code.
    pub code: String,
    /// The field at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Rejection {
    /// A rejection from a validation failure.
    pub fn invalid(row: usize, id: Option<String>, e: Invalid) -> Self {
        Rejection {
            row,
            id,
            code: "invalid_field".into(),
            field: Some(e.field),
            message: e.message,
        }
    }

    /// A rejection from a service failure on one row.
    pub fn from_error(row: usize, id: Option<String>, e: ServiceError) -> Self {
        let (code, field) = match &e {
            ServiceError::Invalid(i) => ("invalid_field", Some(i.field.clone())),
            ServiceError::UnknownReference { field, .. } => {
                ("unknown_reference", Some(field.clone()))
            }
            ServiceError::NotFound { .. } | ServiceError::NoSuchKey(_) => ("not_found", None),
            ServiceError::Conflict { code, .. } => (*code, None),
            ServiceError::Store(_) | ServiceError::Task(_) => ("internal", None),
        };
        let message = match e {
            ServiceError::Invalid(i) => i.message,
            other => other.to_string(),
        };
        Rejection {
            row,
            id,
            code: code.into(),
            field,
            message,
        }
    }
}

/// The rows of a bulk request: each row's number with its parsed value or why it could not be parsed.
pub type Rows<T> = Vec<(usize, Result<T, Rejection>)>;

/// Rejections listed in one bulk response; the rest are counted. A body of a million bad rows
/// would otherwise be answered with a report larger than the body.
pub const MAX_LISTED_REJECTIONS: usize = 100;

/// What a bulk request did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct BulkReport {
    /// Rows read from the body.
    pub rows: usize,
    /// Rows written.
    pub accepted: usize,
    /// Rows not written, each with its reason: the first [`MAX_LISTED_REJECTIONS`] of them over
    /// HTTP (`rejected_count` gives them all).
    pub rejected: Vec<Rejection>,
    /// How many rows were rejected in all.
    pub rejected_count: usize,
    /// Whether anything was written (false when `all_or_nothing` met a bad row).
    pub committed: bool,
    /// Accounts created by resolving partner records (account-list uploads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts_created: Option<usize>,
    /// Records removed because a replacing upload no longer lists them (account-list uploads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_removed: Option<usize>,
}

/// Serialises an entity to its stored document.
pub(crate) fn to_doc(node: &Node) -> String {
    let r = match node {
        Node::Partner(x) => serde_json::to_string(x),
        Node::Account(x) => serde_json::to_string(x),
        Node::Deal(x) => serde_json::to_string(x),
        Node::Touchpoint(x) => serde_json::to_string(x),
        Node::Play(x) => serde_json::to_string(x),
        Node::Ipp(x) => serde_json::to_string(x),
        Node::PlayRun(x) => serde_json::to_string(x),
        Node::Registration(x) => serde_json::to_string(x),
    };
    r.expect("domain types serialise to JSON")
}

/// Checks an entity against the graph and fills what the server decides, before it is written.
fn prepare(g: &EcoGraph, mut node: Node) -> Result<Node, ServiceError> {
    if let Some(m) = g.missing_refs(&node).into_iter().next() {
        return Err(m.into());
    }
    match &mut node {
        Node::Touchpoint(t) => {
            if let Some(d) = &t.deal_id
                && let Some(deal) = g.deal(d.as_str())
                && deal.account_id != t.account_id
            {
                return Err(Invalid::new(
                    "deal_id",
                    format!(
                        "deal '{d}' is for account '{}', not '{}'",
                        deal.account_id, t.account_id
                    ),
                )
                .into());
            }
        }
        Node::Deal(d) => {
            // Touchpoints about a deal are on its account; moving the deal would leave them on
            // another account than the deal they are about.
            let stranded = g
                .touchpoints_of(Kind::Deal, d.id.as_str())
                .into_iter()
                .filter(|t| t.account_id != d.account_id)
                .count();
            if stranded > 0 {
                let old = g.deal(d.id.as_str()).map(|o| o.account_id.to_string());
                return Err(ServiceError::Conflict {
                    code: "still_referenced",
                    message: format!(
                        "deal '{}' has {stranded} touchpoint(s) on account '{}'; move or delete them before moving the deal to '{}'",
                        d.id,
                        old.unwrap_or_default(),
                        d.account_id
                    ),
                });
            }
        }
        Node::Partner(p) => {
            let previous = g.partner(p.id.as_str()).and_then(|old| old.offboarded_at);
            p.offboarded_at = match p.status {
                PartnerStatus::Offboarded => previous.or_else(|| Some(Utc::now())),
                _ => None,
            };
        }
        _ => {}
    }
    Ok(node)
}

impl Ecosystem {
    /// Inserts or replaces one entity.
    #[tracing::instrument(skip_all, fields(kind = %node.kind(), id = %node_id(&node)))]
    pub async fn upsert(
        &self,
        node: Node,
        actor: &Actor,
    ) -> Result<(Upserted, Node), ServiceError> {
        let _gate = self.gate.lock().await;
        let (node, existed) = {
            let g = self.graph.read();
            let existed = g.contains(node.kind(), node_id(&node).as_str());
            (prepare(&g, node)?, existed)
        };
        let (kind, id) = (node.kind(), node_id(&node).to_string());
        let audit = actor.audit(1, std::iter::once((kind.as_str(), id.as_str())));
        let put = Op::Put {
            kind,
            id: id.clone(),
            doc: to_doc(&node),
        };
        self.store.apply(&[put, audit]).await?;
        self.graph.write().upsert(node.clone());
        if let Node::Account(a) = &node {
            self.reindex_accounts(&self.graph.read(), std::iter::once(a.as_ref()), &[]);
        }
        Ok((
            if existed {
                Upserted::Updated
            } else {
                Upserted::Created
            },
            node,
        ))
    }

    /// Inserts or replaces many entities of one kind in one transaction.
    ///
    /// `rows` holds each row's number and either its parsed entity or why it could not be parsed.
    /// Rows whose references do not resolve are rejected; the rest are written together. With
    /// `all_or_nothing`, one rejected row means nothing is written.
    #[tracing::instrument(skip_all, fields(kind = %kind, rows = rows.len()))]
    pub async fn upsert_many(
        &self,
        kind: Kind,
        rows: Rows<Node>,
        all_or_nothing: bool,
        actor: &Actor,
    ) -> Result<BulkReport, ServiceError> {
        let _gate = self.gate.lock().await;
        let mut report = BulkReport {
            rows: rows.len(),
            ..Default::default()
        };
        let graph = self.graph.clone();
        let (nodes, ops, rejected) = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            let g = graph.read();
            // Checked and serialised in parallel: each row reads only the graph as it was before
            // the batch, never another row of it.
            let checked: Vec<Result<(Node, Op), Rejection>> = rows
                .into_par_iter()
                .map(|(row, parsed)| {
                    let n = parsed?;
                    let id = node_id(&n).to_string();
                    let n = prepare(&g, n)
                        .map_err(|e| Rejection::from_error(row, Some(id.clone()), e))?;
                    let doc = to_doc(&n);
                    Ok((n, Op::Put { kind, id, doc }))
                })
                .collect();
            let mut nodes = Vec::with_capacity(checked.len());
            let mut ops = Vec::with_capacity(checked.len() + 1);
            let mut rejected = Vec::new();
            for c in checked {
                match c {
                    Ok((n, op)) => {
                        nodes.push(n);
                        ops.push(op);
                    }
                    Err(r) => rejected.push(r),
                }
            }
            (nodes, ops, rejected)
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))?;
        report.rejected_count = rejected.len();
        report.rejected = rejected;
        if nodes.is_empty() || (all_or_nothing && !report.rejected.is_empty()) {
            return Ok(report);
        }
        let mut ops = ops;
        ops.push(actor.audit(
            nodes.len(),
            nodes.iter().map(|n| (kind.as_str(), node_id(n).as_str())),
        ));
        self.store.apply(&ops).await?;
        report.accepted = nodes.len();
        report.committed = true;
        let graph = self.graph.clone();
        // Written accounts go into the resolution index if it exists once they are in the graph
        // (checked after the graph write, so an index built meanwhile is not missed).
        let reindex: Vec<Id> = if kind == Kind::Account {
            nodes.iter().map(|n| node_id(n).clone()).collect()
        } else {
            Vec::new()
        };
        tokio::task::spawn_blocking(move || {
            let mut g = graph.write();
            for n in nodes {
                g.upsert(n);
            }
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))?;
        if !reindex.is_empty() && self.resolver.read().is_some() {
            let g = self.graph.read();
            let accounts = reindex.iter().filter_map(|id| g.account(id.as_str()));
            self.reindex_accounts(&g, accounts, &[]);
        }
        Ok(report)
    }

    /// Offboards a partner: its status becomes `offboarded`; its history stays.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn offboard_partner(&self, id: &str, actor: &Actor) -> Result<Partner, ServiceError> {
        let _gate = self.gate.lock().await;
        let mut partner =
            self.read(|g| g.partner(id).cloned())
                .ok_or_else(|| ServiceError::NotFound {
                    kind: Kind::Partner,
                    id: id.to_string(),
                })?;
        if partner.status != PartnerStatus::Offboarded {
            partner.status = PartnerStatus::Offboarded;
            partner.offboarded_at = Some(Utc::now());
            let node = Node::Partner(Box::new(partner.clone()));
            let ops = [
                Op::Put {
                    kind: Kind::Partner,
                    id: id.to_string(),
                    doc: to_doc(&node),
                },
                actor.audit(1, std::iter::once(("partner", id))),
            ];
            self.store.apply(&ops).await?;
            self.graph.write().upsert(node);
        }
        Ok(partner)
    }

    /// Deletes an entity for good. Refused while other entities refer to it; a partner's own account
    /// records go with it.
    #[tracing::instrument(skip_all, fields(kind = %kind, id = id))]
    pub async fn delete(&self, kind: Kind, id: &str, actor: &Actor) -> Result<(), ServiceError> {
        let _gate = self.gate.lock().await;
        let hood = {
            let g = self.graph.read();
            if !g.contains(kind, id) {
                return Err(ServiceError::NotFound {
                    kind,
                    id: id.to_string(),
                });
            }
            g.neighbourhood(kind, id)
        };
        let blocked = match kind {
            Kind::Partner => {
                hood.deals
                    + hood.touchpoints
                    + hood.owned_accounts
                    + hood.registrations
                    + hood.play_runs
                    > 0
            }
            Kind::Account => {
                hood.deals + hood.touchpoints + hood.records + hood.registrations + hood.play_runs
                    > 0
            }
            Kind::Deal => hood.touchpoints + hood.registrations > 0,
            Kind::Play => hood.play_runs > 0,
            Kind::Touchpoint | Kind::Ipp | Kind::PlayRun | Kind::Registration => false,
        };
        if blocked {
            return Err(ServiceError::Conflict {
                code: "still_referenced",
                message: format!(
                    "{kind} '{id}' is still referred to by {} deal(s), {} touchpoint(s), {} partner record(s), {} owned account(s), {} deal registration(s) and {} play run(s); remove those first{}",
                    hood.deals,
                    hood.touchpoints,
                    hood.records,
                    hood.owned_accounts,
                    hood.registrations,
                    hood.play_runs,
                    if kind == Kind::Partner {
                        ", or offboard the partner instead"
                    } else {
                        ""
                    }
                ),
            });
        }
        let mut ops = Vec::with_capacity(2);
        if kind == Kind::Partner {
            ops.push(Op::DeleteRecordsOf {
                partner_id: id.to_string(),
            });
        }
        ops.push(Op::Delete {
            kind,
            id: id.to_string(),
        });
        ops.push(actor.audit(1, std::iter::once((kind.as_str(), id))));
        self.store.apply(&ops).await?;
        let ix = self.graph.read().index(kind, id);
        self.graph.write().remove(kind, id);
        if kind == Kind::Account
            && let Some(ix) = ix
        {
            self.reindex_accounts(&self.graph.read(), std::iter::empty(), &[ix]);
        }
        Ok(())
    }
}
