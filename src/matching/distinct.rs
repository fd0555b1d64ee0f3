//! What two names share and what only one of them has, weighed by how common each word is in the
//! list being matched.
//!
//! A word's weight as evidence depends on the list: "cleaning" is rare in a list of banks and
//! common in a list of cleaning firms, and "Corvid" says little where a thousand names open with
//! it. So token frequencies come from the list at hand (the indexed side: the left list of a
//! match, the records of a dedupe, the account base of a resolution), with the training corpus as
//! a prior that weighs as much as [`PRIOR_RECORDS`] records, so that a short list is not judged
//! by a handful of counts.
//!
//! Three name features come out of it:
//! - the information (in nats) of the tokens present on one side only: "Field" against "Light";
//! - the expected number of other records in the list that share every token the two names
//!   share: a pair sharing only common words is not evidence of one company;
//! - containment: a short name that wholly opens a longer one whose rest is legal, geographic,
//!   descriptor or domain words ("Veltrix" / "Veltrix Information", "Railgo" / "therailgo.com"),
//!   scaled by how distinctive the short name is in the list.
//!
//! The soft-idf name similarity takes its word weights from here too ([`Freqs::idf_of`]), so the
//! model weighs a word by one frequency, not two.

use serde::{Deserialize, Serialize};

use super::country;
use super::normalize;
use super::record::Prepared;
use super::similarity::{self, IdfTable};

/// A field compared by equality whose values a list counts: an equal value is evidence in
/// inverse proportion to how many records of the list hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueField {
    /// Registrable web domain.
    Domain,
    /// Last seven phone digits.
    Phone,
    /// Normalised postal code.
    Postal,
    /// Normalised city.
    City,
}

/// Token counts of the list a pair is scored in.
pub trait TokenCounts: Sync {
    /// Records of the list whose name holds `token`.
    fn count(&self, token: &str) -> u32;
    /// Records in the list.
    fn total(&self) -> u32;
    /// Records of the list holding `value` in `field`, and records with `field` present at all;
    /// `None` when the list does not count that field.
    fn value_count(&self, _field: ValueField, _value: &str) -> Option<(u32, u32)> {
        None
    }
}

/// No list at hand: frequencies come from the training corpus alone.
pub struct NoList;

impl TokenCounts for NoList {
    fn count(&self, _: &str) -> u32 {
        0
    }
    fn total(&self) -> u32 {
        0
    }
}

static NO_LIST: NoList = NoList;

/// How many records the training corpus counts for beside the list's own counts. Fixed before
/// any list was read: a hundred records is where a list's own counts start to say which of its
/// words are common.
pub const PRIOR_RECORDS: f64 = 100.0;

/// A word held by at least this share of the list's names is a descriptor there, whatever it
/// means (fixed in advance: one name in a hundred).
const DESCRIPTOR_SHARE: f64 = 0.01;

/// Nats of one-side information at which the disagreement feature saturates (two words each
/// unique in a list of about 30,000 records).
pub const COST_CAP: f64 = 20.0;

/// Token frequencies for scoring pairs: the list at hand, and which of a pair's two records
/// (`a`, `b`) the list itself holds, so that they are not counted as "other" records.
#[derive(Clone, Copy)]
pub struct Freqs<'a> {
    idf: &'a IdfTable,
    list: &'a dyn TokenCounts,
    held: [bool; 2],
    /// [`Freqs::value_nats`] of one record's domain, phone, postal code and city, when every
    /// pair scored with these frequencies holds that record ([`Freqs::for_query`]).
    query: Option<[f64; 4]>,
}

impl<'a> Freqs<'a> {
    /// Frequencies of the training corpus alone (no list at hand).
    pub fn corpus(idf: &'a IdfTable) -> Self {
        Freqs {
            idf,
            list: &NO_LIST,
            held: [false, false],
            query: None,
        }
    }

    /// Frequencies of `list`, which holds record `a` of each pair when `a_held`, and `b` when
    /// `b_held`.
    pub fn list(idf: &'a IdfTable, list: &'a dyn TokenCounts, a_held: bool, b_held: bool) -> Self {
        Freqs {
            idf,
            list,
            held: [a_held, b_held],
            query: None,
        }
    }

    /// These frequencies for scoring `q` against candidates: the information of its values is
    /// looked up once rather than once per candidate that shares one (a city the query shares
    /// with most of its candidates). An equal value of a pair is the query's own (the phone by
    /// its last seven digits, which is what the list counts), so its nats are the same.
    pub fn for_query(mut self, q: &Prepared) -> Self {
        let fields = [
            (ValueField::Domain, q.domain()),
            (ValueField::Phone, q.phone()),
            (ValueField::Postal, q.postal()),
            (ValueField::City, q.city()),
        ];
        self.query = None;
        let nats = fields.map(|(f, v)| v.map_or(f64::NAN, |v| self.value_nats(f, v)));
        self.query = Some(nats);
        self
    }

    /// Idf of `t` in the list at hand (on the corpus's scale: 1 + ln of one over its share).
    pub fn idf_of(&self, t: &str) -> f64 {
        1.0 - self.share(t, 0).ln()
    }

    fn prior(&self, t: &str) -> f64 {
        (1.0 - self.idf.get(t)).exp().min(1.0)
    }

    /// Share of the list's other records (all but `own` of the pair) whose name holds `t`.
    fn share(&self, t: &str, own: u32) -> f64 {
        self.share_counted(t, self.list.count(t), own)
    }

    /// [`Freqs::share`] of `t`, which `count` names of the list hold.
    fn share_counted(&self, t: &str, count: u32, own: u32) -> f64 {
        let n = f64::from(self.list.total().saturating_sub(own));
        let c = f64::from(count.saturating_sub(own));
        (c + PRIOR_RECORDS * self.prior(t)) / (n + PRIOR_RECORDS)
    }

    /// A word one record of a pair holds and the other lacks (`held`: the list holds that
    /// record): its information in nats, and whether a name of the list other than the
    /// record's own holds it too, a word of the list rather than one record's spelling (with no
    /// list at hand, whether the training corpus knows the word). The list's count is looked up
    /// once for both: this runs for every such word of every compared pair.
    fn one_side_word(&self, t: &str, held: bool) -> (f64, bool) {
        let own = u32::from(held);
        let count = self.list.count(t);
        let listed = if self.list.total() == 0 {
            self.idf.knows(t)
        } else {
            count > own
        };
        (-self.share_counted(t, count, own).ln(), listed)
    }

    /// Records other than the pair's, with the prior's.
    fn others(&self, own: u32) -> f64 {
        f64::from(self.list.total().saturating_sub(own)) + PRIOR_RECORDS
    }

    /// Information (nats) of an equal `value` of `field` that both records of a pair hold: minus
    /// the log of the share of the list's other records holding it, as a Fellegi–Sunter linker
    /// adjusts an agreement for the value's frequency ("Chicago" in a list of Chicago
    /// restaurants says nothing, a phone held by no other record says a lot). The prior weighs
    /// as [`PRIOR_RECORDS`] records among which the value is held once, so a short list is not
    /// judged by a handful of counts and with no list at hand the value reads as one in a
    /// hundred.
    pub fn value_nats(&self, field: ValueField, value: &str) -> f64 {
        if let Some(n) = self.query.map(|q| q[field as usize])
            && !n.is_nan()
        {
            return n;
        }
        let own = u32::from(self.held[0]) + u32::from(self.held[1]);
        let (count, present) = self.list.value_count(field, value).unwrap_or((0, 0));
        let others = f64::from(count.saturating_sub(own));
        let population = f64::from(present.saturating_sub(own)) + PRIOR_RECORDS;
        -((others + 1.0) / population).min(1.0).ln()
    }
}

/// How a name that wholly opens another relates to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The rest is legal, descriptor or domain words: the same company.
    Same,
    /// The rest places it (a country, a city): a division of the company.
    Division,
}

/// The name comparison of a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NameDiff {
    /// Information (nats) of the name tokens on one side only, legal, geographic and domain
    /// words left out.
    pub one_side_nats: f64,
    /// Natural log of the expected number of other records in the list holding every token the
    /// two names share.
    pub ln_chance: f64,
    /// When one name wholly opens the other: how they relate.
    pub relation: Option<Relation>,
    /// Distinctiveness in [0, 1] of the opening name when there is a relation (0 otherwise).
    pub contained: f64,
    /// Each name holds a word the other lacks that other names of the list hold too: one word
    /// put for another ("Corvid Field Cleaning" / "Corvid Light Cleaning"), not a name
    /// extended or a word misspelt.
    pub swapped: bool,
}

impl NameDiff {
    /// The disagreement feature in [0, 1].
    pub fn cost_feature(&self) -> f64 {
        self.one_side_nats.min(COST_CAP) / COST_CAP
    }

    /// The chance-sharing feature in [0, 1]: 0 when fewer than e^-5 other records would share
    /// the shared words, 1 from e^10 (about 22,000) up.
    pub fn chance_feature(&self) -> f64 {
        ((self.ln_chance + 5.0) / 15.0).clamp(0.0, 1.0)
    }
}

/// Domain words: they say where a name was found, not what it is.
const DOMAIN_WORDS: &[&str] = &[
    "com", "net", "org", "io", "co", "biz", "info", "www", "ai", "app",
];

/// Words that place a company (besides country names and the records' own cities).
const PLACE_WORDS: &[&str] = &[
    "do", "da", "du", "of", "la", "le", "el", "del", "des", "europe", "european", "asia",
    "pacific", "americas", "africa", "nordic", "nordics", "emea", "apac", "latam", "north",
    "south", "east", "west", "region", "regional",
];

/// Whether a name token places a company rather than names it: a country ("deutschland", "uk"),
/// a region ("emea", "nordic") or a particle that joins one ("do" of "do Brasil").
pub(crate) fn is_place_word(t: &str) -> bool {
    LISTED.get(t) == Some(&Ext::Place) || country::is_country_word(t)
}

/// Whether one name is the other with place words put in, a country among them, and their
/// other words equal and in order: a division named after its country and its company
/// ("Osttrixed Nederland B.V." / "Osttrixed B.V."). Two divisions of two countries are not:
/// the short name must hold every word it shares, and no place word the long one lacks.
pub(crate) fn place_only_extension(a: &Prepared, b: &Prepared) -> bool {
    let (short, long) = if a.name().len() <= b.name().len() {
        (a, b)
    } else {
        (b, a)
    };
    // Asked of every compared pair: most long names name no country, known from preparing.
    if !long.names_country() || short.name().is_empty() || short.name().len() == long.name().len() {
        return false;
    }
    let mut s = short.tokens().peekable();
    let mut country = false;
    for t in long.tokens() {
        if s.peek() == Some(&t) {
            s.next();
        } else if is_place_word(t) {
            country |= country::is_country_word(t);
        } else {
            return false;
        }
    }
    country && s.next().is_none()
}

/// Generic business words in a few languages: descriptors in any list, however rare there.
const DESCRIPTOR_WORDS: &[&str] = &[
    "group",
    "holding",
    "intl",
    "global",
    "svc",
    "solution",
    "tech",
    "sys",
    "product",
    "ind",
    "mfg",
    "eng",
    "mgmt",
    "assoc",
    "information",
    "info",
    "data",
    "digital",
    "software",
    "sw",
    "consulting",
    "partners",
    "ventures",
    "capital",
    "trading",
    "trade",
    "commerce",
    "comercio",
    "comercial",
    "handel",
    "handels",
    "industria",
    "industrie",
    "logistics",
    "network",
    "networks",
    "media",
    "labs",
    "lab",
    "studio",
    "studios",
    "enterprises",
    "enterprise",
    "company",
    "firm",
    "office",
    "division",
    "operations",
    "worldwide",
    "electronics",
    "health",
    "healthcare",
    "energy",
    "financial",
    "finance",
    "insurance",
    "realty",
    "properties",
    "investments",
    "investment",
    "marketing",
    "design",
    "retail",
    "foods",
    "systems",
    "security",
    // Group and family-business words in other languages ("Grupo", "e Filhos", "& Söhne").
    "groep",
    "grupa",
    "grupo",
    "gruppe",
    "gruppo",
    "groupe",
    "sons",
    "sohne",
    "bros",
    "hnos",
    "filhos",
    "figli",
    "hijos",
    "fils",
    "asociados",
    "associati",
    "associes",
];

/// What kind of extension word a token is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ext {
    Legal,
    Domain,
    Place,
    Descriptor,
}

/// The word lists above in one hashed map (asked for every one-side word of every compared pair),
/// each word under the first of domain, place, descriptor that lists it.
static LISTED: std::sync::LazyLock<std::collections::HashMap<&'static str, Ext, crate::FastHash>> =
    std::sync::LazyLock::new(|| {
        let mut m = std::collections::HashMap::default();
        for (words, kind) in [
            (DOMAIN_WORDS, Ext::Domain),
            (PLACE_WORDS, Ext::Place),
            (DESCRIPTOR_WORDS, Ext::Descriptor),
        ] {
            for w in words {
                m.entry(*w).or_insert(kind);
            }
        }
        m
    });

fn extension(t: &str, a: &Prepared, b: &Prepared, f: &Freqs) -> Option<Ext> {
    let in_city = |p: &Prepared| p.city().is_some_and(|c| c.split(' ').any(|w| w == t));
    let listed = LISTED.get(t).copied();
    if normalize::is_legal(t) {
        Some(Ext::Legal)
    } else if listed == Some(Ext::Domain) {
        Some(Ext::Domain)
    } else if listed == Some(Ext::Place) || country::is_country_word(t) || in_city(a) || in_city(b)
    {
        Some(Ext::Place)
    } else if listed == Some(Ext::Descriptor) || f.share(t, 0) >= DESCRIPTOR_SHARE {
        Some(Ext::Descriptor)
    } else {
        None
    }
}

fn tokens(s: &str) -> Vec<&str> {
    s.split(' ').filter(|t| !t.is_empty()).collect()
}

/// A misspelling is far rarer than the word it stands for: two spellings that the list at hand
/// both holds at least this share as often as the commoner one are two words ("Quorix" and
/// "Quotrix" each naming hundreds of companies), not a typo. Fixed in advance, not tuned.
const TYPO_RATIO: f64 = 0.1;

/// Whether `x` and `y` are one word spelt two ways in the list of `f`.
fn fuzzy(x: &str, y: &str, f: &Freqs) -> bool {
    if x.len() < 4 || y.len() < 4 || similarity::jaro_winkler(x, y) < 0.9 {
        return false;
    }
    let (cx, cy) = (f.list.count(x), f.list.count(y));
    let (lo, hi) = (cx.min(cy), cx.max(cy));
    // One record of the pair may be in the list: a count of one is that record's own spelling.
    lo <= 1 || f64::from(lo) < TYPO_RATIO * f64::from(hi)
}

/// Compares the names of `a` and `b` in the list of `f`; `one_side` hears each token present on
/// one side only (side 0 for `a`) with its information in nats.
pub fn compare_names(
    a: &Prepared,
    b: &Prepared,
    f: &Freqs,
    mut one_side: impl FnMut(usize, &str, f64),
) -> NameDiff {
    let (ta, tb) = (tokens(a.name()), tokens(b.name()));
    // Spacing noise first, as soft-idf does: "maat schappij" is one word "maatschappij".
    let (ra, rb) = (
        similarity::resegment(&ta, &tb),
        similarity::resegment(&tb, &ta),
    );
    // Borrowed: a pair is compared millions of times in a mapping, and copying every word of
    // both names each time cost as much as comparing them.
    fn view<'x>(m: &'x Option<Vec<String>>, t: Vec<&'x str>) -> Vec<&'x str> {
        match m {
            Some(m) => m.iter().map(String::as_str).collect(),
            None => t,
        }
    }
    let (va, vb) = (view(&ra, ta), view(&rb, tb));
    let own_shared = u32::from(f.held[0]) + u32::from(f.held[1]);
    let mut ln_chance = f.others(own_shared).ln();
    let mut one_side_nats = 0.0;
    let mut listed_one_side = [false; 2];
    for (side, (x, y)) in [(&va, &vb), (&vb, &va)].into_iter().enumerate() {
        let mut seen: Vec<&str> = Vec::with_capacity(x.len());
        for &t in x {
            if seen.contains(&t) {
                continue;
            }
            seen.push(t);
            if y.contains(&t) {
                if side == 0 {
                    ln_chance += f.share(t, own_shared).ln();
                }
                continue;
            }
            if let Some(u) = y.iter().find(|u| fuzzy(t, u, f)) {
                if side == 0 {
                    // A typo's spelling is rare by accident; the word it stands for is not.
                    ln_chance += f.share(t, 0).max(f.share(u, 0)).ln();
                }
                continue;
            }
            match extension(t, a, b, f) {
                Some(Ext::Legal | Ext::Domain | Ext::Place) => {}
                _ => {
                    let (nats, listed) = f.one_side_word(t, f.held[side]);
                    one_side_nats += nats;
                    listed_one_side[side] |= listed;
                    one_side(side, t, nats);
                }
            }
        }
    }
    let mut diff = NameDiff {
        one_side_nats,
        ln_chance,
        relation: None,
        contained: 0.0,
        swapped: listed_one_side[0] && listed_one_side[1],
    };
    if let Some((relation, core)) = opening(&va, &vb, a, b, f) {
        let mut ln = f.others(own_shared).ln();
        for t in core {
            ln += f.share(t, own_shared).ln();
        }
        let chance = NameDiff {
            ln_chance: ln,
            ..NameDiff::default()
        }
        .chance_feature();
        diff.relation = Some(relation);
        diff.contained = 1.0 - chance;
    }
    diff
}

/// When the shorter name, without trailing legal, place or domain words, wholly opens the longer
/// and every other word of both is an extension word: the relation and the opening words.
fn opening<'v, 's>(
    va: &'v [&'s str],
    vb: &'v [&'s str],
    a: &Prepared,
    b: &Prepared,
    f: &Freqs,
) -> Option<(Relation, &'v [&'s str])> {
    let (s, l) = if va.len() <= vb.len() {
        (va, vb)
    } else {
        (vb, va)
    };
    let ext = |t: &str| extension(t, a, b, f);
    // The short name may itself carry a place or legal form ("Corvid Deutschland"), but not a
    // descriptor: names differing in their descriptors are different names.
    let mut core = s.len();
    while core > 1
        && matches!(
            ext(s[core - 1]),
            Some(Ext::Legal | Ext::Domain | Ext::Place)
        )
    {
        core -= 1;
    }
    if core == 0 || core > l.len() {
        return None;
    }
    // A place the short name names must be named by the long one too: "Gerina USA" does not
    // open "Gerina Software" (their rests differ), while "Corvid" opens "Corvid Deutschland".
    if s[core..]
        .iter()
        .any(|t| matches!(ext(t), Some(Ext::Place)) && !l[core..].contains(t))
    {
        return None;
    }
    // "therailgo.com" opens with the name run into a leading article or "www".
    let head = |x: &str, y: &str| {
        x == y
            || ["the", "www"]
                .iter()
                .any(|p| x.strip_prefix(p) == Some(y) || y.strip_prefix(p) == Some(x))
    };
    // A formal name may open with an organisation word the other name leaves out ("Royal van
    // Waas" for "vanwaas.nl", "Grupo Albero" for "Albero"): the long name is read without it.
    let lead = l
        .iter()
        .take_while(|t| normalize::is_leading_org_word(t) && !s.contains(t))
        .count();
    let l = &l[lead.min(l.len() - 1)..];
    if core > l.len() {
        return None;
    }
    // Equal names are no containment; names equal but for that run-in article, or for the
    // organisation word, are.
    if !head(l[0], s[0])
        || s[1..core] != l[1..core]
        || (core == l.len() && l[0] == s[0] && lead == 0)
    {
        return None;
    }
    let mut relation = Relation::Same;
    for t in s[core..].iter().chain(&l[core..]) {
        match ext(t)? {
            Ext::Place => relation = Relation::Division,
            Ext::Legal | Ext::Domain | Ext::Descriptor => {}
        }
    }
    Some((relation, &s[..core]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::record::{Record, prepare};
    use std::collections::HashMap;

    struct Counts(HashMap<String, u32>, u32);

    impl TokenCounts for Counts {
        fn count(&self, t: &str) -> u32 {
            self.0.get(t).copied().unwrap_or(0)
        }
        fn total(&self) -> u32 {
            self.1
        }
    }

    fn p(name: &str) -> Prepared {
        prepare(&Record {
            name: name.into(),
            city: Some("Bremen".into()),
            ..Record::default()
        })
    }

    /// A training corpus in which every word is rare (one in 10,000 names).
    fn corpus() -> IdfTable {
        IdfTable {
            default_idf: 1.0 + 10_000f64.ln(),
            ..IdfTable::default()
        }
    }

    /// A list of 10,000 names where "corvid", "cleaning", "field" and "light" are common.
    fn dense() -> Counts {
        let m = [
            ("corvid", 900),
            ("cleaning", 700),
            ("field", 600),
            ("light", 600),
            ("veltrix", 1),
        ];
        Counts(m.iter().map(|(t, c)| (t.to_string(), *c)).collect(), 10_000)
    }

    #[test]
    fn a_rare_word_on_one_side_costs_more_than_a_common_one() {
        let idf = corpus();
        let list = dense();
        let f = Freqs::list(&idf, &list, true, false);
        let mut heard = Vec::new();
        let d = compare_names(
            &p("Corvid Field Cleaning GmbH"),
            &p("Corvid Light Cleaning GmbH"),
            &f,
            |side, t, nats| heard.push((side, t.to_string(), nats)),
        );
        assert_eq!(heard.len(), 2, "{heard:?}");
        assert!(heard.iter().any(|h| h.0 == 0 && h.1 == "field"));
        assert!(heard.iter().any(|h| h.0 == 1 && h.1 == "light"));
        let rare = compare_names(
            &p("Corvid Quillfeather Cleaning GmbH"),
            &p("Corvid Light Cleaning GmbH"),
            &f,
            |_, _, _| {},
        );
        assert!(rare.one_side_nats > d.one_side_nats + 3.0, "{rare:?} {d:?}");
        // Nine hundred Corvids and seven hundred cleaners: many others share both words.
        assert!(d.chance_feature() > 0.5, "{d:?}");
        assert_eq!(d.relation, None);
    }

    #[test]
    fn a_country_put_into_a_name_and_nothing_else_is_a_place_only_extension() {
        let yes = |x: &str, y: &str| place_only_extension(&p(x), &p(y));
        assert!(yes("Osttrixed Nederland B.V.", "Osttrixed B.V."));
        assert!(yes("Osttrixed B.V.", "Osttrixed Nederland B.V."));
        assert!(yes("Kestrel do Brasil Ltda", "Kestrel Ltda"));
        assert!(yes("Cortaon Print UK Ltd", "Cortaon Print Ltd"));
        // Two countries' divisions, a region without a country, another word, equal names.
        assert!(!yes(
            "Cortaon Print Deutschland Ltd",
            "Cortaon Print UK Ltd"
        ));
        assert!(!yes("Cortaon Print Europe Ltd", "Cortaon Print Ltd"));
        assert!(!yes("Cortaon Software UK Ltd", "Cortaon Print Ltd"));
        assert!(!yes("Cortaon Print UK Ltd", "Cortaon Print UK Ltd"));
        assert!(!yes("Cortaon Print UK Ltd", "Cortaon Ltd"));
        assert!(!yes("UK", ""));
    }

    #[test]
    fn a_word_put_for_another_of_the_list_is_a_swap() {
        let idf = corpus();
        let list = dense();
        let f = Freqs::list(&idf, &list, true, false);
        let cmp = |x: &str, y: &str| compare_names(&p(x), &p(y), &f, |_, _, _| {});
        // Both words are words of the list: one put for the other.
        assert!(cmp("Corvid Field Cleaning GmbH", "Corvid Light Cleaning GmbH").swapped);
        // A word no other name of the list holds is one record's spelling, not a swap.
        assert!(
            !cmp(
                "Corvid Quillfeather Cleaning GmbH",
                "Corvid Light Cleaning GmbH"
            )
            .swapped
        );
        // A name extended on one side only, or extended by legal words, is no swap.
        assert!(!cmp("Corvid Field Cleaning GmbH", "Corvid Cleaning").swapped);
        assert!(!cmp("Corvid Cleaning GmbH", "Corvid Cleaning AG").swapped);
        // The left record's own count is not another name's: "veltrix" is held by it alone.
        assert!(!cmp("Veltrix Cleaning", "Corvid Cleaning").swapped);
    }

    #[test]
    fn a_short_name_opening_a_longer_one_is_the_same_company_or_a_division() {
        let idf = corpus();
        let list = dense();
        let f = Freqs::list(&idf, &list, true, false);
        let rel = |x: &str, y: &str| compare_names(&p(x), &p(y), &f, |_, _, _| {});
        let v = rel("Veltrix", "Veltrix Information");
        assert_eq!(v.relation, Some(Relation::Same));
        assert!(v.contained > 0.9, "{v:?}");
        assert_eq!(
            rel("Kestrel", "Kestrel do Brasil Comércio Ltda").relation,
            Some(Relation::Division)
        );
        assert_eq!(
            rel("Railgo", "therailgo.com").relation,
            Some(Relation::Same)
        );
        assert_eq!(
            rel("Harlan Price LLP", "Harlan Price Bremen LLP").relation,
            Some(Relation::Division)
        );
        // A common opening word is weak evidence of one company.
        let c = rel("Corvid GmbH", "Corvid Cleaning GmbH");
        assert_eq!(c.relation, Some(Relation::Same));
        assert!(c.contained < 0.5, "{c:?}");
        // Two spellings each common in the list are two words; a rare one is a typo.
        let mut counts = dense();
        counts.0.insert("quorix".into(), 300);
        counts.0.insert("quotrix".into(), 200);
        counts.0.insert("quorrix".into(), 3);
        let fq = Freqs::list(&idf, &counts, true, false);
        let one_side = |x: &str, y: &str| compare_names(&p(x), &p(y), &fq, |_, _, _| {});
        assert!(one_side("Quorix Retail", "Quotrix Retail").one_side_nats > 0.0);
        assert_eq!(
            one_side("Quorix Retail", "Quorrix Retail").one_side_nats,
            0.0
        );
        // Neither a letter away nor a different rest is containment.
        assert_eq!(rel("Nordex Networks", "Nordax Networks").relation, None);
        assert_eq!(rel("Veltrix", "Veltrix Quillfeather").relation, None);
        // A formal name opening with an organisation word its web address leaves out.
        assert_eq!(
            rel("Royal van Waas BV", "vanwaas.nl").relation,
            Some(Relation::Same)
        );
        assert_eq!(
            rel("Grupo Albero Bautista", "Albero Bautista").relation,
            Some(Relation::Same)
        );
        assert_eq!(rel("Grupo Albero", "Grupo Albero").relation, None);
        // A place the short name names and the long one does not: the rests differ.
        assert_eq!(rel("Gerina USA Inc", "Gerina Software Inc").relation, None);
        assert_eq!(
            rel("Gerina USA Inc", "Gerina USA Software Inc").relation,
            Some(Relation::Division)
        );
    }

    struct Cities(u32, u32);

    impl TokenCounts for Cities {
        fn count(&self, _: &str) -> u32 {
            0
        }
        fn total(&self) -> u32 {
            self.1
        }
        fn value_count(&self, _: ValueField, _: &str) -> Option<(u32, u32)> {
            Some((self.0, self.1))
        }
    }

    #[test]
    fn an_equal_value_weighs_by_how_few_other_records_hold_it() {
        let idf = IdfTable::default();
        let nats = |list: &dyn TokenCounts, held: [bool; 2]| {
            Freqs::list(&idf, list, held[0], held[1]).value_nats(ValueField::City, "x")
        };
        // Every record of a 10,000-record dedupe in one city: next to nothing.
        let everywhere = nats(&Cities(10_000, 10_000), [true, true]);
        assert!(everywhere < 0.02, "{everywhere}");
        // Held by the pair alone: one over the other records and the prior's.
        let unique = nats(&Cities(2, 10_000), [true, true]);
        assert!((unique - (10_098.0_f64).ln()).abs() < 1e-9, "{unique}");
        // A link, where the list holds one record of the pair: the same value, the same nats.
        assert!((nats(&Cities(1, 9_999), [true, false]) - unique).abs() < 1e-9);
        // Held by a tenth of an account base that holds the pair's second record: 999 of the
        // 9,999 others, one more held by the prior's 100.
        let tenth = nats(&Cities(1_000, 10_000), [false, true]);
        assert!(
            (tenth - (10_099.0_f64 / 1_000.0).ln()).abs() < 1e-9,
            "{tenth}"
        );
        // No list at hand: one in a hundred.
        let none = Freqs::corpus(&idf).value_nats(ValueField::City, "x");
        assert!((none - 100.0_f64.ln()).abs() < 1e-9, "{none}");
    }
}
