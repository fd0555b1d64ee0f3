//! A compact, read-only picture of the partner–account graph as of an instant: dense indexes and
//! compressed adjacency (CSR) both ways, with what each link is made of, per-partner records and
//! co-selling counts. Recommendations walk it instead of the property graph: a few arrays in cache
//! instead of pointer-chasing through petgraph, and a fixed instant for training and evaluation.
//!
//! Only deals created and touchpoints made before the instant count; a deal counts as won only if
//! it closed won before it. Account lists and profiles are undated and read as they are now.
//! Every account-list row counts in scores (the vendor holds them all); how a partner shares each
//! population is kept so that reasons quote rows only where it shares them.

use crate::domain::Kind;
use crate::domain::{
    DealStage, Id, Partner, PartnerRole, PartnerStatus, PartnerType, Population, Region,
    SharingLevel, Tier,
};
use crate::graph::{EcoGraph, Node};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Days before the instant in which a partner's deals count as recent.
pub const RECENT_DAYS: u64 = 180;

/// Index of a population in per-population arrays.
pub fn population_ix(p: Population) -> usize {
    match p {
        Population::Customer => 0,
        Population::Prospect => 1,
        Population::Opportunity => 2,
    }
}

/// A partner's role, as an index into per-role arrays.
pub fn role_ix(r: PartnerRole) -> usize {
    PartnerRole::ALL.iter().position(|x| *x == r).unwrap_or(0)
}

/// The bit of a region in a mask.
pub fn region_bit(r: Region) -> u8 {
    1 << Region::ALL.iter().position(|x| *x == r).unwrap_or(0)
}

/// What the snapshot keeps of a partner.
#[derive(Debug, Clone)]
pub struct PartnerInfo {
    /// Its id.
    pub id: Id,
    /// Type.
    pub partner_type: PartnerType,
    /// Lifecycle status.
    pub status: PartnerStatus,
    /// Tier.
    pub tier: Tier,
    /// Regions it sells in, as a mask of [`region_bit`].
    pub regions: u8,
    /// Industries it serves, lower-cased.
    pub industries: Vec<String>,
    /// Deals it took part in before the instant.
    pub deals: u32,
    /// Of which won before the instant.
    pub won: u32,
    /// Deals per role.
    pub roles: [u32; 5],
    /// How it shares its customers, prospects and opportunities (reasons quote rows only where
    /// it shares them as records).
    pub sharing: [SharingLevel; 3],
    /// Deals it joined in the [`RECENT_DAYS`] before the instant.
    pub recent: u32,
}

impl PartnerInfo {
    /// Whether it may be brought into a deal now.
    pub fn recommendable(&self) -> bool {
        self.status == PartnerStatus::Active
    }

    /// The role it has played most, if any.
    pub fn usual_role(&self) -> Option<PartnerRole> {
        let (i, n) = self
            .roles
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
        (*n > 0).then(|| PartnerRole::ALL[i])
    }
}

/// What the snapshot keeps of an account.
#[derive(Debug, Clone)]
pub struct AccountInfo {
    /// Its id.
    pub id: Id,
    /// Region, when known.
    pub region: Option<Region>,
    /// Industry, as the account spells it, when known.
    pub industry: Option<String>,
    /// How the vendor knows it.
    pub vendor_relation: Option<Population>,
}

/// One partner–account link and what it is made of.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Link {
    /// The partner (in an account's list) or the account (in a partner's list).
    pub other: u32,
    /// The strongest population the partner lists the account under, if it does.
    pub listed: Option<Population>,
    /// Deals on the account the partner took part in.
    pub deals: u16,
    /// Of which won.
    pub won: u16,
    /// Touchpoints of the partner on the account.
    pub touches: u16,
    /// The day (counted from the Common Era) of the latest deal created or touchpoint made by
    /// the partner on the account before the instant; 0 when there is none.
    pub last_active: u32,
}

impl Link {
    /// How much the link says, for keeping the strongest links when a walk is capped: a deal
    /// weighs most, then a listed customer, then activity. Fixed by reasoning, not fitted.
    pub fn strength(&self) -> f32 {
        let listed = match self.listed {
            Some(Population::Customer) => 1.0,
            Some(Population::Opportunity) => 0.7,
            Some(Population::Prospect) => 0.4,
            None => 0.0,
        };
        listed + f32::from(self.deals.min(3)) + 0.25 * f32::from(self.touches.min(4))
    }
}

fn stronger(a: Option<Population>, b: Option<Population>) -> Option<Population> {
    let rank = |p: Option<Population>| match p {
        Some(Population::Customer) => 3,
        Some(Population::Opportunity) => 2,
        Some(Population::Prospect) => 1,
        None => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Deals and wins two partners shared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoSold {
    /// Deals both took part in.
    pub deals: u32,
    /// Of which won.
    pub won: u32,
}

/// The partner–account graph as of an instant.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The instant (exclusive); `None` counts everything.
    pub as_of: Option<NaiveDate>,
    /// The day "recent" counts back from: the instant, or for a snapshot of everything the day
    /// after the latest deal (`None` when there are no deals).
    pub recent_to: Option<NaiveDate>,
    /// The graph's [`Snapshot::source_generation`] it was built from.
    pub generation: u64,
    /// Partners, densely indexed.
    pub partners: Vec<PartnerInfo>,
    partner_ix: HashMap<Id, u32>,
    /// Accounts, densely indexed.
    pub accounts: Vec<AccountInfo>,
    account_ix: HashMap<Id, u32>,
    p_off: Vec<u32>,
    p_adj: Vec<Link>,
    a_off: Vec<u32>,
    a_adj: Vec<Link>,
    /// Keyed by dense partner indexes: a request looks up thousands.
    cosold: HashMap<(u32, u32), CoSold, crate::FastHash>,
    /// Partners by deals before the instant, most first (ties by id).
    pub popular: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Raw {
    p: u32,
    a: u32,
    link: Link,
}

/// A date as a day number (days from the Common Era), as [`Link::last_active`] keeps it.
pub fn day_number(d: NaiveDate) -> u32 {
    u32::try_from(chrono::Datelike::num_days_from_ce(&d)).unwrap_or(0)
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn partner_info(p: &Partner) -> PartnerInfo {
    PartnerInfo {
        id: p.id.clone(),
        partner_type: p.partner_type,
        status: p.status,
        tier: p.tier,
        regions: p.regions.iter().fold(0, |m, r| m | region_bit(*r)),
        industries: p.industries.iter().map(|s| lower(s)).collect(),
        deals: 0,
        won: 0,
        roles: [0; 5],
        sharing: [
            p.sharing.customers,
            p.sharing.prospects,
            p.sharing.opportunities,
        ],
        recent: 0,
    }
}

/// Entities visited per lending of the graph in [`Snapshot::build_locked`].
const CHUNK: usize = 512;
/// Partners whose account lists are read per lending of the graph.
const RECORD_CHUNK_PARTNERS: usize = 2;

impl Snapshot {
    /// Builds the snapshot of `g` as of `as_of` (exclusive; `None` for everything).
    pub fn build(g: &EcoGraph, as_of: Option<NaiveDate>) -> Snapshot {
        Self::build_by(&|f| f(g), as_of)
    }

    /// [`Snapshot::build`] of a shared graph, reading it a chunk at a time: each chunk takes the
    /// read lock for a few milliseconds, so writers never wait for the whole build (seconds at a
    /// million accounts). Writes made during the build may be seen in part; the snapshot keeps
    /// the generation read before its first chunk, so it is rebuilt after them.
    pub fn build_locked(
        graph: &parking_lot::RwLock<EcoGraph>,
        as_of: Option<NaiveDate>,
    ) -> Snapshot {
        Self::build_by(&|f| crate::graph::lend_paced(graph, f), as_of)
    }

    /// Builds through `read`, which lends the graph to each chunk's visit.
    fn build_by(read: &crate::graph::Lend<'_>, as_of: Option<NaiveDate>) -> Snapshot {
        // Visits every entity of a kind, `chunk` per lending of the graph.
        let each = |kind: Kind, chunk: usize, f: &mut dyn FnMut(&EcoGraph, &Node)| {
            let mut after: Option<String> = None;
            loop {
                let mut next = None;
                read(&mut |g| next = g.visit_chunk(kind, after.as_deref(), chunk, |n| f(g, n)));
                match next {
                    Some(a) => after = Some(a),
                    None => break,
                }
            }
        };
        let before = |d: NaiveDate| as_of.is_none_or(|t| d < t);
        let mut generation = 0;
        read(&mut |g| generation = Self::source_generation(g));
        // "Recent" is counted back from the instant; a snapshot of everything counts back from the
        // day after the latest deal the store holds, so that a served model reads the same
        // feature it was trained on (counting every deal as recent would not be) and a store
        // imported long ago reads as it did when it was current.
        let recent_to = as_of.or_else(|| {
            let mut latest: Option<NaiveDate> = None;
            each(Kind::Deal, CHUNK, &mut |_, n| {
                if let Node::Deal(d) = n {
                    latest = latest.max(Some(d.created_on));
                }
            });
            latest.map(|d| d + chrono::Days::new(1))
        });
        let mut s = Snapshot {
            as_of,
            recent_to,
            generation,
            ..Default::default()
        };
        each(Kind::Partner, CHUNK, &mut |_, n| {
            if let Node::Partner(p) = n {
                s.partner_ix.insert(p.id.clone(), s.partners.len() as u32);
                s.partners.push(partner_info(p));
            }
        });
        each(Kind::Account, CHUNK, &mut |_, n| {
            if let Node::Account(a) = n {
                s.account_ix.insert(a.id.clone(), s.accounts.len() as u32);
                s.accounts.push(AccountInfo {
                    id: a.id.clone(),
                    region: a.region,
                    industry: a.industry.as_deref().map(str::to_string),
                    vendor_relation: a.vendor_relation,
                });
            }
        });
        let mut raw: Vec<Raw> = Vec::new();
        // Account lists, a few partners per chunk (a partner may list tens of thousands).
        each(Kind::Partner, RECORD_CHUNK_PARTNERS, &mut |g, n| {
            let Node::Partner(partner) = n else { return };
            let Some(&p) = s.partner_ix.get(partner.id.as_str()) else {
                return;
            };
            for r in g.records_of_partner(partner.id.as_str()) {
                let Some(&a) = s.account_ix.get(r.account_id.as_str()) else {
                    continue;
                };
                raw.push(Raw {
                    p,
                    a,
                    link: Link {
                        listed: Some(r.relation),
                        ..Default::default()
                    },
                });
            }
        });
        each(Kind::Deal, CHUNK, &mut |_, n| {
            let Node::Deal(d) = n else { return };
            if !before(d.created_on) {
                return;
            }
            let Some(&a) = s.account_ix.get(d.account_id.as_str()) else {
                return;
            };
            let won = d.stage == DealStage::ClosedWon && d.close_date.is_some_and(before);
            let recent =
                recent_to.is_none_or(|t| d.created_on + chrono::Days::new(RECENT_DAYS) >= t);
            let ps: Vec<u32> = d
                .partners
                .iter()
                .filter_map(|x| s.partner_ix.get(x.partner_id.as_str()).copied())
                .collect();
            for (x, &p) in d.partners.iter().zip(&ps) {
                let info = &mut s.partners[p as usize];
                info.deals += 1;
                info.won += u32::from(won);
                info.roles[role_ix(x.role)] += 1;
                info.recent += u32::from(recent);
                raw.push(Raw {
                    p,
                    a,
                    link: Link {
                        deals: 1,
                        won: u16::from(won),
                        last_active: day_number(d.created_on),
                        ..Default::default()
                    },
                });
            }
            for (i, &p) in ps.iter().enumerate() {
                for &q in &ps[i + 1..] {
                    if p == q {
                        continue;
                    }
                    let c = s.cosold.entry((p.min(q), p.max(q))).or_default();
                    c.deals += 1;
                    c.won += u32::from(won);
                }
            }
        });
        each(Kind::Touchpoint, CHUNK, &mut |_, n| {
            let Node::Touchpoint(t) = n else { return };
            if !before(t.occurred_at.date_naive()) {
                return;
            }
            let (Some(&p), Some(&a)) = (
                s.partner_ix.get(t.partner_id.as_str()),
                s.account_ix.get(t.account_id.as_str()),
            ) else {
                return;
            };
            raw.push(Raw {
                p,
                a,
                link: Link {
                    touches: 1,
                    last_active: day_number(t.occurred_at.date_naive()),
                    ..Default::default()
                },
            });
        });
        s.compress(raw);
        let mut popular: Vec<u32> = (0..s.partners.len() as u32).collect();
        popular.sort_by(|x, y| {
            let (a, b) = (&s.partners[*x as usize], &s.partners[*y as usize]);
            b.deals.cmp(&a.deals).then(a.id.cmp(&b.id))
        });
        s.popular = popular;
        s
    }

    /// Merges raw links per (partner, account) and lays them out both ways, strongest first.
    fn compress(&mut self, mut raw: Vec<Raw>) {
        raw.sort_unstable_by_key(|r| (r.p, r.a));
        let mut merged: Vec<Raw> = Vec::with_capacity(raw.len());
        for r in raw {
            match merged.last_mut() {
                Some(m) if m.p == r.p && m.a == r.a => {
                    m.link.listed = stronger(m.link.listed, r.link.listed);
                    m.link.deals = m.link.deals.saturating_add(r.link.deals);
                    m.link.won = m.link.won.saturating_add(r.link.won);
                    m.link.touches = m.link.touches.saturating_add(r.link.touches);
                    m.link.last_active = m.link.last_active.max(r.link.last_active);
                }
                _ => merged.push(r),
            }
        }
        let np = self.partners.len();
        let na = self.accounts.len();
        let mut p_deg = vec![0u32; np + 1];
        let mut a_deg = vec![0u32; na + 1];
        for m in &merged {
            p_deg[m.p as usize + 1] += 1;
            a_deg[m.a as usize + 1] += 1;
        }
        for i in 0..np {
            p_deg[i + 1] += p_deg[i];
        }
        for i in 0..na {
            a_deg[i + 1] += a_deg[i];
        }
        let mut p_adj = vec![Link::default(); merged.len()];
        let mut a_adj = vec![Link::default(); merged.len()];
        let mut p_fill = p_deg.clone();
        let mut a_fill = a_deg.clone();
        for m in &merged {
            let pi = &mut p_fill[m.p as usize];
            p_adj[*pi as usize] = Link {
                other: m.a,
                ..m.link
            };
            *pi += 1;
            let ai = &mut a_fill[m.a as usize];
            a_adj[*ai as usize] = Link {
                other: m.p,
                ..m.link
            };
            *ai += 1;
        }
        let by_strength = |x: &Link, y: &Link| {
            y.strength()
                .total_cmp(&x.strength())
                .then(x.other.cmp(&y.other))
        };
        for i in 0..np {
            p_adj[p_deg[i] as usize..p_deg[i + 1] as usize].sort_by(by_strength);
        }
        for i in 0..na {
            a_adj[a_deg[i] as usize..a_deg[i + 1] as usize].sort_by(by_strength);
        }
        self.p_off = p_deg;
        self.p_adj = p_adj;
        self.a_off = a_deg;
        self.a_adj = a_adj;
    }

    /// How many writes of what a snapshot reads `g` has seen: every kind but deal registrations,
    /// which recommendations do not read (so that registering deals, the busiest write, does not
    /// make the snapshot stale).
    pub fn source_generation(g: &EcoGraph) -> u64 {
        g.generation_without(Kind::Registration)
    }

    /// The dense index of a partner.
    pub fn partner(&self, id: &str) -> Option<u32> {
        self.partner_ix.get(id).copied()
    }

    /// The dense index of an account.
    pub fn account(&self, id: &str) -> Option<u32> {
        self.account_ix.get(id).copied()
    }

    /// A partner's links to accounts, strongest first.
    pub fn accounts_of(&self, p: u32) -> &[Link] {
        let p = p as usize;
        match (self.p_off.get(p), self.p_off.get(p + 1)) {
            (Some(a), Some(b)) => &self.p_adj[*a as usize..*b as usize],
            _ => &[],
        }
    }

    /// An account's links to partners, strongest first.
    pub fn partners_of(&self, a: u32) -> &[Link] {
        let a = a as usize;
        match (self.a_off.get(a), self.a_off.get(a + 1)) {
            (Some(x), Some(y)) => &self.a_adj[*x as usize..*y as usize],
            _ => &[],
        }
    }

    /// What two partners sold together before the instant.
    pub fn cosold(&self, p: u32, q: u32) -> CoSold {
        self.cosold
            .get(&(p.min(q), p.max(q)))
            .copied()
            .unwrap_or_default()
    }

    /// Number of partner–account links.
    pub fn links(&self) -> usize {
        self.p_adj.len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{Account, Deal, PartnerRecord};
    use serde_json::{Value, json};

    fn id(s: &str) -> Id {
        Id::parse("id", s).unwrap()
    }

    /// A small graph builder over the real domain parsing.
    pub(crate) struct Eco(pub EcoGraph);

    impl Eco {
        pub(crate) fn new() -> Self {
            Eco(EcoGraph::new())
        }
        pub(crate) fn partner(&mut self, pid: &str, body: Value) -> &mut Self {
            let mut b = json!({"name": pid, "type": "SI", "regions": ["EMEA"], "industries": ["Healthcare"]});
            b.as_object_mut()
                .unwrap()
                .extend(body.as_object().unwrap().clone());
            let p = Partner::from_input(id(pid), serde_json::from_value(b).unwrap()).unwrap();
            self.0.upsert(Node::Partner(Box::new(p)));
            self
        }
        pub(crate) fn account(&mut self, aid: &str) -> &mut Self {
            let a = Account::from_input(
                id(aid),
                serde_json::from_value(json!({"name": aid, "region": "EMEA", "industry": "Healthcare", "vendor_relation": "prospect"}))
                    .unwrap(),
            )
            .unwrap();
            self.0.upsert(Node::Account(Box::new(a)));
            self
        }
        pub(crate) fn knows(&mut self, pid: &str, aid: &str, relation: &str) -> &mut Self {
            let input = serde_json::from_value(
                json!({"id": format!("{pid}-{aid}"), "relation": relation, "name": aid}),
            )
            .unwrap();
            self.0
                .upsert_record(PartnerRecord::from_input(id(pid), id(aid), input).unwrap());
            self
        }
        pub(crate) fn deal(
            &mut self,
            did: &str,
            aid: &str,
            created: &str,
            won_on: Option<&str>,
            partners: &[&str],
        ) -> &mut Self {
            let ps: Vec<Value> = partners
                .iter()
                .map(|p| json!({"partner_id": p, "role": "services"}))
                .collect();
            let mut b = json!({"account_id": aid, "amount": 1000.0, "stage": "proposal",
                "created_on": created, "partners": ps});
            if let Some(w) = won_on {
                b["stage"] = json!("closed_won");
                b["close_date"] = json!(w);
            }
            let d = Deal::from_input(id(did), serde_json::from_value(b).unwrap()).unwrap();
            self.0.upsert(Node::Deal(Box::new(d)));
            self
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_snapshot_as_of_an_instant_ignores_deals_created_or_won_after_it() {
        let mut e = Eco::new();
        e.partner("P-1", json!({}))
            .partner("P-2", json!({}))
            .account("A-1");
        e.deal(
            "D-1",
            "A-1",
            "2025-01-01",
            Some("2025-03-01"),
            &["P-1", "P-2"],
        );
        e.deal("D-2", "A-1", "2025-06-01", None, &["P-2"]);
        let before = Snapshot::build(&e.0, Some(day("2025-02-01")));
        let (p1, p2, a) = (
            before.partner("P-1").unwrap(),
            before.partner("P-2").unwrap(),
            before.account("A-1").unwrap(),
        );
        assert_eq!(before.partners[p2 as usize].deals, 1, "D-2 is later");
        assert_eq!(before.partners[p1 as usize].won, 0, "D-1 was still open");
        assert_eq!(before.cosold(p1, p2), CoSold { deals: 1, won: 0 });
        let link = before
            .partners_of(a)
            .iter()
            .find(|l| l.other == p2)
            .copied();
        assert_eq!(link.map(|l| (l.deals, l.won)), Some((1, 0)));
        let now = Snapshot::build(&e.0, None);
        assert_eq!(now.partners[p2 as usize].deals, 2);
        assert_eq!(now.partners[p1 as usize].won, 1);
        assert_eq!(now.cosold(p1, p2), CoSold { deals: 1, won: 1 });
        // Adding a later deal does not change the earlier snapshot.
        e.deal("D-3", "A-1", "2025-09-01", Some("2025-10-01"), &["P-1"]);
        let again = Snapshot::build(&e.0, Some(day("2025-02-01")));
        assert_eq!(
            again.partners_of(a).to_vec(),
            before.partners_of(a).to_vec()
        );
        // A snapshot of everything counts "recent" back from the day after the latest deal
        // (D-3): D-1 is eight months older, so only D-2 and D-3 are recent.
        let all = Snapshot::build(&e.0, None);
        assert_eq!(all.partners[p1 as usize].recent, 1, "D-3, not D-1");
        assert_eq!(all.partners[p2 as usize].recent, 1, "D-2, not D-1");
    }

    #[test]
    fn links_merge_a_list_row_with_deals_and_keep_the_strongest_population() {
        let mut e = Eco::new();
        e.partner("P-1", json!({})).account("A-1");
        e.knows("P-1", "A-1", "prospect");
        e.deal("D-1", "A-1", "2025-01-01", None, &["P-1"]);
        let s = Snapshot::build(&e.0, None);
        let a = s.account("A-1").unwrap();
        let l = s.partners_of(a);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].listed, Some(Population::Prospect));
        assert_eq!(l[0].deals, 1);
        assert_eq!(s.accounts_of(s.partner("P-1").unwrap()).len(), 1);
        assert_eq!(s.links(), 1);
    }
}
