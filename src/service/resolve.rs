//! Resolving an incoming company record to the accounts it may be, with the learned matcher over an
//! index of every account. The index is built on first use (it costs memory a service that never
//! resolves should not pay) and kept current by every account write after that.

use super::{Ecosystem, ServiceError};
use crate::domain::{Account, Kind};
use crate::graph::{EcoGraph, Node};
use crate::matching::{Evidence, Index, Matcher, Record};
use parking_lot::RwLock;
use petgraph::stable_graph::NodeIndex;

/// A candidate account for a record.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// The account.
    pub account: Account,
    /// Match probability.
    pub score: f64,
    /// Per-field evidence.
    pub evidence: Vec<Evidence>,
}

/// The matcher's view of an account.
pub fn account_record(a: &Account) -> Record {
    Record {
        id: a.id.to_string(),
        name: a.name.as_str().to_string(),
        domain: a.domain.as_ref().map(|d| d.as_str().to_string()),
        country: a.country.map(|c| c.as_str().to_string()),
        industry: a.industry.as_deref().map(str::to_string),
        ..Record::default()
    }
}

/// The accounts behind index candidates, in their order (a candidate whose node is no longer an
/// account is dropped).
fn resolutions(g: &EcoGraph, candidates: Vec<crate::matching::Candidate>) -> Vec<Resolution> {
    candidates
        .into_iter()
        .filter_map(|c| match g.node(NodeIndex::new(c.key as usize)) {
            Some(Node::Account(a)) => Some(Resolution {
                account: (**a).clone(),
                score: c.score,
                evidence: c.evidence,
            }),
            _ => None,
        })
        .collect()
}

/// Builds the index if it is not built yet. Called with the graph's read lock held, so no account
/// write slips between the scan and the index going live (writers update it once it exists).
pub(crate) fn ensure_index(g: &EcoGraph, resolver: &RwLock<Option<Index>>) {
    if resolver.read().is_some() {
        return;
    }
    let mut slot = resolver.write();
    if slot.is_none() {
        let started = std::time::Instant::now();
        *slot = Some(build_index(g));
        tracing::info!(
            accounts = g.count(Kind::Account),
            seconds = started.elapsed().as_secs_f64(),
            "resolution index built"
        );
    }
}

/// The resolution index over every account, keyed by node index. Records are prepared in
/// parallel and the index is built in bulk.
pub(crate) fn build_index(g: &EcoGraph) -> Index {
    use rayon::prelude::*;
    let accounts: Vec<(u64, &crate::domain::Account)> = g
        .iter_indexed(Kind::Account)
        .filter_map(|(ix, node)| match node {
            Node::Account(a) => Some((ix.index() as u64, &**a)),
            _ => None,
        })
        .collect();
    let (keys, preps): (Vec<u64>, Vec<crate::matching::Prepared>) = accounts
        .par_iter()
        .map(|(k, a)| (*k, crate::matching::prepare(&account_record(a))))
        .unzip();
    Index::from_keyed(keys, preps)
}

impl Ecosystem {
    /// Builds the resolution index now if it is not built yet, instead of on first use. A bulk
    /// import calls it before its account lists, while their files are read in the background.
    pub async fn warm_resolution(&self) -> Result<(), ServiceError> {
        let graph = self.graph.clone();
        let resolver = self.resolver.clone();
        tokio::task::spawn_blocking(move || ensure_index(&graph.read(), &resolver))
            .await
            .map_err(|e| ServiceError::Task(e.to_string()))
    }

    /// Whether the resolution index is built.
    pub fn resolution_ready(&self) -> bool {
        // try_read: while the index is being built its slot is write-locked, and that means "not yet".
        self.resolver.try_read().is_some_and(|r| r.is_some())
    }

    /// Accounts in the resolution index; 0 while it is not built.
    pub fn resolution_index_len(&self) -> usize {
        self.resolver
            .read()
            .as_ref()
            .map_or(0, crate::matching::Index::len)
    }

    /// Ranks the accounts a record may be, best first, at most `k`, and decides among them at
    /// `threshold` ([`decide_one`](crate::matching::decide::decide_one)): whether two
    /// close candidates are one company is judged with the account base's word frequencies, as
    /// the candidates were scored.
    #[tracing::instrument(skip_all, fields(k))]
    pub async fn resolve_decided(
        &self,
        record: Record,
        k: usize,
        threshold: f64,
    ) -> Result<(Vec<Resolution>, crate::matching::decide::One), ServiceError> {
        let graph = self.graph.clone();
        let resolver = self.resolver.clone();
        let matcher: &'static Matcher = crate::matching::card::shipped_ref();
        // The blocking thread logs under the request's span, so its lines carry the request id.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _in = span.enter();
            ensure_index(&graph.read(), &resolver);
            let g = graph.read();
            let index = resolver.read();
            let index = index.as_ref().expect("built above");
            let found = resolutions(&g, index.resolve(&record, k, matcher));
            let records: Vec<Record> = found.iter().map(|r| account_record(&r.account)).collect();
            let scored: Vec<(f64, &Record)> = found.iter().map(|r| r.score).zip(&records).collect();
            let one = crate::matching::decide::decide_one(matcher, &scored, threshold, index);
            (found, one)
        })
        .await
        .map_err(|e| ServiceError::Task(e.to_string()))
    }

    /// Keeps the resolution index (when built) in step with an account write.
    pub(crate) fn reindex_accounts<'a>(
        &self,
        g: &EcoGraph,
        written: impl Iterator<Item = &'a Account>,
        removed: &[NodeIndex],
    ) {
        use rayon::prelude::*;
        if self.resolver.read().is_none() {
            return;
        }
        // Prepared in parallel before the index is locked for writing.
        let written: Vec<(u64, &Account)> = written
            .filter_map(|a| Some((g.index(Kind::Account, a.id.as_str())?.index() as u64, a)))
            .collect();
        let records: Vec<(u64, crate::matching::Prepared)> = written
            .par_iter()
            .map(|(ix, a)| (*ix, crate::matching::prepare(&account_record(a))))
            .collect();
        let mut slot = self.resolver.write();
        let Some(index) = slot.as_mut() else { return };
        for ix in removed {
            index.remove(ix.index() as u64);
        }
        index.insert_many(records);
    }
}
