//! Partner account lists: uploading a partner's CRM export and linking each row to an account.

use super::write::{BulkReport, Rejection, Rows, to_doc};
use super::{Actor, Ecosystem, ServiceError};
use crate::domain::{
    Account, CountryCode, DomainName, Id, Invalid, Kind, Name, PartnerRecord, PartnerRecordInput,
};
use crate::graph::{EcoGraph, Node};
use crate::store::Op;
use std::collections::{HashMap, HashSet};

/// Prefix of the ids of accounts created by resolving partner records.
pub const RESOLVED_ACCOUNT_PREFIX: &str = "ER-";

/// FNV-1a: a stable hash, so that ids of created accounts are the same on every run and machine.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// The web domain a record gives, from its domain, website or e-mail, whichever parses first.
fn record_domain(r: &PartnerRecordInput) -> Option<DomainName> {
    [&r.domain, &r.website, &r.email]
        .into_iter()
        .flatten()
        .find_map(|s| DomainName::parse("domain", s).ok())
}

/// The key under which an unmatched record creates its account: its domain, else its folded name.
fn new_account_key(r: &PartnerRecordInput, domain: Option<&DomainName>) -> String {
    match domain {
        Some(d) => format!("d:{}", d.as_str()),
        None => {
            let folded: String = r
                .name
                .chars()
                .filter(|c| c.is_alphanumeric() || c.is_whitespace())
                .collect::<String>()
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("n:{folded}")
        }
    }
}

struct Plan {
    records: Vec<PartnerRecord>,
    accounts: Vec<Account>,
    removed: Vec<Id>,
    rejected: Vec<Rejection>,
}

/// The matcher's view of an uploaded row.
fn input_record(r: &PartnerRecordInput) -> crate::matching::Record {
    crate::matching::Record {
        id: r.id.clone(),
        name: r.name.clone(),
        domain: r.domain.clone(),
        website: r.website.clone(),
        email: r.email.clone(),
        phone: r.phone.clone(),
        address: r.address.clone(),
        city: r.city.clone(),
        region: r.region.clone(),
        postal_code: r.postal_code.clone(),
        country: r.country.clone(),
        industry: r.industry.clone(),
    }
}

/// For each row the account the matcher links it to, when a row names none and no account has its
/// domain: the best candidate at or above the model's fixed threshold. Rows are scored in parallel.
fn fuzzy_links(
    g: &EcoGraph,
    index: &crate::matching::Index,
    rows: &Rows<PartnerRecordInput>,
) -> Vec<Option<Id>> {
    use rayon::prelude::*;
    let matcher = crate::matching::card::shipped_ref();
    rows.par_iter()
        .map(|(_, parsed)| {
            let input = parsed.as_ref().ok()?;
            if input.account_id.is_some()
                || record_domain(input).is_some_and(|d| g.account_by_domain(d.as_str()).is_some())
            {
                return None;
            }
            let best = index.best_match(&input_record(input), matcher.threshold(), matcher)?;
            match g.node(petgraph::stable_graph::NodeIndex::new(best.key as usize)) {
                Some(crate::graph::Node::Account(a)) => Some(a.id.clone()),
                _ => None,
            }
        })
        .collect()
}

fn plan(
    g: &EcoGraph,
    index: Option<&crate::matching::Index>,
    partner_id: &Id,
    rows: Rows<PartnerRecordInput>,
    replace: bool,
) -> Plan {
    let fuzzy = match index {
        Some(ix) => fuzzy_links(g, ix, &rows),
        None => vec![None; rows.len()],
    };
    let mut records = Vec::with_capacity(rows.len());
    let mut created: HashMap<String, usize> = HashMap::new();
    let mut accounts: Vec<Account> = Vec::new();
    let mut rejected = Vec::new();
    for ((row, parsed), fuzzy) in rows.into_iter().zip(fuzzy) {
        let input = match parsed {
            Ok(i) => i,
            Err(r) => {
                rejected.push(r);
                continue;
            }
        };
        let row_id = Some(input.id.clone());
        let account_id = match resolve(g, &input, fuzzy, &mut created, &mut accounts) {
            Ok(a) => a,
            Err(e) => {
                rejected.push(Rejection::from_error(row, row_id, e));
                continue;
            }
        };
        match PartnerRecord::from_input(partner_id.clone(), account_id, input) {
            Ok(r) => records.push(r),
            Err(e) => rejected.push(Rejection::invalid(row, row_id, e)),
        }
    }
    let removed = if replace {
        let kept: HashSet<&Id> = records.iter().map(|r| &r.id).collect();
        g.records_of_partner(partner_id.as_str())
            .into_iter()
            .filter(|r| !kept.contains(r.id))
            .map(|r| r.id.clone())
            .collect()
    } else {
        Vec::new()
    };
    Plan {
        records,
        accounts,
        removed,
        rejected,
    }
}

/// Links a record to an account: the one it names, else the one with its domain, else the one the
/// matcher found, else a new one (shared by the rows of the upload that describe the same company).
fn resolve(
    g: &EcoGraph,
    input: &PartnerRecordInput,
    fuzzy: Option<Id>,
    created: &mut HashMap<String, usize>,
    accounts: &mut Vec<Account>,
) -> Result<Id, ServiceError> {
    if let Some(a) = &input.account_id {
        let id = Id::parse("account_id", a)?;
        if !g.contains(Kind::Account, id.as_str()) {
            return Err(crate::graph::MissingRef {
                field: "account_id".into(),
                kind: Kind::Account,
                id,
            }
            .into());
        }
        return Ok(id);
    }
    let name = Name::parse("name", &input.name)?;
    let domain = record_domain(input);
    if let Some(d) = &domain
        && let Some(a) = g.account_by_domain(d.as_str())
    {
        return Ok(a.id.clone());
    }
    if let Some(id) = fuzzy {
        return Ok(id);
    }
    let key = new_account_key(input, domain.as_ref());
    if let Some(&i) = created.get(&key) {
        return Ok(accounts[i].id.clone());
    }
    let id = Id::parse(
        "account_id",
        &format!("{RESOLVED_ACCOUNT_PREFIX}{:016x}", stable_hash(&key)),
    )
    .map_err(|e: Invalid| ServiceError::Invalid(e))?;
    if g.contains(Kind::Account, id.as_str()) {
        return Ok(id);
    }
    accounts.push(Account {
        id: id.clone(),
        name,
        domain,
        industry: input.industry.clone().filter(|s| !s.trim().is_empty()),
        country: input
            .country
            .as_deref()
            .and_then(|c| CountryCode::parse("country", c).ok()),
        region: None,
        employees: None,
        annual_revenue: None,
        owner: None,
        vendor_relation: None,
    });
    created.insert(key, accounts.len() - 1);
    Ok(id)
}

impl Ecosystem {
    /// Writes a partner's account list. With `replace`, records the upload does not list are removed;
    /// otherwise the upload is merged into the list. Each row links to an account: the one it names,
    /// else the one with its web domain, else the matcher's best at its threshold, else a new one.
    #[tracing::instrument(skip_all, fields(partner = partner_id, rows = rows.len(), replace))]
    pub async fn put_records(
        &self,
        partner_id: &str,
        rows: Rows<PartnerRecordInput>,
        replace: bool,
        all_or_nothing: bool,
        actor: &Actor,
    ) -> Result<BulkReport, ServiceError> {
        let _gate = self.gate.lock().await;
        let pid = Id::parse("partner_id", partner_id)?;
        if !self.read(|g| g.contains(Kind::Partner, partner_id)) {
            return Err(ServiceError::NotFound {
                kind: Kind::Partner,
                id: partner_id.to_string(),
            });
        }
        let rows_n = rows.len();
        let graph = self.graph.clone();
        let pid2 = pid.clone();
        let resolver = self.resolver.clone();
        let (plan, ops) = tokio::task::spawn_blocking(move || {
            let g = graph.read();
            super::resolve::ensure_index(&g, &resolver);
            let index = resolver.read();
            let plan = plan(&g, index.as_ref(), &pid2, rows, replace);
            drop(index);
            drop(g);
            let mut ops =
                Vec::with_capacity(plan.accounts.len() + plan.records.len() + plan.removed.len());
            for a in &plan.accounts {
                let node = Node::Account(Box::new(a.clone()));
                ops.push(Op::Put {
                    kind: Kind::Account,
                    id: a.id.to_string(),
                    doc: to_doc(&node),
                });
            }
            for r in &plan.records {
                ops.push(Op::PutRecord {
                    partner_id: r.partner_id.to_string(),
                    id: r.id.to_string(),
                    account_id: r.account_id.to_string(),
                    doc: serde_json::to_string(r).expect("records serialise to JSON"),
                });
            }
            for id in &plan.removed {
                ops.push(Op::DeleteRecord {
                    partner_id: pid2.to_string(),
                    id: id.to_string(),
                });
            }
            (plan, ops)
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))?;
        let mut report = BulkReport {
            rows: rows_n,
            rejected: plan.rejected,
            accounts_created: Some(0),
            records_removed: Some(0),
            ..Default::default()
        };
        if ops.is_empty() || (all_or_nothing && !report.rejected.is_empty()) {
            return Ok(report);
        }
        let mut ops = ops;
        let touched = plan.accounts.len() + plan.records.len() + plan.removed.len();
        ops.push(
            actor.audit(
                touched,
                plan.accounts
                    .iter()
                    .map(|a| ("account", a.id.as_str()))
                    .chain(std::iter::once(("partner", partner_id))),
            ),
        );
        self.store.apply(&ops).await?;
        report.committed = true;
        report.accepted = plan.records.len();
        report.accounts_created = Some(plan.accounts.len());
        report.records_removed = Some(plan.removed.len());
        let graph = self.graph.clone();
        let (accounts, records, removed) = (plan.accounts, plan.records, plan.removed);
        let reindex = Some(accounts.clone());
        tokio::task::spawn_blocking(move || {
            let mut g = graph.write();
            for a in accounts {
                g.upsert(Node::Account(Box::new(a)));
            }
            for id in removed {
                g.remove_record(pid.as_str(), id.as_str());
            }
            for r in records {
                g.upsert_record(r);
            }
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))?;
        if let Some(created) = reindex {
            self.reindex_accounts(&self.graph.read(), created.iter(), &[]);
        }
        Ok(report)
    }

    /// Removes one record from a partner's account list.
    pub async fn delete_record(
        &self,
        partner_id: &str,
        record_id: &str,
        actor: &Actor,
    ) -> Result<(), ServiceError> {
        let _gate = self.gate.lock().await;
        if self.read(|g| g.record(partner_id, record_id).is_none()) {
            return Err(ServiceError::NotFound {
                kind: Kind::Account,
                id: format!("{partner_id}/{record_id}"),
            });
        }
        let ops = [
            Op::DeleteRecord {
                partner_id: partner_id.into(),
                id: record_id.into(),
            },
            actor.audit(1, std::iter::once(("partner", partner_id))),
        ];
        self.store.apply(&ops).await?;
        self.graph.write().remove_record(partner_id, record_id);
        Ok(())
    }
}
