//! The in-memory property graph: typed nodes and edges over a petgraph `StableGraph`, with id
//! indexes and the adjacency queries the engine needs.
//!
//! The graph holds no locks and does no I/O; `service` wraps it in a lock and keeps it in step with
//! the store.

mod history;
mod queries;
mod record;

use history::RegistrationIndex;
pub use history::{Expiries, Histories};
pub use queries::{DealView, Neighbourhood};
use record::RecordIndex;
pub use record::{RecordRef, StoredRecord};

use crate::domain::{
    Account, Deal, Id, Ipp, Kind, Partner, PartnerRecord, PartnerRole, Play, PlayRun, Registration,
    Touchpoint,
};
use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;
use std::hash::BuildHasher;

/// Something that lends the graph to a visit: a chunked scan calls it once per chunk.
pub type Lend<'a> = dyn Fn(&mut dyn FnMut(&EcoGraph)) + 'a;

/// Lends a shared graph to `f` under its read lock, then rests three times as long as `f` took.
/// A long background scan that reads chunk by chunk this way holds the lock one chunk at a time
/// and takes at most a quarter of a core, leaving writers and requests the rest.
pub fn lend_paced(graph: &parking_lot::RwLock<EcoGraph>, f: &mut dyn FnMut(&EcoGraph)) {
    let started = std::time::Instant::now();
    f(&graph.read());
    std::thread::sleep(started.elapsed() * 3);
}

/// A node: one entity.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A partner or applicant.
    Partner(Box<Partner>),
    /// A company.
    Account(Box<Account>),
    /// An opportunity.
    Deal(Box<Deal>),
    /// An interaction.
    Touchpoint(Box<Touchpoint>),
    /// A GTM play.
    Play(Box<Play>),
    /// An Ideal Partner Profile.
    Ipp(Box<Ipp>),
    /// A partner's run of a play.
    PlayRun(Box<PlayRun>),
    /// A deal registration.
    Registration(Box<Registration>),
}

impl Node {
    /// The node's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Node::Partner(_) => Kind::Partner,
            Node::Account(_) => Kind::Account,
            Node::Deal(_) => Kind::Deal,
            Node::Touchpoint(_) => Kind::Touchpoint,
            Node::Play(_) => Kind::Play,
            Node::Ipp(_) => Kind::Ipp,
            Node::PlayRun(_) => Kind::PlayRun,
            Node::Registration(_) => Kind::Registration,
        }
    }
}

/// An edge: one relation, directed from the referring entity to the referred one.
#[derive(Debug, Clone, PartialEq)]
pub enum Edge {
    /// Partner -> account: a row of the partner's account list.
    Knows(Box<StoredRecord>),
    /// Partner -> account: the partner owns the account relationship.
    Owns,
    /// Deal -> account.
    DealFor,
    /// Partner -> deal, in a role (the deal itself says when the partner registered it).
    Participates {
        /// The partner's role.
        role: PartnerRole,
    },
    /// Touchpoint -> partner that made it.
    TouchBy,
    /// Touchpoint -> account it concerned.
    TouchOn,
    /// Touchpoint -> deal it concerned.
    TouchAbout,
    /// Partner -> registration it made.
    Registers,
    /// Partner -> registration that names it alongside the registrant.
    NamedIn,
    /// Registration -> account it claims.
    RegistrationFor,
    /// Registration -> the vendor's deal it claims.
    RegistrationOf,
    /// Partner -> play run it runs.
    Runs,
    /// Play run -> the play it runs.
    RunOf,
    /// Play run -> the account it runs the play at.
    RunAt,
}

/// A reference from one entity to another that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRef {
    /// The referring field.
    pub field: String,
    /// The kind referred to.
    pub kind: Kind,
    /// The id referred to.
    pub id: Id,
}

/// The ecosystem graph.
#[derive(Debug, Default, Clone)]
pub struct EcoGraph {
    g: StableDiGraph<Node, Edge>,
    ids: [BTreeMap<Id, NodeIndex>; Kind::ALL.len()],
    records: RecordIndex,
    domains: DomainIndex,
    registrations: RegistrationIndex,
    generation: u64,
    /// Of `generation`, the writes to each kind of entity (account records count under none).
    changes: [u64; Kind::ALL.len()],
}

/// How much a graph should make room for before a bulk load, so that its vectors and tables are
/// allocated once instead of grown (and copied) many times.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capacity {
    /// Entities of every kind.
    pub nodes: usize,
    /// Relations of every kind.
    pub edges: usize,
    /// Partner records.
    pub records: usize,
    /// Accounts (for the domain index).
    pub accounts: usize,
}

fn slot(kind: Kind) -> usize {
    kind as usize
}

impl EcoGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty graph with room for `cap` without reallocating.
    pub fn with_capacity(cap: Capacity) -> Self {
        EcoGraph {
            g: StableDiGraph::with_capacity(cap.nodes, cap.edges),
            ids: Default::default(),
            records: RecordIndex::with_capacity(cap.records),
            domains: DomainIndex::with_capacity(cap.accounts),
            registrations: RegistrationIndex::default(),
            generation: 0,
            changes: [0; Kind::ALL.len()],
        }
    }

    /// How many changes the graph has seen: it grows with every write, so that what is derived from
    /// the graph (snapshots for recommendations) can tell whether it is stale.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// [`EcoGraph::generation`] without the writes to `kind`: what derives from every kind but
    /// that one (recommendation snapshots ignore deal registrations) is stale only when this
    /// has moved, so a stream of writes of that kind does not make it rebuild.
    pub fn generation_without(&self, kind: Kind) -> u64 {
        self.generation - self.changes[slot(kind)]
    }

    /// Counts a write to an entity of `kind`.
    fn changed(&mut self, kind: Kind) {
        self.generation += 1;
        self.changes[slot(kind)] += 1;
    }

    /// Every partner's registration record (see [`Histories`]).
    pub fn histories(&self) -> &Histories {
        &self.registrations.histories
    }

    /// The registrations a protection window's end would expire (see [`Expiries`]).
    pub fn expiries(&self) -> &Expiries {
        &self.registrations.expiries
    }

    /// Number of entities of a kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.ids[slot(kind)].len()
    }

    /// Number of partner account records.
    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    /// Number of edges of every relation.
    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    /// The node index of an entity.
    pub fn index(&self, kind: Kind, id: &str) -> Option<NodeIndex> {
        self.ids[slot(kind)].get(id).copied()
    }

    /// Whether an entity exists.
    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.ids[slot(kind)].contains_key(id)
    }

    /// The node at an index.
    pub fn node(&self, ix: NodeIndex) -> Option<&Node> {
        self.g.node_weight(ix)
    }

    /// A partner by id.
    pub fn partner(&self, id: &str) -> Option<&Partner> {
        match self
            .index(Kind::Partner, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Partner(p)) => Some(p),
            _ => None,
        }
    }

    /// An account by id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        match self
            .index(Kind::Account, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Account(a)) => Some(a),
            _ => None,
        }
    }

    /// A deal by id.
    pub fn deal(&self, id: &str) -> Option<&Deal> {
        match self
            .index(Kind::Deal, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Deal(d)) => Some(d),
            _ => None,
        }
    }

    /// A registration by id.
    pub fn registration(&self, id: &str) -> Option<&Registration> {
        match self
            .index(Kind::Registration, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Registration(r)) => Some(r),
            _ => None,
        }
    }

    /// A touchpoint by id.
    pub fn touchpoint(&self, id: &str) -> Option<&Touchpoint> {
        match self
            .index(Kind::Touchpoint, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Touchpoint(t)) => Some(t),
            _ => None,
        }
    }

    /// A play run by id.
    pub fn play_run(&self, id: &str) -> Option<&PlayRun> {
        match self
            .index(Kind::PlayRun, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::PlayRun(r)) => Some(r),
            _ => None,
        }
    }

    /// A play by id.
    pub fn play(&self, id: &str) -> Option<&Play> {
        match self
            .index(Kind::Play, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Play(p)) => Some(p),
            _ => None,
        }
    }

    /// An IPP by id.
    pub fn ipp(&self, id: &str) -> Option<&Ipp> {
        match self
            .index(Kind::Ipp, id)
            .and_then(|i| self.g.node_weight(i))
        {
            Some(Node::Ipp(p)) => Some(p),
            _ => None,
        }
    }

    /// A partner's record by the partner's own row id.
    pub fn record(&self, partner_id: &str, record_id: &str) -> Option<RecordRef<'_>> {
        let p = self.index(Kind::Partner, partner_id)?;
        self.records
            .find(&self.g, p, record_id)
            .and_then(|e| self.record_at(e))
    }

    /// The record an edge holds, with its endpoints' ids.
    fn record_at(&self, e: EdgeIndex) -> Option<RecordRef<'_>> {
        let Some(Edge::Knows(body)) = self.g.edge_weight(e) else {
            return None;
        };
        let (p, a) = self.g.edge_endpoints(e)?;
        match (self.g.node_weight(p), self.g.node_weight(a)) {
            (Some(Node::Partner(p)), Some(Node::Account(a))) => {
                Some(RecordRef::new(&p.id, &a.id, body))
            }
            _ => None,
        }
    }

    /// Entities of a kind in id order, starting after `after`.
    pub fn iter_from<'a>(
        &'a self,
        kind: Kind,
        after: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        use std::ops::Bound;
        let lower = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        self.ids[slot(kind)]
            .range::<str, _>((lower, Bound::Unbounded))
            .filter_map(move |(_, ix)| self.g.node_weight(*ix))
    }

    /// Every entity of a kind with its node index, in id order.
    pub fn iter_indexed(&self, kind: Kind) -> impl Iterator<Item = (NodeIndex, &Node)> + '_ {
        self.ids[slot(kind)]
            .values()
            .filter_map(|ix| Some((*ix, self.g.node_weight(*ix)?)))
    }

    /// Visits up to `n` entities of a kind after `after` in id order; returns the id to resume
    /// after, or `None` once the kind is exhausted. Long scans go chunk by chunk, each under its
    /// own read lock, so that writers wait for one chunk rather than the whole scan.
    pub fn visit_chunk<'a>(
        &'a self,
        kind: Kind,
        after: Option<&str>,
        n: usize,
        mut f: impl FnMut(&'a Node),
    ) -> Option<String> {
        use std::ops::Bound;
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut last: Option<&Id> = None;
        for (count, (id, ix)) in self.ids[slot(kind)]
            .range::<str, _>((lower, Bound::Unbounded))
            .enumerate()
        {
            if count == n {
                return last.map(|l| l.as_str().to_string());
            }
            if let Some(node) = self.g.node_weight(*ix) {
                f(node);
            }
            last = Some(id);
        }
        None
    }

    /// The references of an entity that do not resolve, checked before it is written.
    pub fn missing_refs(&self, node: &Node) -> Vec<MissingRef> {
        let mut missing = Vec::new();
        let mut need = |field: String, kind: Kind, id: &Id| {
            if !self.contains(kind, id.as_str()) {
                missing.push(MissingRef {
                    field,
                    kind,
                    id: id.clone(),
                });
            }
        };
        match node {
            Node::Account(a) => {
                if let Some(p) = a.owner_partner() {
                    need("owner.partner_id".into(), Kind::Partner, p);
                }
            }
            Node::Deal(d) => {
                need("account_id".into(), Kind::Account, &d.account_id);
                for (i, p) in d.partners.iter().enumerate() {
                    need(
                        format!("partners[{i}].partner_id"),
                        Kind::Partner,
                        &p.partner_id,
                    );
                }
            }
            Node::Touchpoint(t) => {
                need("partner_id".into(), Kind::Partner, &t.partner_id);
                need("account_id".into(), Kind::Account, &t.account_id);
                if let Some(d) = &t.deal_id {
                    need("deal_id".into(), Kind::Deal, d);
                }
            }
            Node::Registration(r) => {
                need("partner_id".into(), Kind::Partner, &r.claim.partner_id);
                need("account_id".into(), Kind::Account, &r.claim.account_id);
                if let Some(d) = &r.claim.deal_id {
                    need("deal_id".into(), Kind::Deal, d);
                }
                for (i, p) in r.claim.partners.iter().enumerate() {
                    need(
                        format!("partners[{i}].partner_id"),
                        Kind::Partner,
                        &p.partner_id,
                    );
                }
            }
            Node::PlayRun(r) => {
                need("partner_id".into(), Kind::Partner, &r.partner_id);
                need("play_id".into(), Kind::Play, &r.play_id);
                if let Some(a) = &r.account_id {
                    need("account_id".into(), Kind::Account, a);
                }
            }
            Node::Partner(_) | Node::Play(_) | Node::Ipp(_) => {}
        }
        missing
    }

    /// Inserts or replaces an entity and rewires the edges its references imply.
    ///
    /// # Panics
    /// If a reference does not resolve: callers check [`EcoGraph::missing_refs`] first, so a dangling
    /// reference here is a bug, not bad input.
    pub fn upsert(&mut self, node: Node) -> NodeIndex {
        let kind = node.kind();
        self.changed(kind);
        let id = node_id(&node).clone();
        // One traversal of the id index whether the entity is new or not: start-up inserts
        // millions of entities, and a lookup followed by an insert would walk the tree twice.
        let ix = match self.ids[slot(kind)].entry(id) {
            std::collections::btree_map::Entry::Occupied(e) => {
                let ix = *e.get();
                self.drop_outgoing_refs(ix);
                self.unindex(ix);
                self.g[ix] = node;
                ix
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                let ix = self.g.add_node(node);
                e.insert(ix);
                ix
            }
        };
        self.wire(ix);
        self.domains.insert(&self.g, ix);
        if let Some(Node::Registration(r)) = self.g.node_weight(ix) {
            self.registrations.insert(r);
        }
        ix
    }

    /// Takes the entity at `ix` out of the domain and registration indexes, before it is
    /// replaced or removed.
    fn unindex(&mut self, ix: NodeIndex) {
        self.domains.remove(&self.g, ix);
        if let Some(Node::Registration(r)) = self.g.node_weight(ix) {
            self.registrations.remove(r);
        }
    }

    /// Starts a bulk load of entities of `kind`, none of which may exist yet: see [`BulkIds`].
    pub fn bulk(&self, kind: Kind) -> BulkIds {
        BulkIds {
            kind,
            pending: Vec::new(),
        }
    }

    /// Adds a new entity of a bulk load without indexing its id yet.
    ///
    /// # Panics
    /// If the node is not of the bulk load's kind, or a reference does not resolve.
    pub fn bulk_push(&mut self, bulk: &mut BulkIds, node: Node) {
        self.changed(bulk.kind);
        assert_eq!(node.kind(), bulk.kind, "a bulk load holds one kind");
        let id = node_id(&node).clone();
        if let Node::Registration(r) = &node {
            self.registrations.push(r);
        }
        let ix = self.g.add_node(node);
        self.wire(ix);
        self.domains.insert(&self.g, ix);
        bulk.pending.push((id, ix));
    }

    /// Indexes the ids of a bulk load's entities at once. Sorted ids build the tree leaf by leaf,
    /// which is both faster than inserting them one at a time and leaves every node full (one at a
    /// time, ascending ids leave each leaf half empty). Should the load repeat an id, the last
    /// entity with it wins and the earlier ones are removed.
    pub fn bulk_finish(&mut self, bulk: BulkIds) {
        self.changed(bulk.kind);
        let BulkIds { kind, mut pending } = bulk;
        if pending.is_empty() {
            return;
        }
        if kind == Kind::Registration {
            self.registrations.sort();
        }
        // Stable, so that among equal ids the last pushed stays last.
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(Id, NodeIndex)> = Vec::with_capacity(pending.len());
        for (id, ix) in pending {
            match kept.last_mut() {
                Some(last) if last.0 == id => {
                    let stale = std::mem::replace(&mut last.1, ix);
                    self.replace_stale(stale, ix);
                }
                _ => kept.push((id, ix)),
            }
        }
        if self.ids[slot(kind)].is_empty() {
            self.ids[slot(kind)] = kept.into_iter().collect();
        } else {
            for (id, ix) in kept {
                if let Some(stale) = self.ids[slot(kind)].insert(id, ix) {
                    self.replace_stale(stale, ix);
                }
            }
        }
    }

    /// The account indexed under a web domain (the first one stored with it).
    pub fn account_by_domain(&self, domain: &str) -> Option<&Account> {
        match self
            .domains
            .find(&self.g, domain)
            .and_then(|ix| self.g.node_weight(ix))
        {
            Some(Node::Account(a)) => Some(a),
            _ => None,
        }
    }

    /// Drops an entity a bulk load has replaced with a later one of the same id. The stale one may
    /// hold a domain the later one shares, so the later one is indexed again once it is gone.
    fn replace_stale(&mut self, stale: NodeIndex, winner: NodeIndex) {
        self.unindex(stale);
        self.g.remove_node(stale);
        self.domains.insert(&self.g, winner);
    }

    /// Removes an entity, its edges and, for a partner, its account records.
    pub fn remove(&mut self, kind: Kind, id: &str) -> Option<Node> {
        self.changed(kind);
        let ix = self.ids[slot(kind)].remove(id)?;
        self.unindex(ix);
        if kind == Kind::Partner {
            self.records.remove_partner(&self.g, ix);
        }
        self.g.remove_node(ix)
    }

    /// Inserts or replaces a partner's account record.
    ///
    /// # Panics
    /// If its partner or account does not exist (checked by the caller).
    pub fn upsert_record(&mut self, record: PartnerRecord) {
        self.generation += 1;
        let (partner_id, account_id, body) = StoredRecord::pack(record);
        let p = self
            .index(Kind::Partner, partner_id.as_str())
            .expect("record's partner exists");
        let a = self
            .index(Kind::Account, account_id.as_str())
            .expect("record's account exists");
        if let Some(old) = self.records.remove(&self.g, p, body.id().as_str()) {
            self.g.remove_edge(old);
        }
        let e = self.g.add_edge(p, a, Edge::Knows(Box::new(body)));
        self.records.insert(&self.g, e);
    }

    /// Removes a partner's account record; says whether it existed.
    pub fn remove_record(&mut self, partner_id: &str, record_id: &str) -> bool {
        self.generation += 1;
        let Some(p) = self.index(Kind::Partner, partner_id) else {
            return false;
        };
        match self.records.remove(&self.g, p, record_id) {
            Some(e) => self.g.remove_edge(e).is_some(),
            None => false,
        }
    }

    fn drop_outgoing_refs(&mut self, ix: NodeIndex) {
        let stale: Vec<EdgeIndex> = match &self.g[ix] {
            // A partner's outgoing edges are its records (kept) and its Owns edges, which belong to
            // the owned account and are rewired when that account changes.
            Node::Partner(_) | Node::Play(_) | Node::Ipp(_) => Vec::new(),
            Node::Account(_) => self
                .g
                .edges_directed(ix, Direction::Incoming)
                .filter(|e| matches!(e.weight(), Edge::Owns))
                .map(|e| e.id())
                .collect(),
            Node::Deal(_) => self
                .g
                .edges_directed(ix, Direction::Outgoing)
                .filter(|e| matches!(e.weight(), Edge::DealFor))
                .chain(
                    self.g
                        .edges_directed(ix, Direction::Incoming)
                        .filter(|e| matches!(e.weight(), Edge::Participates { .. })),
                )
                .map(|e| e.id())
                .collect(),
            Node::Touchpoint(_) => self.g.edges(ix).map(|e| e.id()).collect(),
            Node::Registration(_) | Node::PlayRun(_) => self
                .g
                .edges_directed(ix, Direction::Outgoing)
                .chain(self.g.edges_directed(ix, Direction::Incoming))
                .map(|e| e.id())
                .collect(),
        };
        for e in stale {
            self.g.remove_edge(e);
        }
    }

    fn wire(&mut self, ix: NodeIndex) {
        let idx = |g: &Self, kind, id: &Id| {
            g.index(kind, id.as_str())
                .expect("reference checked before write")
        };
        let mut add: Vec<(NodeIndex, NodeIndex, Edge)> = Vec::new();
        match &self.g[ix] {
            Node::Account(a) => {
                if let Some(p) = a.owner_partner() {
                    add.push((idx(self, Kind::Partner, p), ix, Edge::Owns));
                }
            }
            Node::Deal(d) => {
                add.push((ix, idx(self, Kind::Account, &d.account_id), Edge::DealFor));
                for p in &d.partners {
                    add.push((
                        idx(self, Kind::Partner, &p.partner_id),
                        ix,
                        Edge::Participates { role: p.role },
                    ));
                }
            }
            Node::Touchpoint(t) => {
                add.push((ix, idx(self, Kind::Partner, &t.partner_id), Edge::TouchBy));
                add.push((ix, idx(self, Kind::Account, &t.account_id), Edge::TouchOn));
                if let Some(d) = &t.deal_id {
                    add.push((ix, idx(self, Kind::Deal, d), Edge::TouchAbout));
                }
            }
            Node::Registration(r) => {
                add.push((
                    idx(self, Kind::Partner, &r.claim.partner_id),
                    ix,
                    Edge::Registers,
                ));
                add.push((
                    ix,
                    idx(self, Kind::Account, &r.claim.account_id),
                    Edge::RegistrationFor,
                ));
                if let Some(d) = &r.claim.deal_id {
                    add.push((ix, idx(self, Kind::Deal, d), Edge::RegistrationOf));
                }
                for p in &r.claim.partners {
                    add.push((idx(self, Kind::Partner, &p.partner_id), ix, Edge::NamedIn));
                }
            }
            Node::PlayRun(r) => {
                add.push((idx(self, Kind::Partner, &r.partner_id), ix, Edge::Runs));
                add.push((ix, idx(self, Kind::Play, &r.play_id), Edge::RunOf));
                if let Some(a) = &r.account_id {
                    add.push((ix, idx(self, Kind::Account, a), Edge::RunAt));
                }
            }
            Node::Partner(_) | Node::Play(_) | Node::Ipp(_) => {}
        }
        for (a, b, e) in add {
            self.g.add_edge(a, b, e);
        }
    }
}

/// The ids of a bulk load in progress ([`EcoGraph::bulk`]): entities pushed with
/// [`EcoGraph::bulk_push`] are in the graph, wired to what they refer to, but found by id only once
/// [`EcoGraph::bulk_finish`] has indexed them. Start-up loads each table this way; a bulk load's
/// entities may refer to other kinds, not to their own.
#[derive(Debug)]
#[must_use = "entities of an unfinished bulk load cannot be found by id"]
pub struct BulkIds {
    kind: Kind,
    pending: Vec<(Id, NodeIndex)>,
}

/// The index of accounts by web domain. Like [`RecordIndex`] it stores only node indexes and reads
/// each entry's key back from its account, so a million domains cost a few megabytes instead of a
/// copy of every domain. Each domain maps to the first account stored with it.
#[derive(Debug, Clone, Default)]
struct DomainIndex {
    table: hashbrown::HashTable<NodeIndex>,
    state: foldhash::fast::RandomState,
}

impl DomainIndex {
    fn with_capacity(n: usize) -> Self {
        DomainIndex {
            table: hashbrown::HashTable::with_capacity(n),
            state: Default::default(),
        }
    }

    /// The domain of the account at `ix`, if it is an account with one.
    fn key(g: &StableDiGraph<Node, Edge>, ix: NodeIndex) -> Option<&str> {
        match g.node_weight(ix) {
            Some(Node::Account(a)) => a.domain.as_ref().map(|d| d.as_str()),
            _ => None,
        }
    }

    fn hash(&self, domain: &str) -> u64 {
        self.state.hash_one(domain)
    }

    fn find(&self, g: &StableDiGraph<Node, Edge>, domain: &str) -> Option<NodeIndex> {
        self.table
            .find(self.hash(domain), |&ix| Self::key(g, ix) == Some(domain))
            .copied()
    }

    /// Indexes the account at `ix` under its domain, unless another account holds the domain.
    fn insert(&mut self, g: &StableDiGraph<Node, Edge>, ix: NodeIndex) {
        let Some(domain) = Self::key(g, ix) else {
            return;
        };
        let hash = self.hash(domain);
        let state = &self.state;
        if let hashbrown::hash_table::Entry::Vacant(v) = self.table.entry(
            hash,
            |&x| Self::key(g, x) == Some(domain),
            |&x| state.hash_one(Self::key(g, x).unwrap_or_default()),
        ) {
            v.insert(ix);
        }
    }

    /// Drops the account at `ix` from the index if it holds its domain; call it before the
    /// account's domain changes or the account goes.
    fn remove(&mut self, g: &StableDiGraph<Node, Edge>, ix: NodeIndex) {
        let Some(domain) = Self::key(g, ix) else {
            return;
        };
        if let Ok(e) = self.table.find_entry(self.hash(domain), |&x| x == ix) {
            e.remove();
        }
    }
}

/// The id of the entity a node holds.
pub fn node_id(node: &Node) -> &Id {
    match node {
        Node::Partner(p) => &p.id,
        Node::Account(a) => &a.id,
        Node::Deal(d) => &d.id,
        Node::Touchpoint(t) => &t.id,
        Node::Play(p) => &p.id,
        Node::Ipp(p) => &p.id,
        Node::PlayRun(r) => &r.id,
        Node::Registration(r) => &r.id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn id(s: &str) -> Id {
        Id::parse("id", s).unwrap()
    }

    fn partner(pid: &str) -> Node {
        let input = serde_json::from_value(json!({"name": pid, "type": "SI"})).unwrap();
        Node::Partner(Box::new(Partner::from_input(id(pid), input).unwrap()))
    }

    fn account(aid: &str, extra: Value) -> Node {
        let mut body = json!({"name": format!("Company {aid}")});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let input = serde_json::from_value(body).unwrap();
        Node::Account(Box::new(Account::from_input(id(aid), input).unwrap()))
    }

    fn deal(did: &str, aid: &str, pid: &str) -> Node {
        let input = serde_json::from_value(json!({"account_id": aid, "amount": 1000.0,
            "currency": "EUR", "stage": "proposal", "created_on": "2025-01-01",
            "partners": [{"partner_id": pid, "role": "sourcing"}]}))
        .unwrap();
        Node::Deal(Box::new(Deal::from_input(id(did), input).unwrap()))
    }

    /// The nodes of a small ecosystem, in the order start-up loads their tables.
    fn tables() -> Vec<Vec<Node>> {
        vec![
            vec![partner("P-2"), partner("P-1")],
            vec![
                account("A-3", json!({"domain": "gamma.example"})),
                account(
                    "A-1",
                    json!({"domain": "alpha.example",
                    "owner": {"kind": "partner", "partner_id": "P-1"}}),
                ),
                account("A-2", json!({})),
            ],
            vec![deal("D-1", "A-1", "P-2"), deal("D-2", "A-3", "P-1")],
        ]
    }

    #[test]
    fn writes_of_one_kind_leave_the_generation_without_it_unchanged() {
        let mut g = EcoGraph::new();
        g.upsert(partner("P-1"));
        g.upsert(account("A-1", json!({})));
        let (all, without) = (g.generation(), g.generation_without(Kind::Registration));
        let claim: crate::domain::Claim = serde_json::from_value(json!({"partner_id": "P-1",
            "account_id": "A-1", "products": ["suite"], "currency": "USD"}))
        .unwrap();
        let r = crate::domain::Registration::new(
            id("R-1"),
            claim,
            chrono::Utc::now(),
            chrono::TimeDelta::days(90),
        );
        g.upsert(Node::Registration(Box::new(r)));
        assert_eq!(g.generation(), all + 1, "every write counts");
        assert_eq!(g.generation_without(Kind::Registration), without);
        g.remove(Kind::Registration, "R-1");
        assert_eq!(g.generation_without(Kind::Registration), without);
        g.upsert(deal("D-1", "A-1", "P-1"));
        assert_eq!(g.generation_without(Kind::Registration), without + 1);
        assert_eq!(g.generation(), all + 3);
    }

    #[test]
    fn chunked_visits_see_every_entity_once_in_id_order() {
        let mut g = EcoGraph::new();
        for a in ["A-3", "A-1", "A-5", "A-2", "A-4"] {
            g.upsert(account(a, json!({})));
        }
        g.upsert(partner("P-1"));
        for n in [1, 2, 5, 7] {
            let mut seen = Vec::new();
            let mut after: Option<String> = None;
            let mut chunks = 0;
            loop {
                chunks += 1;
                let next = g.visit_chunk(Kind::Account, after.as_deref(), n, |node| {
                    if let Node::Account(a) = node {
                        seen.push(a.id.to_string());
                    }
                });
                match next {
                    Some(a) => after = Some(a),
                    None => break,
                }
            }
            assert_eq!(seen, ["A-1", "A-2", "A-3", "A-4", "A-5"], "chunks of {n}");
            assert_eq!(chunks, 5usize.div_ceil(n).max(1), "chunks of {n}");
        }
    }

    #[test]
    fn a_bulk_load_builds_the_same_graph_as_upserts() {
        let mut one_by_one = EcoGraph::new();
        for n in tables().into_iter().flatten() {
            one_by_one.upsert(n);
        }
        let mut bulk = EcoGraph::new();
        for table in tables() {
            let mut b = bulk.bulk(table[0].kind());
            for n in table {
                bulk.bulk_push(&mut b, n);
            }
            bulk.bulk_finish(b);
        }
        assert_eq!(bulk, one_by_one);
        assert_eq!(bulk.count(Kind::Account), 3);
        let ids: Vec<&str> = bulk
            .iter_from(Kind::Account, None)
            .map(|n| node_id(n).as_str())
            .collect();
        assert_eq!(ids, ["A-1", "A-2", "A-3"]);
        assert_eq!(
            bulk.account_by_domain("gamma.example").unwrap().id,
            id("A-3")
        );
        assert_eq!(bulk.edge_count(), one_by_one.edge_count());
        // A bulk-loaded map takes later upserts like any other.
        bulk.upsert(account("A-0", json!({})));
        assert_eq!(bulk.count(Kind::Account), 4);
        assert!(bulk.contains(Kind::Account, "A-0"));
    }

    #[test]
    fn a_repeated_id_in_a_bulk_load_keeps_the_last_entity_only() {
        let mut g = EcoGraph::new();
        let mut b = g.bulk(Kind::Account);
        g.bulk_push(&mut b, account("A-1", json!({"domain": "old.example"})));
        g.bulk_push(&mut b, account("A-2", json!({})));
        g.bulk_push(&mut b, account("A-1", json!({"domain": "new.example"})));
        g.bulk_push(&mut b, account("A-3", json!({"domain": "same.example"})));
        g.bulk_push(
            &mut b,
            account(
                "A-3",
                json!({"domain": "same.example", "industry": "Retail"}),
            ),
        );
        g.bulk_finish(b);
        assert_eq!(g.count(Kind::Account), 3);
        assert_eq!(g.g.node_count(), 3, "the replaced entities left the graph");
        assert!(g.account_by_domain("old.example").is_none());
        assert_eq!(g.account_by_domain("new.example").unwrap().id, id("A-1"));
        // The later entity holds a domain the replaced one held too.
        let same = g.account_by_domain("same.example").unwrap();
        assert_eq!(same.industry.as_deref(), Some("Retail"));
    }

    #[test]
    fn the_domain_index_follows_updates_and_deletes() {
        let mut g = EcoGraph::new();
        g.upsert(account("A-1", json!({"domain": "acme.example"})));
        g.upsert(account("A-2", json!({"domain": "acme.example"})));
        // The first account stored with a domain holds it.
        assert_eq!(g.account_by_domain("acme.example").unwrap().id, id("A-1"));
        g.upsert(account("A-1", json!({"domain": "acme-new.example"})));
        assert_eq!(
            g.account_by_domain("acme-new.example").unwrap().id,
            id("A-1")
        );
        assert!(g.account_by_domain("acme.example").is_none());
        g.upsert(account("A-3", json!({"domain": "acme.example"})));
        assert_eq!(g.account_by_domain("acme.example").unwrap().id, id("A-3"));
        g.remove(Kind::Account, "A-3");
        assert!(g.account_by_domain("acme.example").is_none());
        g.remove(Kind::Account, "A-1");
        assert!(g.account_by_domain("acme-new.example").is_none());
        assert!(g.account_by_domain("unknown.example").is_none());
    }
}
