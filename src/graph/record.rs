//! Partner records as the graph holds them.
//!
//! A graph of a million accounts holds a few million partner records, so their form in memory
//! decides most of the service's footprint. A [`StoredRecord`] keeps only what its edge does not
//! already say: the partner and the account are the edge's endpoints, and the name and the ten
//! optional text fields share one buffer. [`RecordRef`] is the borrowed view queries hand out, and
//! [`RecordRef::to_record`] rebuilds the API's [`PartnerRecord`].

use super::{Edge, Node};
use crate::domain::{Id, Name, PartnerRecord, Population};
use hashbrown::HashTable;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use std::hash::BuildHasher;

/// Number of optional text fields, in [`PartnerRecord`] order: domain, website, email, phone,
/// address, city, region, postal_code, country, industry.
const OPTIONAL: usize = 10;

/// A partner record without its endpoints, its text packed into one allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    id: Id,
    relation: Population,
    /// The name, then each optional field that is present, back to back.
    text: Box<str>,
    /// Where each part ends in `text`: the name, then the optional fields (an absent field ends
    /// where the previous part ended, so it is empty).
    ends: [u32; OPTIONAL + 1],
}

impl StoredRecord {
    /// Packs a record, returning it with the partner and account ids its edge will carry.
    pub fn pack(r: PartnerRecord) -> (Id, Id, StoredRecord) {
        let parts: [Option<String>; OPTIONAL] = [
            r.domain,
            r.website,
            r.email,
            r.phone,
            r.address,
            r.city,
            r.region,
            r.postal_code,
            r.country,
            r.industry,
        ];
        let len = r.name.as_str().len() + parts.iter().flatten().map(String::len).sum::<usize>();
        let mut text = String::with_capacity(len);
        let mut ends = [0u32; OPTIONAL + 1];
        text.push_str(r.name.as_str());
        ends[0] = offset(&text);
        for (i, p) in parts.iter().enumerate() {
            if let Some(p) = p {
                text.push_str(p);
            }
            ends[i + 1] = offset(&text);
        }
        let stored = StoredRecord {
            id: r.id,
            relation: r.relation,
            text: text.into_boxed_str(),
            ends,
        };
        (r.partner_id, r.account_id, stored)
    }

    /// The partner's own id for the row.
    pub fn id(&self) -> &Id {
        &self.id
    }

    /// How the partner knows the company.
    pub fn relation(&self) -> Population {
        self.relation
    }

    /// The name as the partner spells it.
    pub fn name(&self) -> &str {
        &self.text[..self.ends[0] as usize]
    }

    /// Optional field `i` (in [`OPTIONAL`] order); `None` when absent.
    fn optional(&self, i: usize) -> Option<String> {
        let (start, end) = (self.ends[i] as usize, self.ends[i + 1] as usize);
        (end > start).then(|| self.text[start..end].to_string())
    }

    /// Rebuilds the full record between its partner and its account.
    pub fn unpack(&self, partner_id: &Id, account_id: &Id) -> PartnerRecord {
        PartnerRecord {
            id: self.id.clone(),
            partner_id: partner_id.clone(),
            account_id: account_id.clone(),
            relation: self.relation,
            name: Name::parse("name", self.name()).expect("a stored name was valid when packed"),
            domain: self.optional(0),
            website: self.optional(1),
            email: self.optional(2),
            phone: self.optional(3),
            address: self.optional(4),
            city: self.optional(5),
            region: self.optional(6),
            postal_code: self.optional(7),
            country: self.optional(8),
            industry: self.optional(9),
        }
    }
}

/// Offsets fit in `u32`: a record's text is bounded by validation to a few tens of kilobytes.
fn offset(text: &str) -> u32 {
    u32::try_from(text.len()).expect("a record's text is far below 4 GiB")
}

/// A partner record in the graph, borrowed: its endpoints' ids and its packed body.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    /// The partner whose record it is.
    pub partner_id: &'a Id,
    /// The account it is linked to.
    pub account_id: &'a Id,
    /// The partner's own id for the row.
    pub id: &'a Id,
    /// How the partner knows the company.
    pub relation: Population,
    body: &'a StoredRecord,
}

impl<'a> RecordRef<'a> {
    pub(super) fn new(partner_id: &'a Id, account_id: &'a Id, body: &'a StoredRecord) -> Self {
        RecordRef {
            partner_id,
            account_id,
            id: &body.id,
            relation: body.relation,
            body,
        }
    }

    /// The name as the partner spells it.
    pub fn name(&self) -> &'a str {
        self.body.name()
    }

    /// The full record, as the API shows it.
    pub fn to_record(&self) -> PartnerRecord {
        self.body.unpack(self.partner_id, self.account_id)
    }
}

/// The index of records by (partner, record id). It stores only edge indexes: the key of an entry
/// is read back from its edge (source node and record id), so the index costs a few bytes per
/// record instead of a copy of every key.
#[derive(Debug, Clone, Default)]
pub(super) struct RecordIndex {
    table: HashTable<EdgeIndex>,
    state: foldhash::fast::RandomState,
}

type Graph = StableDiGraph<Node, Edge>;

impl RecordIndex {
    pub(super) fn with_capacity(n: usize) -> Self {
        RecordIndex {
            table: HashTable::with_capacity(n),
            state: Default::default(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    fn hash(&self, partner: NodeIndex, id: &str) -> u64 {
        self.state.hash_one((partner.index(), id))
    }

    /// The key an indexed edge stands for.
    fn key(g: &Graph, e: EdgeIndex) -> Option<(NodeIndex, &str)> {
        match (g.edge_endpoints(e), g.edge_weight(e)) {
            (Some((p, _)), Some(Edge::Knows(r))) => Some((p, r.id().as_str())),
            _ => None,
        }
    }

    pub(super) fn find(&self, g: &Graph, partner: NodeIndex, id: &str) -> Option<EdgeIndex> {
        self.table
            .find(self.hash(partner, id), |&e| {
                Self::key(g, e) == Some((partner, id))
            })
            .copied()
    }

    /// Indexes the record edge `e`, which must hold a record not indexed yet.
    pub(super) fn insert(&mut self, g: &Graph, e: EdgeIndex) {
        let (p, id) = Self::key(g, e).expect("an indexed edge holds a record");
        let hash = self.hash(p, id);
        let state = &self.state;
        self.table.insert_unique(hash, e, |&x| {
            let (p, id) = Self::key(g, x).expect("an indexed edge holds a record");
            state.hash_one((p.index(), id))
        });
    }

    pub(super) fn remove(&mut self, g: &Graph, partner: NodeIndex, id: &str) -> Option<EdgeIndex> {
        let hash = self.hash(partner, id);
        match self
            .table
            .find_entry(hash, |&e| Self::key(g, e) == Some((partner, id)))
        {
            Ok(entry) => Some(entry.remove().0),
            Err(_) => None,
        }
    }

    /// Drops every record of a partner (before the partner's node and edges are removed).
    pub(super) fn remove_partner(&mut self, g: &Graph, partner: NodeIndex) {
        self.table
            .retain(|e| Self::key(g, *e).is_none_or(|(p, _)| p != partner));
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.table.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(fields: [Option<String>; OPTIONAL]) -> PartnerRecord {
        let [
            domain,
            website,
            email,
            phone,
            address,
            city,
            region,
            postal_code,
            country,
            industry,
        ] = fields;
        PartnerRecord {
            id: Id::parse("id", "R-1").unwrap(),
            partner_id: Id::parse("partner_id", "P-1").unwrap(),
            account_id: Id::parse("account_id", "A-1").unwrap(),
            relation: Population::Prospect,
            name: Name::parse("name", "Nordlicht Systems GmbH").unwrap(),
            domain,
            website,
            email,
            phone,
            address,
            city,
            region,
            postal_code,
            country,
            industry,
        }
    }

    proptest! {
        /// Packing then unpacking gives back the record, whichever fields are present and
        /// whatever (non-empty, as validation guarantees) text they hold.
        #[test]
        fn pack_round_trips(fields in proptest::array::uniform10(proptest::option::of("\\PC{1,40}"))) {
            let r = record(fields);
            let (p, a, stored) = StoredRecord::pack(r.clone());
            prop_assert_eq!(stored.unpack(&p, &a), r);
        }
    }

    #[test]
    fn absent_fields_stay_absent_between_present_ones() {
        let mut f: [Option<String>; OPTIONAL] = Default::default();
        f[0] = Some("acme.com".into());
        f[9] = Some("Retail".into());
        let (p, a, stored) = StoredRecord::pack(record(f));
        let back = stored.unpack(&p, &a);
        assert_eq!(back.domain.as_deref(), Some("acme.com"));
        assert_eq!(back.website, None);
        assert_eq!(back.city, None);
        assert_eq!(back.industry.as_deref(), Some("Retail"));
        assert_eq!(stored.name(), "Nordlicht Systems GmbH");
    }
}
