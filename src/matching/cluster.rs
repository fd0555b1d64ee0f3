//! Grouping matched records into entities without chaining.
//!
//! Plain connected components (single linkage) merge two large companies as soon as one bad
//! pair links them, and one Philips record mistaken for a Shell record would fuse both. Here
//! clusters merge only when the *average* match probability over all cross pairs is at least
//! the threshold (average linkage). Cross pairs that blocking never compared are scored on
//! demand, so a single strong link between two big clusters is outvoted by the many weak
//! pairs behind it. Very large merges are judged on an evenly spaced sample of at most
//! `SAMPLE x SAMPLE` cross pairs to bound the cost. Candidate edges are visited strongest
//! first, like greedy agglomerative clustering, and a failed merge is not retried until one
//! of the two clusters has grown.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::features::phone_equal;
use super::record::Prepared;
use super::similarity::IdfTable;

/// Largest number of members per side used when judging a merge.
const SAMPLE: usize = 40;

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn spaced(v: &[usize]) -> Vec<usize> {
    if v.len() <= SAMPLE {
        return v.to_vec();
    }
    (0..SAMPLE).map(|k| v[k * v.len() / SAMPLE]).collect()
}

/// Average-linkage clustering of `n` items from scored candidate edges `(i, j, p)`.
/// `score(i, j)` gives the probability for any pair (used for pairs blocking skipped).
/// Returns a dense cluster id per item.
pub fn average_linkage(
    n: usize,
    edges: &[(u32, u32, f64)],
    threshold: f64,
    score: impl Fn(usize, usize) -> f64,
) -> Vec<usize> {
    let mut known: HashMap<(u32, u32), f64> = HashMap::with_capacity(edges.len());
    for &(i, j, p) in edges {
        known.insert((i.min(j), i.max(j)), p);
    }
    let mut order: Vec<&(u32, u32, f64)> = edges.iter().filter(|e| e.2 >= threshold).collect();
    order.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let mut parent: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut failed: HashSet<(usize, usize, usize, usize)> = HashSet::new();
    for &&(i, j, _) in &order {
        let (ra, rb) = (find(&mut parent, i as usize), find(&mut parent, j as usize));
        if ra == rb {
            continue;
        }
        let (ra, rb) = (ra.min(rb), ra.max(rb));
        let tag = (ra, rb, members[ra].len(), members[rb].len());
        if failed.contains(&tag) {
            continue;
        }
        let (sa, sb) = (spaced(&members[ra]), spaced(&members[rb]));
        let mut sum = 0.0;
        for &x in &sa {
            for &y in &sb {
                let key = (x.min(y) as u32, x.max(y) as u32);
                sum += known.get(&key).copied().unwrap_or_else(|| score(x, y));
            }
        }
        let avg = sum / (sa.len() * sb.len()) as f64;
        if avg >= threshold {
            let (big, small) = if members[ra].len() >= members[rb].len() {
                (ra, rb)
            } else {
                (rb, ra)
            };
            let moved = std::mem::take(&mut members[small]);
            members[big].extend(moved);
            parent[small] = big;
        } else {
            failed.insert(tag);
        }
    }
    dense_ids(n, |i| find(&mut parent, i))
}

/// Whether dedupe joins clusters that a bare brand name ties together ([`bridge_brands`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Brands {
    /// Join them: a renamed company ("N.V. Philips' Gloeilampenfabrieken", "Koninklijke Philips
    /// Electronics") becomes one entity, and so does a subsidiary that keeps its parent's brand.
    #[default]
    Join,
    /// Keep them apart: only average linkage decides.
    Separate,
}

/// Idf at or above which a token counts as a brand: a token in at most one name in a thousand
/// of the model's reference corpus (tokens absent from it count as rarer still).
pub const BRAND_IDF: f64 = 7.907_755_278_982_137; // 1 + ln(1000)

/// Share of a cluster's members whose name must contain a brand token for the cluster to carry it.
const CARRY_SHARE: f64 = 0.9;

/// Fewest records a cluster needs to be joined through a brand it carries.
const MIN_CARRIER: usize = 2;

fn is_brand(t: &str, idf: &IdfTable) -> bool {
    t.chars().count() >= 3 && !t.chars().all(|c| c.is_ascii_digit()) && idf.get(t) >= BRAND_IDF
}

/// Whether two records disagree on a field that identifies a company, a site or a national
/// entity: both give a domain, a phone number, a postal code or a country, and the two differ.
fn conflict(a: &Prepared, b: &Prepared) -> bool {
    let differ = |x: Option<&str>, y: Option<&str>, eq: fn(&str, &str) -> bool| matches!((x, y), (Some(x), Some(y)) if !eq(x, y));
    differ(a.domain(), b.domain(), |x, y| x == y)
        || differ(a.phone(), b.phone(), phone_equal)
        || differ(a.postal(), b.postal(), |x, y| x == y)
        || differ(a.country(), b.country(), |x, y| x == y)
}

/// Joins clusters that a bare brand name ties together.
///
/// A record whose whole name, once legal forms and country tags are stripped, is one rare token
/// ("PHILIPS N.V.", "DSM") names the brand of a company and not one of its divisions; a rare token
/// one letter away from a common word ("Mediia") is taken for a typo and names nothing. Every
/// cluster of two or more records nearly all of which ([`CARRY_SHARE`]) have the brand in their
/// names ("Koninklijke Philips Electronics", "N.V. Philips' Gloeilampenfabrieken") is joined to
/// the bare record's cluster, unless some pair across the two disagrees on domain, phone, postal
/// code or country, which marks a different company, site or national entity behind the same
/// brand. A lone record ("Weber & Whitfield County Services" beside a bare "Weber") is too little
/// evidence to join. Names alone cannot tell a renamed company from a subsidiary that keeps the
/// parent's brand, so this joins both: it is a deliberate choice, documented in the model card,
/// and [`Matcher::dedupe`] can be asked not to make it ([`Brands::Separate`]). Only rare tokens
/// ([`BRAND_IDF`]) count, so a bare "Services" or "Holding" ties nothing together. Returns dense
/// cluster ids.
///
/// [`Matcher::dedupe`]: super::Matcher::dedupe
pub fn bridge_brands(ids: &[usize], preps: &[Prepared], idf: &IdfTable) -> Vec<usize> {
    let k = ids.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &c) in ids.iter().enumerate() {
        members[c].push(i);
    }
    // Brand token -> clusters holding a bare record of it.
    let mut bare: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in preps.iter().enumerate() {
        let mut toks = p.tokens();
        if let (Some(t), None) = (toks.next(), toks.next())
            && is_brand(t, idf)
        {
            bare.entry(t).or_default().push(ids[i]);
        }
    }
    if bare.is_empty() {
        return ids.to_vec();
    }
    // A rare bare token one letter away from a common word ("Mediia Ltda") is a typo, not a brand.
    let common = Near::new(
        idf.idf
            .iter()
            .filter(|(_, v)| **v < BRAND_IDF)
            .map(|(t, _)| t.as_str()),
        COMMON_TYPO_MIN_LEN,
    );
    let mut typo: Vec<&str> = Vec::new();
    bare.retain(|t, _| {
        typo.clear();
        common.typos(t, &mut typo);
        typo.is_empty()
    });
    if bare.is_empty() {
        return ids.to_vec();
    }
    let near = Near::new(bare.keys().copied(), TYPO_MIN_LEN);
    // Brand token -> clusters carrying it.
    let mut carriers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (c, ms) in members.iter().enumerate() {
        let mut count: HashMap<&str, usize> = HashMap::new();
        let mut seen: Vec<&str> = Vec::new();
        for &i in ms {
            seen.clear();
            for u in preps[i].tokens() {
                near.brands_in(u, &mut seen);
            }
            seen.sort_unstable();
            seen.dedup();
            for &t in &seen {
                *count.entry(t).or_default() += 1;
            }
        }
        for (t, n) in count {
            if ms.len() >= MIN_CARRIER && n as f64 >= CARRY_SHARE * ms.len() as f64 {
                carriers.entry(t).or_default().push(c);
            }
        }
    }
    let mut parent: Vec<usize> = (0..k).collect();
    for (t, anchors) in &bare {
        let Some(cs) = carriers.get(t) else { continue };
        let anchor = find(&mut parent, anchors[0]);
        let mut cs = cs.clone();
        cs.sort_unstable_by_key(|&c| (std::cmp::Reverse(members[c].len()), c));
        for c in cs {
            let (a, b) = (find(&mut parent, anchor), find(&mut parent, c));
            if a == b {
                continue;
            }
            let clash = spaced(&members[a]).iter().any(|&x| {
                spaced(&members[b])
                    .iter()
                    .any(|&y| conflict(&preps[x], &preps[y]))
            });
            if !clash {
                let (big, small) = if members[a].len() >= members[b].len() {
                    (a, b)
                } else {
                    (b, a)
                };
                let moved = std::mem::take(&mut members[small]);
                members[big].extend(moved);
                parent[small] = big;
            }
        }
    }
    dense_ids(ids.len(), |i| find(&mut parent, ids[i]))
}

/// Shortest brand for which a one-letter typo still counts as the brand.
const TYPO_MIN_LEN: usize = 6;

/// Shortest common word whose one-letter typos are not taken for brands.
const COMMON_TYPO_MIN_LEN: usize = 4;

/// Finds the brand tokens a name token stands for: the brand itself, the brand run together with
/// the next word ("philipsgloeilampenfabrieken"), or, for brands of [`TYPO_MIN_LEN`] letters or
/// more, the brand with one letter added, dropped or changed ("phillips", "philps", "philipz").
/// Typos are found with a deletion index: two words within one edit share a one-letter deletion.
struct Near<'a> {
    exact: HashSet<&'a str>,
    deletions: HashMap<String, Vec<&'a str>>,
}

fn deletions(t: &str) -> impl Iterator<Item = String> + '_ {
    t.char_indices()
        .map(move |(i, c)| format!("{}{}", &t[..i], &t[i + c.len_utf8()..]))
}

impl<'a> Near<'a> {
    /// Indexes `brands`; those of `typo_min_len` letters or more are also found with one typo.
    fn new(brands: impl Iterator<Item = &'a str>, typo_min_len: usize) -> Self {
        let mut near = Near {
            exact: HashSet::new(),
            deletions: HashMap::new(),
        };
        for t in brands {
            near.exact.insert(t);
            if t.chars().count() >= typo_min_len {
                near.deletions.entry(t.to_string()).or_default().push(t);
                for d in deletions(t) {
                    near.deletions.entry(d).or_default().push(t);
                }
            }
        }
        near
    }

    /// Appends to `out` the brands that token `u` stands for.
    fn brands_in(&self, u: &str, out: &mut Vec<&'a str>) {
        for (i, _) in u.char_indices().skip(3).chain([(u.len(), ' ')]) {
            if let Some(t) = self.exact.get(&u[..i]) {
                out.push(t);
            }
        }
        self.typos(u, out);
    }

    /// Appends to `out` the indexed words of which `u` is a one-letter typo.
    fn typos(&self, u: &str, out: &mut Vec<&'a str>) {
        if !self.deletions.is_empty() {
            let own = self.deletions.get(u).into_iter().flatten();
            let dels: Vec<String> = deletions(u).collect();
            let del = dels.iter().filter_map(|d| self.deletions.get(d)).flatten();
            out.extend(own.chain(del).copied());
        }
    }
}

fn dense_ids(n: usize, mut root: impl FnMut(usize) -> usize) -> Vec<usize> {
    let mut dense: HashMap<usize, usize> = HashMap::new();
    (0..n)
        .map(|i| {
            let r = root(i);
            let next = dense.len();
            *dense.entry(r).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two groups of 5 that match internally, joined by one strong false link: they must stay
    /// apart, whereas single linkage would chain them.
    #[test]
    fn one_bad_link_does_not_chain() {
        let same = |i: usize, j: usize| (i < 5) == (j < 5);
        let score = |i: usize, j: usize| if same(i, j) { 0.95 } else { 0.02 };
        let mut edges: Vec<(u32, u32, f64)> = Vec::new();
        for i in 0..10u32 {
            for j in i + 1..10 {
                if same(i as usize, j as usize) {
                    edges.push((i, j, 0.95));
                }
            }
        }
        // Weaker than the true links, as a false link usually is, so both groups form first.
        edges.push((4, 5, 0.9));
        let ids = average_linkage(10, &edges, 0.5, score);
        assert!(ids[..5].iter().all(|&c| c == ids[0]));
        assert!(ids[5..].iter().all(|&c| c == ids[5]));
        assert_ne!(ids[0], ids[5]);
    }

    fn rec(name: &str, country: Option<&str>) -> Prepared {
        crate::matching::prepare(&crate::matching::Record {
            name: name.into(),
            country: country.map(str::to_string),
            ..Default::default()
        })
    }

    /// An idf table in which "services" (canonically "svc") and "media" are common and every
    /// other token rare.
    fn idf() -> IdfTable {
        let docs: Vec<Vec<String>> = (0..2000)
            .flat_map(|i| [format!("W{i} Services"), format!("V{i} Media")])
            .map(|name| rec(&name, None).token_vec())
            .collect();
        IdfTable::from_docs(docs.iter().map(Vec::as_slice), 1)
    }

    /// Records and their average-linkage clusters, given as one cluster id per record.
    fn bridged(recs: &[(&str, Option<&str>, usize)]) -> Vec<usize> {
        let preps: Vec<Prepared> = recs.iter().map(|(n, c, _)| rec(n, *c)).collect();
        let ids: Vec<usize> = recs.iter().map(|r| r.2).collect();
        bridge_brands(&ids, &preps, &idf())
    }

    #[test]
    fn a_bare_brand_joins_a_renamed_company() {
        let ids = bridged(&[
            ("Koninklijke Philips Electronics N.V.", None, 0),
            ("KONINKLIJKE PHILLIPS ELECTRONICS", None, 0),
            ("PHILIPS N.V.", None, 0),
            ("N.V. Philips' Gloeilampenfabrieken", None, 1),
            ("N.V. PHILIPSGLOEILAMPENFABRIEKEN", None, 1),
            ("N.V. Philipps Gloeilampenfabrieken", None, 1),
            ("Zenith Instruments B.V.", None, 2),
        ]);
        assert_eq!(ids[0], ids[3], "{ids:?}");
        assert_eq!(ids[3], ids[4]);
        assert_ne!(ids[0], ids[6]);
    }

    #[test]
    fn without_a_bare_record_nothing_is_joined() {
        let ids = bridged(&[
            ("Koninklijke Philips Electronics N.V.", None, 0),
            ("N.V. Philips' Gloeilampenfabrieken", None, 1),
        ]);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn a_contradicting_country_keeps_clusters_apart() {
        let ids = bridged(&[
            ("Soltemo GmbH", Some("DE"), 0),
            ("SOLTEMO", Some("DE"), 0),
            ("Soltemo Electronics KK", Some("JP"), 1),
            ("SOLTEMO ELECTRONICS K.K.", Some("JP"), 1),
        ]);
        assert_ne!(ids[0], ids[2]);
    }

    #[test]
    fn common_words_their_typos_and_short_typos_are_not_brands() {
        let ids = bridged(&[
            ("Services Ltd", None, 0),
            ("Nordwind Services", None, 1),
            ("Nordwind Services GmbH", None, 1),
            ("Bayer AG", None, 2),
            ("Baker Hughes", None, 3),
            ("Baker Hughes Inc", None, 3),
            ("DSM N.V.", None, 4),
            ("DSV Logistics", None, 5),
            ("DSV Logistics A/S", None, 5),
            ("Mediia Ltda", None, 6),
            ("Brennan Media", None, 7),
            ("Brennan Media Ltda", None, 7),
        ]);
        assert_eq!(ids, vec![0, 1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7]);
    }

    /// A single record naming the brand among other words is too little to join.
    #[test]
    fn a_lone_record_carrying_the_brand_is_not_joined() {
        let ids = bridged(&[
            ("Weber AB", None, 0),
            ("Weber & Whitfield County Services", None, 1),
        ]);
        assert_ne!(ids[0], ids[1]);
    }

    /// Most of a cluster must carry the brand: one member mentioning it is not enough.
    #[test]
    fn a_cluster_joins_only_when_nearly_all_members_carry_the_brand() {
        let ids = bridged(&[
            ("Acmetron", None, 0),
            ("Globex Acmetron Partners", None, 1),
            ("Globex Industries", None, 1),
            ("Globex Industries GmbH", None, 1),
        ]);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn empty_and_singletons() {
        assert!(average_linkage(0, &[], 0.5, |_, _| 0.0).is_empty());
        assert!(bridge_brands(&[], &[], &IdfTable::default()).is_empty());
        assert_eq!(average_linkage(3, &[], 0.5, |_, _| 0.0), vec![0, 1, 2]);
    }
}
