//! Seeded generator of synthetic company records and noisy variants, for training, the scale
//! example and benches. Names are built from coined words (so distinctive tokens are rare, as
//! in real company names) plus generic business words and country-specific legal forms.

use rand::prelude::*;
use rand_chacha::ChaCha8Rng;

use super::record::Record;

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ra", "ti", "vo", "zu", "be", "da", "fi", "go", "hu", "ja", "ke", "la",
    "mo", "nu", "pa", "qui", "ro", "sa", "te", "va", "xe", "yo", "ze", "bra", "cle", "dro", "fla",
    "gri", "kro", "ple", "sto", "tra", "vin", "mar", "len", "tor", "sen", "dal", "ber", "kin",
    "lux", "nor", "ost", "pel", "quan", "rex", "sol", "tan", "ver", "wel", "zen", "ari", "eon",
    "ion", "oro", "ul",
];

const GENERIC: &[(&str, Option<&str>)] = &[
    ("Technologies", Some("Tech")),
    ("International", Some("Intl")),
    ("Manufacturing", Some("Mfg")),
    ("Services", Some("Svcs")),
    ("Systems", Some("Sys")),
    ("Solutions", None),
    ("Group", Some("Grp")),
    ("Holdings", None),
    ("Logistics", None),
    ("Consulting", None),
    ("Foods", None),
    ("Energy", None),
    ("Software", None),
    ("Laboratories", Some("Labs")),
    ("Industries", Some("Inds")),
    ("Partners", None),
    ("Capital", None),
    ("Media", None),
    ("Pharmaceuticals", Some("Pharma")),
    ("Electronics", None),
];

/// (country code, country name, legal-form variants, tld, phone code, cities)
type CountrySpec = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static [&'static str],
);

const COUNTRIES: &[CountrySpec] = &[
    (
        "US",
        "United States",
        &[
            "Inc.",
            "Inc",
            "Incorporated",
            "LLC",
            "Corp.",
            "Corporation",
            "Co.",
        ],
        "com",
        "1",
        &["Chicago", "New York", "Austin", "Seattle", "Boston"],
    ),
    (
        "DE",
        "Germany",
        &["GmbH", "G.m.b.H.", "AG", "GmbH & Co. KG"],
        "de",
        "49",
        &["Berlin", "München", "Köln", "Hamburg", "Düsseldorf"],
    ),
    (
        "GB",
        "United Kingdom",
        &["Ltd", "Ltd.", "Limited", "PLC"],
        "co.uk",
        "44",
        &["London", "Manchester", "Leeds", "Bristol"],
    ),
    (
        "NL",
        "Netherlands",
        &["B.V.", "BV", "N.V.", "N. V.", "NV"],
        "nl",
        "31",
        &["Amsterdam", "Eindhoven", "Rotterdam", "Utrecht"],
    ),
    (
        "FR",
        "France",
        &["S.A.", "SA", "SAS", "SARL"],
        "fr",
        "33",
        &["Paris", "Lyon", "Toulouse", "Nantes"],
    ),
    (
        "FI",
        "Finland",
        &["Oy", "Oyj", "Ab Oy"],
        "fi",
        "358",
        &["Helsinki", "Espoo", "Tampere"],
    ),
    (
        "JP",
        "Japan",
        &["KK", "K.K.", "Kabushiki Kaisha", "Co., Ltd."],
        "co.jp",
        "81",
        &["Tokyo", "Osaka", "Nagoya"],
    ),
    (
        "AU",
        "Australia",
        &["Pty Ltd", "Pty. Ltd.", "Pty Limited"],
        "com.au",
        "61",
        &["Sydney", "Melbourne", "Perth"],
    ),
    (
        "ES",
        "Spain",
        &["S.L.", "S.A.", "SL"],
        "es",
        "34",
        &["Madrid", "Barcelona", "Sevilla"],
    ),
    (
        "SE",
        "Sweden",
        &["AB", "Aktiebolag"],
        "se",
        "46",
        &["Stockholm", "Göteborg", "Malmö"],
    ),
];

const STREET_TYPES: &[(&str, &str)] = &[
    ("Street", "St."),
    ("Avenue", "Ave"),
    ("Road", "Rd."),
    ("Drive", "Dr."),
    ("Boulevard", "Blvd"),
];

/// A generated company: its clean record plus the parts noise is applied to.
#[derive(Debug, Clone)]
pub struct Company {
    /// Clean record.
    pub record: Record,
    core: Vec<String>,
    generic: Vec<usize>,
    country: usize,
    legal: usize,
    domain: String,
}

/// Seeded RNG used by all generators.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

fn coined(r: &mut impl Rng) -> String {
    let n = r.random_range(2..=3);
    let mut w = String::new();
    for _ in 0..n {
        w.push_str(SYLLABLES[r.random_range(0..SYLLABLES.len())]);
    }
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => w,
    }
}

fn digits(r: &mut impl Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.random_range(0..10u8)))
        .collect()
}

/// A new clean company. `sibling_of` reuses another company's first coined word (a hard
/// negative: "Kanimo Foods" vs "Kanimo Logistics" are different companies).
pub fn company(r: &mut impl Rng, id: u64, sibling_of: Option<&Company>) -> Company {
    let mut core = vec![coined(r)];
    if let Some(s) = sibling_of {
        core[0] = s.core[0].clone();
    }
    if r.random_bool(0.3) {
        core.push(coined(r));
    }
    let n_gen = if sibling_of.is_some() {
        1
    } else {
        r.random_range(0..=2)
    };
    let mut generic: Vec<usize> = (0..n_gen)
        .map(|_| r.random_range(0..GENERIC.len()))
        .collect();
    generic.dedup();
    if let Some(s) = sibling_of {
        while generic.iter().any(|g| s.generic.contains(g)) {
            generic = vec![r.random_range(0..GENERIC.len())];
        }
    }
    let country = r.random_range(0..COUNTRIES.len());
    let (cc, _, legals, tld, pcode, cities) = COUNTRIES[country];
    let legal = r.random_range(0..legals.len());
    let mut words: Vec<String> = core.clone();
    words.extend(generic.iter().map(|g| GENERIC[*g].0.to_string()));
    let base: String = words
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("");
    let domain = format!(
        "{base}{}.{tld}",
        if sibling_of.is_some() { "-group" } else { "" }
    );
    let street = STREET_TYPES[r.random_range(0..STREET_TYPES.len())].0;
    let record = Record {
        id: id.to_string(),
        name: format!("{} {}", words.join(" "), legals[legal]),
        website: Some(format!("https://www.{domain}")),
        phone: Some(format!("+{pcode} {} {}", digits(r, 2), digits(r, 7))),
        address: Some(format!("{} {} {street}", r.random_range(1..400), coined(r))),
        city: Some(cities[r.random_range(0..cities.len())].to_string()),
        postal_code: Some(digits(r, 5)),
        country: Some(cc.to_string()),
        industry: Some(GENERIC[r.random_range(0..GENERIC.len())].0.to_string()),
        ..Default::default()
    };
    Company {
        record,
        core,
        generic,
        country,
        legal,
        domain,
    }
}

pub(crate) fn typo(r: &mut impl Rng, w: &str) -> String {
    let mut c: Vec<char> = w.chars().collect();
    if c.len() < 4 {
        return w.to_string();
    }
    let i = r.random_range(1..c.len() - 1);
    match r.random_range(0..4) {
        0 => {
            c.remove(i);
        }
        1 => c.swap(i, i + 1),
        2 => c[i] = char::from(b'a' + r.random_range(0..26u8)),
        _ => c.insert(i, c[i]),
    }
    c.into_iter().collect()
}

/// Spacing noise as keyed-in records have it: two words run together ("Sales Force" as
/// "SalesForce") or one long word broken by a space or a hyphen ("Maatschappij" as "Maat-
/// schappij").
fn respace(r: &mut impl Rng, words: &mut Vec<String>) {
    if words.len() > 1 && r.random_bool(0.5) {
        let i = r.random_range(0..words.len() - 1);
        let next = words.remove(i + 1);
        words[i].push_str(&next);
        return;
    }
    let long: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().count() >= 8)
        .collect();
    if long.is_empty() {
        return;
    }
    let i = long[r.random_range(0..long.len())];
    let chars: Vec<char> = words[i].chars().collect();
    let cut = r.random_range(3..chars.len() - 2);
    let head: String = chars[..cut].iter().collect();
    let tail: String = chars[cut..].iter().collect();
    if r.random_bool(0.5) {
        words[i] = format!("{head}-{tail}");
    } else {
        words[i] = head;
        words.insert(i + 1, tail);
    }
}

/// A noisy variant of a company as another source might hold it. `noise` in [0, 1] scales how
/// often each kind of corruption is applied.
pub fn variant(r: &mut impl Rng, c: &Company, id: u64, noise: f64) -> Record {
    let p = |x: f64| x * noise;
    let (cc, cname, legals, _, pcode, _) = COUNTRIES[c.country];
    let mut core = c.core.clone();
    if r.random_bool(p(0.35)) {
        let k = r.random_range(0..core.len());
        core[k] = typo(r, &core[k]);
    }
    let mut generic: Vec<String> = Vec::new();
    for g in &c.generic {
        if r.random_bool(p(0.2)) {
            continue;
        }
        generic.push(match GENERIC[*g] {
            (_, Some(abbr)) if r.random_bool(0.4) => abbr.to_string(),
            (full, _) => full.to_string(),
        });
    }
    if r.random_bool(p(0.1)) && !generic.is_empty() {
        generic[0] = typo(r, &generic[0]);
    }
    let mut words: Vec<String> = core;
    if r.random_bool(p(0.1)) && words.len() > 1 {
        words.swap(0, 1);
    }
    words.extend(generic);
    if r.random_bool(p(0.1)) {
        respace(r, &mut words);
    }
    let mut name = words.join(if r.random_bool(p(0.1)) && words.len() > 1 {
        " & "
    } else {
        " "
    });
    let legal_roll: f64 = r.random();
    if legal_roll < p(0.25) {
        // no legal form
    } else if legal_roll < p(0.55) {
        name = format!("{name} {}", legals[r.random_range(0..legals.len())]);
    } else if cc == "NL" && r.random_bool(p(0.3)) {
        name = format!("{} {name}", legals[c.legal]);
    } else {
        name = format!("{name} {}", legals[c.legal]);
    }
    if r.random_bool(p(0.1)) {
        name = format!("{name} ({cname})");
    } else if r.random_bool(p(0.05)) {
        name = format!("{name},{cc}");
    }
    if r.random_bool(p(0.05)) {
        name = format!("The {name}");
    }
    match r.random_range(0..10) {
        0..=2 if noise > 0.0 => name = name.to_uppercase(),
        3 if noise > 0.0 => name = name.to_lowercase(),
        _ => {}
    }
    let d = &c.domain;
    let (website, email) = match r.random_range(0..8) {
        _ if r.random_bool(p(0.3)) => (None, None),
        0 => (Some(d.clone()), None),
        1 => (Some(format!("www.{d}")), None),
        2 => (Some(format!("http://{d}/contact")), None),
        3 => (None, Some(format!("info@{d}"))),
        4 => (None, Some(format!("sales@mail.{d}"))),
        _ => (Some(format!("https://www.{d}/")), None),
    };
    let base = &c.record;
    let phone = base.phone.as_ref().and_then(|ph| {
        if r.random_bool(p(0.4)) {
            return None;
        }
        let digits: String = ph.chars().filter(char::is_ascii_digit).collect();
        let local = &digits[pcode.len()..];
        Some(match r.random_range(0..3) {
            0 => format!("0{} {}", &local[..2], &local[2..]),
            1 => format!("00{pcode}{local}"),
            _ => ph.clone(),
        })
    });
    let address = base.address.as_ref().and_then(|a| {
        if r.random_bool(p(0.4)) {
            return None;
        }
        let mut a = a.clone();
        for (full, short) in STREET_TYPES {
            if r.random_bool(0.5) {
                a = a.replace(full, short);
            }
        }
        Some(a)
    });
    let keep = |r: &mut dyn RngCore, v: &Option<String>, drop: f64| {
        if r.random_bool(p(drop)) {
            None
        } else {
            v.clone()
        }
    };
    Record {
        id: id.to_string(),
        name,
        website,
        email,
        phone,
        address,
        city: keep(r, &base.city, 0.3),
        postal_code: keep(r, &base.postal_code, 0.3),
        country: match r.random_range(0..3) {
            0 => Some(cname.to_string()),
            1 => None,
            _ => base.country.clone(),
        },
        industry: base.industry.clone(),
        ..Default::default()
    }
}

/// A dedupe set: `n` companies (a fifth of them siblings of an earlier one, as hard
/// negatives), each with 1-4 noisy records. Returns records and entity labels.
pub fn dedupe_set(seed: u64, n: usize, noise: f64) -> (Vec<Record>, Vec<String>) {
    let mut r = rng(seed);
    let mut companies: Vec<Company> = Vec::with_capacity(n);
    let mut recs = Vec::new();
    let mut labels = Vec::new();
    for e in 0..n {
        let sib = if e > 0 && r.random_bool(0.2) {
            Some(companies[r.random_range(0..e)].clone())
        } else {
            None
        };
        let c = company(&mut r, e as u64, sib.as_ref());
        let k = r.random_range(1..=4);
        for _ in 0..k {
            let id = recs.len() as u64;
            recs.push(variant(&mut r, &c, id, noise));
            labels.push(format!("s{e}"));
        }
        companies.push(c);
    }
    (recs, labels)
}

/// Two lists for account mapping: `n_left` clean accounts and `n_right` partner records, of
/// which a `planted` fraction are noisy variants of a left account. Returns the lists and, per
/// right record, the index of its true left account.
pub fn link_lists(
    seed: u64,
    n_left: usize,
    n_right: usize,
    planted: f64,
    noise: f64,
) -> (Vec<Record>, Vec<Record>, Vec<Option<usize>>) {
    use rayon::prelude::*;
    // Chunks with their own seeds keep generation parallel yet deterministic.
    const CHUNK: usize = 10_000;
    let chunks = n_left.div_ceil(CHUNK);
    let companies: Vec<Company> = (0..chunks)
        .into_par_iter()
        .flat_map_iter(|ch| {
            let mut r = rng(seed ^ (ch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let lo = ch * CHUNK;
            let hi = ((ch + 1) * CHUNK).min(n_left);
            (lo..hi)
                .map(move |i| company(&mut r, i as u64, None))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut r = rng(seed.wrapping_add(1));
    let mut right = Vec::with_capacity(n_right);
    let mut truth = Vec::with_capacity(n_right);
    for j in 0..n_right {
        if r.random_bool(planted) && !companies.is_empty() {
            let i = r.random_range(0..companies.len());
            right.push(variant(&mut r, &companies[i], j as u64, noise));
            truth.push(Some(i));
        } else {
            let c = company(&mut r, (n_left + j) as u64, None);
            right.push(variant(&mut r, &c, j as u64, noise));
            truth.push(None);
        }
    }
    let left = companies.into_iter().map(|c| c.record).collect();
    (left, right, truth)
}
