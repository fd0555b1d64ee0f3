//! Blocking keys: which records are worth comparing at all.
//!
//! Several independent keys are used at once, so a typo or a missing field in one key does not
//! lose a true pair: the registrable domain, the last 7 phone digits, every name token, a
//! consonant skeleton of every longer name token (catches vowel typos: "Unilever"/"Uniliver",
//! "Shell"/"Sheel"), a prefix of the name, the house number with the street's skeleton (a
//! company renamed, or written under another name, at the same address), and the postal code
//! (a name misspelt past every name key, in the same postal area). At query time only
//! the rarest tokens are used (rarity = posting-list length, i.e. document frequency), and any
//! posting list longer than its cap is not scanned whole: the query takes the `window` entries
//! on each side of its own name in the list sorted by name (a sorted-neighbourhood window), so
//! frequent keys stay cheap but near-identical names are still found.

use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::distinct::is_place_word;
use super::normalize;
use super::record::Prepared;

/// Tunable blocking limits, stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockingConfig {
    /// How many of a query's rarest name tokens (and skeletons) are used as keys.
    pub max_tokens: usize,
    /// Posting lists up to this size are scanned whole for token and skeleton keys.
    pub token_cap: usize,
    /// Same for domain keys.
    pub domain_cap: usize,
    /// Same for phone keys.
    pub phone_cap: usize,
    /// Same for name-prefix keys.
    pub prefix_cap: usize,
    /// Same for address keys (house number and street).
    #[serde(default = "default_address_cap")]
    pub address_cap: usize,
    /// Same for postal-code keys.
    #[serde(default = "default_postal_cap")]
    pub postal_cap: usize,
    /// Entries taken on each side of the query in an over-cap posting list.
    pub window: usize,
    /// Length of the name-prefix key (characters, spaces removed).
    pub prefix_len: usize,
    /// Candidates kept per query at most: those sharing the rarest key, then the most rarity
    /// summed over the keys they share (rarity `ln(1 + indexed / posting length)`). The
    /// caps above bound each key; this bounds their sum, so that on lists where every record
    /// shares a root word, a descriptor and a city with hundreds of others the compared pairs
    /// still grow linearly with the records.
    #[serde(default = "default_max_candidates")]
    pub max_candidates: usize,
}

/// The default of [`BlockingConfig::max_candidates`]: four times the mean candidates per record
/// on the Febrl 4 lists (52), so that it binds only on crowded names.
pub const DEFAULT_MAX_CANDIDATES: usize = 200;

fn default_max_candidates() -> usize {
    DEFAULT_MAX_CANDIDATES
}

/// The default of [`BlockingConfig::address_cap`]: the phone key's cap, since a house number
/// and street, like a phone number, is shared by one site's records and a building's tenants.
pub const DEFAULT_ADDRESS_CAP: usize = 100;

fn default_address_cap() -> usize {
    DEFAULT_ADDRESS_CAP
}

/// The default of [`BlockingConfig::postal_cap`]: the phone key's cap, like the address key's.
/// A postal area holds many companies; past the cap only the names next to the query's in name
/// order are taken, which is where a misspelt name of the same company sorts.
pub const DEFAULT_POSTAL_CAP: usize = 100;

fn default_postal_cap() -> usize {
    DEFAULT_POSTAL_CAP
}

impl Default for BlockingConfig {
    fn default() -> Self {
        BlockingConfig {
            max_tokens: 3,
            token_cap: 300,
            domain_cap: 300,
            phone_cap: 100,
            prefix_cap: 100,
            address_cap: DEFAULT_ADDRESS_CAP,
            postal_cap: DEFAULT_POSTAL_CAP,
            window: 10,
            prefix_len: 5,
            max_candidates: DEFAULT_MAX_CANDIDATES,
        }
    }
}

/// Kind of a blocking key (decides its cap and whether rarity selection applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Registrable domain.
    Domain,
    /// Last 7 phone digits.
    Phone,
    /// A name token.
    Token,
    /// Consonant skeleton of a name token.
    Skeleton,
    /// Name prefix.
    Prefix,
    /// Consonant skeleton of the whole name, words in sorted order (and, where it differs, in
    /// the written order) and run together: one key
    /// that survives vowel typos, doubled letters, spacing and word order at once ("Corvvid
    /// Cleaning" / "Cleaning Corvid"), where a crowded root's own skeleton list is too long
    /// to scan and its name-ordered window may not reach the misspelt name.
    Whole,
    /// The address's first number and the consonant skeleton of the first word of three or
    /// more characters after it ("61 biffin street" / "61 biffin sreet"): finds a record whose
    /// name shares nothing with the query's, at the same address.
    Address,
    /// The normalised postal code (three characters or more).
    Postal,
}

/// Counts of compared versus possible pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockingStats {
    /// Pairs actually compared.
    pub candidate_pairs: u64,
    /// Pairs an exhaustive comparison would make.
    pub total_pairs: u64,
    /// 1 - candidate_pairs / total_pairs.
    pub reduction_ratio: f64,
    /// Query records for which a posting list past its cap (hundreds of records sharing a key,
    /// such as one name given many times) was searched only near the record's own name.
    pub windowed_records: u64,
}

impl BlockingStats {
    /// Builds stats from the two counts.
    pub fn new(candidate_pairs: u64, total_pairs: u64) -> Self {
        let rr = if total_pairs == 0 {
            0.0
        } else {
            1.0 - candidate_pairs as f64 / total_pairs as f64
        };
        BlockingStats {
            candidate_pairs,
            total_pairs,
            reduction_ratio: rr,
            windowed_records: 0,
        }
    }
}

/// The key of a tagged string (`b't'` for a name token): a 64-bit hash, made with a fast
/// fixed-seed hasher (every key of a million records is hashed when the index is built, and a
/// query's tokens are hashed to count them). Keys live only in memory, never in the store.
pub(crate) fn hash_key(tag: u8, s: &str) -> u64 {
    crate::FastHash::default().hash_one((tag, s))
}

/// Consonant skeleton: first letter, then consonants with vowels and repeats dropped, at most
/// 6 characters. A cheap phonetic-style key that ignores vowel typos and doubled letters.
pub fn skeleton(tok: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    for (i, c) in tok.chars().enumerate() {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'w');
        if (i == 0 || !vowel) && c != last {
            out.push(c);
            if out.len() >= 6 {
                break;
            }
        }
        last = c;
    }
    out
}

/// Consonant skeleton of a whole name (see [`KeyKind::Whole`]): the first letter, then
/// consonants with vowels, spaces and repeats dropped, unbounded.
pub fn whole_skeleton(sorted_name: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    for c in sorted_name.chars().filter(|c| *c != ' ') {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'w');
        if (out.is_empty() || !vowel) && c != last {
            out.push(c);
        }
        last = c;
    }
    out
}

/// The phone key of a phone's digits: the last seven, when there are that many (they survive
/// area and country code variants, "+31 20 5551234" / "020 5551234").
pub(crate) fn phone_key(phone: &str) -> Option<&str> {
    phone.len().checked_sub(7).and_then(|i| phone.get(i..))
}

/// The postal key of a normalised postal code: the code itself, from three characters.
pub(crate) fn postal_key(postal: &str) -> Option<&str> {
    (postal.len() >= 3).then_some(postal)
}

/// All blocking keys of a record. Token and skeleton keys are all stored; the query side picks
/// the rarest of them.
pub fn keys(p: &Prepared, cfg: &BlockingConfig) -> Vec<(KeyKind, u64)> {
    let mut out = Vec::with_capacity(12);
    if let Some(d) = p.domain() {
        out.push((KeyKind::Domain, hash_key(b'd', d)));
    }
    if let Some(ph) = p.phone().and_then(phone_key) {
        out.push((KeyKind::Phone, hash_key(b'p', ph)));
    }
    for t in p.tokens() {
        let k = (KeyKind::Token, hash_key(b't', t));
        if !out.contains(&k) {
            out.push(k);
        }
        if t.len() >= 4 {
            let k = (KeyKind::Skeleton, hash_key(b's', &skeleton(t)));
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    let compact: String = p
        .name()
        .chars()
        .filter(|c| *c != ' ')
        .take(cfg.prefix_len)
        .collect();
    if compact.len() >= 3 {
        out.push((KeyKind::Prefix, hash_key(b'q', &compact)));
    }
    let whole = whole_skeleton(p.sorted());
    if whole.len() >= 3 {
        out.push((KeyKind::Whole, hash_key(b'w', &whole)));
    }
    // In the name's own order too, where it differs: a compound written in one word or two
    // ("Gist-Brocades" / "Gistbrocades") sorts differently but reads the same.
    let written = whole_skeleton(p.name());
    if written.len() >= 3 && written != whole {
        out.push((KeyKind::Whole, hash_key(b'w', &written)));
    }
    for spelled in web_spellings(p).into_iter().chain(placeless(p)) {
        let k = (KeyKind::Whole, hash_key(b'w', &whole_skeleton(&spelled)));
        if spelled.len() >= 3 && !out.contains(&k) {
            out.push(k);
        }
    }
    if let Some(a) = p.address().and_then(address_key) {
        out.push((KeyKind::Address, hash_key(b'a', &a)));
    }
    if let Some(z) = p.postal().and_then(postal_key) {
        out.push((KeyKind::Postal, hash_key(b'z', z)));
    }
    out
}

/// Most stop words one name written as a web address is read without ([`web_spellings`]).
const MAX_WEB_VARIANTS: usize = 4;

/// Other spellings under which a company's web address and its formal name meet, for the
/// whole-name key: a formal name that opens with an organisation word the address leaves out is
/// also keyed without it ("Royal van Waas" as "van waas", for "vanwaas.nl"); a name that is its
/// web address, one word, is also keyed with one article or conjunction taken out of it
/// ("vandebiezenbos" as "vanbiezenbos", for "van de Biezenbos", whose "de" names drop).
pub(crate) fn web_spellings(p: &Prepared) -> Vec<String> {
    let name = p.name();
    match name.split_once(' ') {
        Some((first, rest)) if normalize::is_leading_org_word(first) => vec![rest.to_string()],
        Some(_) => Vec::new(),
        None if p
            .domain()
            .is_some_and(|d| d.split('.').next() == Some(name)) =>
        {
            let mut out = Vec::new();
            for (i, _) in name.char_indices().skip(1) {
                for len in [2, 3] {
                    let Some(w) = name.get(i..i + len) else {
                        continue;
                    };
                    if i + len < name.len() && normalize::is_stop_word(w) {
                        out.push(format!("{}{}", &name[..i], &name[i + len..]));
                    }
                }
                if out.len() >= MAX_WEB_VARIANTS {
                    break;
                }
            }
            out.truncate(MAX_WEB_VARIANTS);
            out
        }
        None => Vec::new(),
    }
}

/// A name that names a country is also keyed without its place words (countries, regions and
/// their particles), so that a division named after its country meets its company ("Cortaon
/// Print UK Ltd" / "Cortaon Print Ltd", "Kestrel do Brasil Ltda" / "Kestrel Ltda") where the
/// company's root is shared by too many others for the root's own key to reach it. `None` when
/// the name names no country, or nothing else.
pub(crate) fn placeless(p: &Prepared) -> Option<String> {
    if !p.names_country() {
        return None;
    }
    let kept: Vec<&str> = p.tokens().filter(|t| !is_place_word(t)).collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

/// The address key of a normalised address: its first number (leading zeros dropped) and the
/// skeleton of the first word of three or more characters with a letter that follows it.
/// `None` without either.
pub fn address_key(address: &str) -> Option<String> {
    let mut words = address.split(' ').filter(|w| !w.is_empty());
    let number = words
        .by_ref()
        .find(|w| w.chars().all(|c| c.is_ascii_digit()))?
        .trim_start_matches('0');
    let street = words.find(|w| w.len() >= 3 && w.chars().any(|c| c.is_alphabetic()))?;
    Some(format!("{number} {}", skeleton(street)))
}

/// Cap of a key kind under a config.
pub fn cap(kind: KeyKind, cfg: &BlockingConfig) -> usize {
    match kind {
        KeyKind::Domain => cfg.domain_cap,
        KeyKind::Phone => cfg.phone_cap,
        KeyKind::Token | KeyKind::Skeleton | KeyKind::Whole => cfg.token_cap,
        KeyKind::Prefix => cfg.prefix_cap,
        KeyKind::Address => cfg.address_cap,
        KeyKind::Postal => cfg.postal_cap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_ignores_vowel_typos() {
        assert_eq!(skeleton("unilever"), skeleton("uniliver"));
        assert_eq!(skeleton("shell"), skeleton("sheel"));
        assert_eq!(skeleton("nordic"), skeleton("nrdic"));
        assert_ne!(skeleton("acme"), skeleton("zenith"));
    }

    #[test]
    fn the_address_key_is_the_house_number_and_the_street() {
        let k = |s: &str| address_key(s);
        assert_eq!(k("61 biffin street"), k("61 biffin sreet"));
        assert_eq!(k("2820 n leavitt st"), Some("2820 lvt".to_string()));
        assert_eq!(k("037 w 47th st"), k("37 w 47th street"));
        assert_ne!(k("2820 n leavitt st"), k("2905 n leavitt st"));
        assert_eq!(k("main street"), None);
        assert_eq!(k("12"), None);
    }

    /// A name misspelt past every name key ("Zeyri" / "Zergi": other skeleton, prefix and
    /// tokens) still shares a key with its own record when both give the postal code, and
    /// only then.
    #[test]
    fn a_shared_postal_code_is_a_key_when_no_name_key_is() {
        use super::super::record::{Record, prepare};
        let cfg = BlockingConfig::default();
        let rec = |name: &str, postal: Option<&str>| Record {
            id: name.into(),
            name: name.into(),
            postal_code: postal.map(str::to_string),
            ..Record::default()
        };
        let shared = |a: &Record, b: &Record| {
            let kb = keys(&prepare(b), &cfg);
            keys(&prepare(a), &cfg)
                .into_iter()
                .filter(|k| kb.contains(k))
                .map(|(kind, _)| kind)
                .collect::<Vec<_>>()
        };
        let a = rec("Zeyri Pty Ltd", Some("91940"));
        let b = rec("Zergi Pty Limited", Some("91 940"));
        let kinds = shared(&a, &b);
        assert!(kinds.contains(&KeyKind::Postal), "{kinds:?}");
        assert!(
            kinds
                .iter()
                .all(|k| matches!(k, KeyKind::Postal | KeyKind::Token)),
            "only the postal code and the legal form's word are shared: {kinds:?}"
        );
        assert!(!shared(&a, &rec("Zergi Pty Limited", None)).contains(&KeyKind::Postal));
        assert!(!shared(&a, &rec("Zergi Pty Limited", Some("91941"))).contains(&KeyKind::Postal));
        assert_eq!(cap(KeyKind::Postal, &cfg), DEFAULT_POSTAL_CAP);
    }

    #[test]
    fn the_whole_name_skeleton_survives_typos_spacing_and_order() {
        let w = |s: &str| whole_skeleton(s);
        assert_eq!(w("capital cleaning corvid"), w("capital cleaning corvvid"));
        assert_eq!(w("capital cleaning corvid"), w("capitalcleaning corvid"));
        assert_ne!(w("capital cleaning corvid"), w("capital cleaning norvid"));
        assert_ne!(w("cleaning corvid field"), w("cleaning corvid light"));
    }

    /// A compound written in one word or two shares a whole-name key in the written order,
    /// which the sorted order alone misses.
    #[test]
    fn a_compound_in_one_word_or_two_shares_a_whole_name_key() {
        use super::super::record::{Record, prepare};
        let cfg = BlockingConfig::default();
        let whole = |name: &str| {
            keys(
                &prepare(&Record {
                    id: name.into(),
                    name: name.into(),
                    ..Record::default()
                }),
                &cfg,
            )
            .into_iter()
            .filter(|(k, _)| *k == KeyKind::Whole)
            .map(|(_, h)| h)
            .collect::<Vec<_>>()
        };
        let (a, b) = (whole("Gist-Brocades B.V."), whole("Gistbrocades N.V."));
        assert!(a.iter().any(|k| b.contains(k)), "{a:?} {b:?}");
        assert!(!whole("Brocades Gist").iter().any(|k| b.contains(k)));
        // A name written as its web address meets the formal name that opens with an
        // organisation word the address leaves out, or drops an article the address keeps.
        let shared = |x: &str, y: &str| whole(x).iter().any(|k| whole(y).contains(k));
        assert!(shared("Royal van Waas BV", "vanwaas.nl"));
        assert!(shared("van de Biezenbos NV", "vandebiezenbos.nl"));
        assert!(shared("Hermanos Vega & Díaz S.Com.", "www.vegadiaz.es"));
        assert!(!shared("Royal van Waas BV", "vanwaal.nl"));
        // A division named after its country meets its company, and no sibling of it.
        assert!(shared("Cortaon Print UK Ltd", "Cortaon Print Ltd"));
        assert!(shared("Kestrel do Brasil Ltda", "Kestrel Ltda"));
        assert!(shared("Siemens Deutschland GmbH", "Siemens AG"));
        assert!(!shared("Cortaon Print UK Ltd", "Cortaon Print Light Ltd"));
        assert!(!shared("Cortaon Print UK Ltd", "Cortaon Ltd"));
    }
}
