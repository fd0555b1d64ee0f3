//! The in-memory property graph: typed nodes and edges over a petgraph `StableGraph`, with id
//! indexes and the adjacency queries the engine needs.
//!
//! The graph holds no locks and does no I/O; `service` wraps it in a lock and keeps it in step with
//! the store.

mod queries;

pub use queries::{DealView, Neighbourhood};

use crate::domain::{
    Account, Deal, Id, Ipp, Kind, Partner, PartnerRecord, PartnerRole, Play, Touchpoint,
};
use chrono::{DateTime, Utc};
use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, HashMap};

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
        }
    }
}

/// An edge: one relation, directed from the referring entity to the referred one.
#[derive(Debug, Clone, PartialEq)]
pub enum Edge {
    /// Partner -> account: a row of the partner's account list.
    Knows(Box<PartnerRecord>),
    /// Partner -> account: the partner owns the account relationship.
    Owns,
    /// Deal -> account.
    DealFor,
    /// Partner -> deal, in a role.
    Participates {
        /// The partner's role.
        role: PartnerRole,
        /// When the partner registered the deal.
        registered_at: Option<DateTime<Utc>>,
    },
    /// Touchpoint -> partner that made it.
    TouchBy,
    /// Touchpoint -> account it concerned.
    TouchOn,
    /// Touchpoint -> deal it concerned.
    TouchAbout,
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
    ids: [BTreeMap<Id, NodeIndex>; 6],
    records: HashMap<(NodeIndex, Id), EdgeIndex>,
    domains: HashMap<String, NodeIndex>,
}

fn slot(kind: Kind) -> usize {
    kind as usize
}

impl EcoGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
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
    pub fn record(&self, partner_id: &str, record_id: &str) -> Option<&PartnerRecord> {
        let p = self.index(Kind::Partner, partner_id)?;
        let key = (p, Id::parse("id", record_id).ok()?);
        match self.records.get(&key).and_then(|e| self.g.edge_weight(*e)) {
            Some(Edge::Knows(r)) => Some(r),
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
        let id = node_id(&node).clone();
        let ix = match self.index(kind, id.as_str()) {
            Some(ix) => {
                self.drop_outgoing_refs(ix);
                self.unindex_domain(ix);
                self.g[ix] = node;
                ix
            }
            None => {
                let ix = self.g.add_node(node);
                self.ids[slot(kind)].insert(id, ix);
                ix
            }
        };
        self.wire(ix);
        if let Node::Account(a) = &self.g[ix]
            && let Some(d) = &a.domain
        {
            self.domains.entry(d.as_str().to_string()).or_insert(ix);
        }
        ix
    }

    /// The account indexed under a web domain (the first one stored with it).
    pub fn account_by_domain(&self, domain: &str) -> Option<&Account> {
        match self
            .domains
            .get(domain)
            .and_then(|ix| self.g.node_weight(*ix))
        {
            Some(Node::Account(a)) => Some(a),
            _ => None,
        }
    }

    fn unindex_domain(&mut self, ix: NodeIndex) {
        if let Some(Node::Account(a)) = self.g.node_weight(ix)
            && let Some(d) = &a.domain
            && self.domains.get(d.as_str()) == Some(&ix)
        {
            self.domains.remove(d.as_str());
        }
    }

    /// Removes an entity, its edges and, for a partner, its account records.
    pub fn remove(&mut self, kind: Kind, id: &str) -> Option<Node> {
        let ix = self.ids[slot(kind)].remove(id)?;
        self.unindex_domain(ix);
        if kind == Kind::Partner {
            self.records.retain(|(p, _), _| *p != ix);
        }
        self.g.remove_node(ix)
    }

    /// Inserts or replaces a partner's account record.
    ///
    /// # Panics
    /// If its partner or account does not exist (checked by the caller).
    pub fn upsert_record(&mut self, record: PartnerRecord) {
        let p = self
            .index(Kind::Partner, record.partner_id.as_str())
            .expect("record's partner exists");
        let a = self
            .index(Kind::Account, record.account_id.as_str())
            .expect("record's account exists");
        let key = (p, record.id.clone());
        if let Some(old) = self.records.remove(&key) {
            self.g.remove_edge(old);
        }
        let e = self.g.add_edge(p, a, Edge::Knows(Box::new(record)));
        self.records.insert(key, e);
    }

    /// Removes a partner's account record; returns it if it existed.
    pub fn remove_record(&mut self, partner_id: &str, record_id: &str) -> Option<PartnerRecord> {
        let p = self.index(Kind::Partner, partner_id)?;
        let e = self
            .records
            .remove(&(p, Id::parse("id", record_id).ok()?))?;
        match self.g.remove_edge(e) {
            Some(Edge::Knows(r)) => Some(*r),
            _ => None,
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
                        Edge::Participates {
                            role: p.role,
                            registered_at: p.registered_at,
                        },
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
            Node::Partner(_) | Node::Play(_) | Node::Ipp(_) => {}
        }
        for (a, b, e) in add {
            self.g.add_edge(a, b, e);
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
    }
}
