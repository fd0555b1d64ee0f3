//! Adjacency queries over the ecosystem graph.

use super::{EcoGraph, Edge, Node, RecordRef};
use crate::domain::{
    Account, Deal, Ipp, Kind, Partner, PartnerRecord, PartnerRole, Play, PlayRun, Registration,
    Touchpoint,
};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

/// A deal with the partners in it.
#[derive(Debug, Clone)]
pub struct DealView<'a> {
    /// The deal.
    pub deal: &'a Deal,
    /// Its partners and their roles.
    pub partners: Vec<(&'a Partner, PartnerRole)>,
}

/// What refers to an entity: the reasons it cannot be hard-deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Neighbourhood {
    /// Deals that refer to it.
    pub deals: usize,
    /// Touchpoints that refer to it.
    pub touchpoints: usize,
    /// Partner account records linked to it.
    pub records: usize,
    /// Accounts it owns.
    pub owned_accounts: usize,
    /// Deal registrations that refer to it.
    pub registrations: usize,
    /// Play runs that refer to it.
    pub play_runs: usize,
}

impl Neighbourhood {
    /// Whether nothing refers to the entity.
    pub fn is_empty(&self) -> bool {
        *self == Neighbourhood::default()
    }
}

impl EcoGraph {
    /// Every partner record in the graph, in no particular order (for whole-graph passes).
    pub fn all_records(&self) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        (&self.g)
            .edge_references()
            .filter(|e| matches!(e.weight(), Edge::Knows(_)))
            .filter_map(|e| self.record_at(e.id()))
    }

    /// The partner records of a partner, in record-id order.
    pub fn records_of_partner(&self, partner_id: &str) -> Vec<RecordRef<'_>> {
        let Some(p) = self.index(Kind::Partner, partner_id) else {
            return Vec::new();
        };
        let mut out: Vec<RecordRef<'_>> = self
            .g
            .edges_directed(p, Direction::Outgoing)
            .filter_map(|e| self.record_at(e.id()))
            .collect();
        out.sort_by(|a, b| a.id.cmp(b.id));
        out
    }

    /// The records that link to an account, from every partner, in (partner, record id) order.
    pub fn records_of_account(&self, account_id: &str) -> Vec<RecordRef<'_>> {
        let Some(a) = self.index(Kind::Account, account_id) else {
            return Vec::new();
        };
        let mut out: Vec<RecordRef<'_>> = self
            .g
            .edges_directed(a, Direction::Incoming)
            .filter_map(|e| self.record_at(e.id()))
            .collect();
        out.sort_by(|a, b| (a.partner_id, a.id).cmp(&(b.partner_id, b.id)));
        out
    }

    /// The partners that know an account (through their records), own it, or are in its deals,
    /// each once, in id order.
    pub fn partners_of_account(&self, account_id: &str) -> Vec<&Partner> {
        let Some(a) = self.index(Kind::Account, account_id) else {
            return Vec::new();
        };
        let mut ix: Vec<NodeIndex> = self
            .g
            .edges_directed(a, Direction::Incoming)
            .filter_map(|e| match e.weight() {
                Edge::Knows(_) | Edge::Owns => Some(e.source()),
                _ => None,
            })
            .collect();
        for d in self.deal_indexes_of_account(a) {
            ix.extend(
                self.g
                    .edges_directed(d, Direction::Incoming)
                    .filter(|e| matches!(e.weight(), Edge::Participates { .. }))
                    .map(|e| e.source()),
            );
        }
        ix.sort();
        ix.dedup();
        let mut out: Vec<&Partner> = ix
            .into_iter()
            .filter_map(|i| match self.g.node_weight(i) {
                Some(Node::Partner(p)) => Some(p.as_ref()),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// The accounts a partner knows through its records, each once, in id order.
    pub fn accounts_of_partner(&self, partner_id: &str) -> Vec<&Account> {
        let Some(p) = self.index(Kind::Partner, partner_id) else {
            return Vec::new();
        };
        let mut ix: Vec<NodeIndex> = self
            .g
            .edges_directed(p, Direction::Outgoing)
            .filter(|e| matches!(e.weight(), Edge::Knows(_) | Edge::Owns))
            .map(|e| e.target())
            .collect();
        ix.sort();
        ix.dedup();
        let mut out: Vec<&Account> = ix
            .into_iter()
            .filter_map(|i| match self.g.node_weight(i) {
                Some(Node::Account(a)) => Some(a.as_ref()),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    fn deal_indexes_of_account(&self, a: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.g
            .edges_directed(a, Direction::Incoming)
            .filter(|e| matches!(e.weight(), Edge::DealFor))
            .map(|e| e.source())
    }

    /// The deals of an account with their partners, newest first.
    pub fn deals_of_account(&self, account_id: &str) -> Vec<DealView<'_>> {
        let Some(a) = self.index(Kind::Account, account_id) else {
            return Vec::new();
        };
        let mut out: Vec<DealView<'_>> = self
            .deal_indexes_of_account(a)
            .filter_map(|d| match self.g.node_weight(d) {
                Some(Node::Deal(deal)) => Some(DealView {
                    deal,
                    partners: self.partners_in_deal(d),
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|x, y| {
            y.deal
                .created_on
                .cmp(&x.deal.created_on)
                .then(x.deal.id.cmp(&y.deal.id))
        });
        out
    }

    fn partners_in_deal(&self, d: NodeIndex) -> Vec<(&Partner, PartnerRole)> {
        let mut v: Vec<(&Partner, PartnerRole)> = self
            .g
            .edges_directed(d, Direction::Incoming)
            .filter_map(|e| match (e.weight(), self.g.node_weight(e.source())) {
                (Edge::Participates { role, .. }, Some(Node::Partner(p))) => {
                    Some((p.as_ref(), *role))
                }
                _ => None,
            })
            .collect();
        v.sort_by(|a, b| a.0.id.cmp(&b.0.id).then(a.1.cmp(&b.1)));
        v
    }

    /// The deals a partner participates in, with its role, newest first.
    pub fn deals_of_partner(&self, partner_id: &str) -> Vec<(&Deal, PartnerRole)> {
        let Some(p) = self.index(Kind::Partner, partner_id) else {
            return Vec::new();
        };
        let mut out: Vec<(&Deal, PartnerRole)> = self
            .g
            .edges_directed(p, Direction::Outgoing)
            .filter_map(|e| match (e.weight(), self.g.node_weight(e.target())) {
                (Edge::Participates { role, .. }, Some(Node::Deal(d))) => Some((d.as_ref(), *role)),
                _ => None,
            })
            .collect();
        out.sort_by(|x, y| {
            y.0.created_on
                .cmp(&x.0.created_on)
                .then(x.0.id.cmp(&y.0.id))
        });
        out
    }

    /// Touchpoints on an entity (partner, account or deal), oldest first.
    pub fn touchpoints_of(&self, kind: Kind, id: &str) -> Vec<&Touchpoint> {
        let Some(ix) = self.index(kind, id) else {
            return Vec::new();
        };
        let mut out: Vec<&Touchpoint> = self
            .g
            .edges_directed(ix, Direction::Incoming)
            .filter_map(|e| match (e.weight(), self.g.node_weight(e.source())) {
                (Edge::TouchBy | Edge::TouchOn | Edge::TouchAbout, Some(Node::Touchpoint(t))) => {
                    Some(t.as_ref())
                }
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then(a.id.cmp(&b.id)));
        out
    }

    /// Every IPP, in id order.
    pub fn ipps(&self) -> impl Iterator<Item = &Ipp> {
        self.iter_from(Kind::Ipp, None).filter_map(|n| match n {
            Node::Ipp(p) => Some(p.as_ref()),
            _ => None,
        })
    }

    /// Every play, in id order.
    pub fn plays(&self) -> impl Iterator<Item = &Play> {
        self.iter_from(Kind::Play, None).filter_map(|n| match n {
            Node::Play(p) => Some(p.as_ref()),
            _ => None,
        })
    }

    /// Every play run, in id order.
    pub fn play_runs(&self) -> impl Iterator<Item = &PlayRun> {
        self.iter_from(Kind::PlayRun, None).filter_map(|n| match n {
            Node::PlayRun(r) => Some(r.as_ref()),
            _ => None,
        })
    }

    /// The play runs of a partner, oldest start first (then by id).
    pub fn play_runs_of_partner(&self, partner_id: &str) -> Vec<&PlayRun> {
        let Some(p) = self.index(Kind::Partner, partner_id) else {
            return Vec::new();
        };
        let mut out: Vec<&PlayRun> = self
            .g
            .edges_directed(p, Direction::Outgoing)
            .filter_map(|e| match (e.weight(), self.g.node_weight(e.target())) {
                (Edge::Runs, Some(Node::PlayRun(r))) => Some(r.as_ref()),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.started_on.cmp(&b.started_on).then(a.id.cmp(&b.id)));
        out
    }

    /// What refers to an entity.
    pub fn neighbourhood(&self, kind: Kind, id: &str) -> Neighbourhood {
        let Some(ix) = self.index(kind, id) else {
            return Neighbourhood::default();
        };
        let mut n = Neighbourhood::default();
        for e in self.g.edges_directed(ix, Direction::Incoming) {
            match e.weight() {
                Edge::DealFor => n.deals += 1,
                Edge::TouchBy | Edge::TouchOn | Edge::TouchAbout => n.touchpoints += 1,
                Edge::Knows(_) => n.records += 1,
                Edge::RegistrationFor | Edge::RegistrationOf => n.registrations += 1,
                Edge::RunOf | Edge::RunAt => n.play_runs += 1,
                Edge::Participates { .. }
                | Edge::Owns
                | Edge::Registers
                | Edge::NamedIn
                | Edge::Runs => {}
            }
        }
        if kind == Kind::Partner {
            for e in self.g.edges_directed(ix, Direction::Outgoing) {
                match e.weight() {
                    Edge::Participates { .. } => n.deals += 1,
                    Edge::Owns => n.owned_accounts += 1,
                    Edge::Registers | Edge::NamedIn => n.registrations += 1,
                    Edge::Runs => n.play_runs += 1,
                    _ => {}
                }
            }
        }
        n
    }

    /// The registrations claiming an account, in no particular order.
    pub fn registrations_of_account(&self, account_id: &str) -> Vec<&Registration> {
        let Some(a) = self.index(Kind::Account, account_id) else {
            return Vec::new();
        };
        self.g
            .edges_directed(a, Direction::Incoming)
            .filter_map(|e| match (e.weight(), self.g.node_weight(e.source())) {
                (Edge::RegistrationFor, Some(Node::Registration(r))) => Some(r.as_ref()),
                _ => None,
            })
            .collect()
    }

    /// Every entity and record in a canonical order, for comparing two graphs.
    pub fn canonical(&self) -> (Vec<&Node>, Vec<PartnerRecord>) {
        let nodes = Kind::ALL
            .iter()
            .flat_map(|k| self.iter_from(*k, None))
            .collect();
        let mut records: Vec<PartnerRecord> = self
            .records
            .iter()
            .filter_map(|e| self.record_at(e).map(|r| r.to_record()))
            .collect();
        records.sort_by(|a, b| (&a.partner_id, &a.id).cmp(&(&b.partner_id, &b.id)));
        (nodes, records)
    }
}

impl PartialEq for EcoGraph {
    /// Two graphs are equal when they hold the same entities and records; edges follow from those.
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical() && self.edge_count() == other.edge_count()
    }
}
