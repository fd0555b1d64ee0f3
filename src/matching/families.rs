//! A third generated shape for the matcher: company families. A group ("Holmberg") runs several
//! companies, one per line of business ("Holmberg Wind Power AB", "Holmberg Precision Tools
//! AB"), mostly in the group's home city, some behind the group's switchboard or on its website.
//! The labels keep the companies of a group apart: a line of business that one name holds and
//! the other lacks parts them. A value the group shares is held by several records of a list,
//! so it weighs what its frequency says (the `*_equal_nats` features). Siblings never share a
//! street address: by the matcher's contract, other fields that agree (Chicago's labels make
//! one entity of a site) may overrule a differing word, so a world calling such records
//! strangers would teach the opposite.
//!
//! Built to be unlike both other generated worlds, so that a fold holding one of them out still
//! trains on companies that share a root and a city ([`super::stress`] writes such names from
//! syllables with one-word descriptors and no addresses; [`super::synth`] puts its siblings in
//! other cities with other addresses): other countries, legal forms and words, multi-word lines
//! of business, street addresses and postal codes, values shared within a group, a third of the
//! right records without a counterpart (most of them a sibling of a left company), and the noise
//! of keyed-in records (abbreviated lines and streets, legal forms dropped or spelled out, a
//! typo, missing fields). Its shares were set when it was written, before any model saw it.
//!
//! The matcher's contract holds here as in the stress world: a name that wholly opens another
//! of its group, legal form aside, is one company or a division of it, so no record without a
//! counterpart is drawn so.

use rand::prelude::*;
use rand_chacha::ChaCha8Rng;

use super::devsets::LinkSet;
use super::record::Record;

const HEADS: &[&str] = &[
    "Aal", "Bern", "Cald", "Dorn", "Eck", "Falk", "Grun", "Holm", "Iver", "Jarl", "Kron", "Lind",
    "Mors", "Nyb", "Orm", "Pell", "Quist", "Rask", "Strom", "Thal", "Ulv", "Vest", "Wick", "Ysel",
];
/// An optional middle syllable ("Holmenberg"), so that a country holds enough group names.
const MIDS: &[&str] = &["", "", "en", "er", "s", "a"];
const TAILS: &[&str] = &[
    "berg", "holt", "by", "dal", "stad", "wick", "mark", "feld", "hus", "vik", "mo", "gaard",
];
/// Lines of business, with the abbreviation a keyed-in record may use.
const LINES: &[(&str, Option<&str>)] = &[
    ("Industrial Coatings", Some("Ind. Coatings")),
    ("Freight Forwarding", None),
    ("Property Management", Some("Property Mgmt")),
    ("Dental Supplies", None),
    ("Wind Power", None),
    ("Packaging", Some("Pkg")),
    ("Insurance Brokers", None),
    ("Precision Tools", None),
    ("Facility Services", Some("Facility Svcs")),
    ("Data Centres", None),
    ("Pharma", None),
    ("Agritech", None),
    ("Printing", None),
    ("Aerospace", None),
    ("Water Treatment", None),
    ("Engineering", Some("Eng.")),
    ("Real Estate", None),
    ("Automotive", None),
    ("Chemicals", None),
    ("Telecom", None),
    ("Construction", Some("Constr.")),
    ("Trading", None),
    ("International", Some("Intl")),
    ("Group", None),
];
/// Street names: with house numbers up to 1,500, enough that two companies of a city share an
/// address only by rare chance, as in a real city.
const STREETS: &[&str] = &[
    "Linden", "Harbor", "Mill", "Oak", "Station", "Market", "Church", "River", "Castle", "Meadow",
    "Forge", "Bridge", "Garden", "Maple", "Quarry", "Spring", "Ash", "Birch", "Canal", "Dock",
    "Elm", "Ferry", "Glen", "Hill", "Island", "Juniper", "King", "Lake", "Moor", "North",
    "Orchard", "Park", "Queen", "Rose", "School", "Tower", "Union", "Vine", "Well", "York",
];

/// A country: code, legal forms with a spelled-out or reformatted form, cities, the word a
/// division adds, phone prefix, how it writes an address in full and abbreviated (`{s}` the
/// street, `{n}` the house number) and the shape of a postal code (`#` a digit).
struct Country {
    code: &'static str,
    legal: &'static [(&'static str, &'static str)],
    cities: &'static [&'static str],
    division: &'static str,
    phone: &'static str,
    address: [&'static str; 2],
    postal: &'static str,
}

impl Country {
    fn address(&self, street: &str, number: u32, short: bool) -> String {
        self.address[usize::from(short)]
            .replace("{s}", street)
            .replace("{n}", &number.to_string())
    }

    fn postal(&self, r: &mut ChaCha8Rng) -> String {
        self.postal
            .chars()
            .map(|c| if c == '#' { digit(r) } else { c })
            .collect()
    }
}

fn digit(r: &mut ChaCha8Rng) -> char {
    char::from(b'0' + r.random_range(0..10u8))
}

fn digits(r: &mut ChaCha8Rng, n: usize) -> String {
    (0..n).map(|_| digit(r)).collect()
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "SE",
        legal: &[("AB", "Aktiebolag")],
        cities: &["Malmö", "Göteborg", "Uppsala"],
        division: "Nordic",
        phone: "+46",
        address: ["{s}gatan {n}", "{s}g. {n}"],
        postal: "### ##",
    },
    Country {
        code: "FR",
        legal: &[("SAS", "S.A.S."), ("SARL", "S.A.R.L.")],
        cities: &["Lyon", "Lille", "Nantes"],
        division: "France",
        phone: "+33",
        address: ["{n} rue {s}", "{n}, r. {s}"],
        postal: "#####",
    },
    Country {
        code: "ES",
        legal: &[("S.L.", "SL"), ("S.A.", "Sociedad Anónima")],
        cities: &["Valencia", "Sevilla", "Bilbao"],
        division: "Iberia",
        phone: "+34",
        address: ["Calle {s} {n}", "C/ {s}, {n}"],
        postal: "#####",
    },
    Country {
        code: "PL",
        legal: &[("Sp. z o.o.", "Sp.z o.o.")],
        cities: &["Gdansk", "Poznan", "Krakow"],
        division: "Polska",
        phone: "+48",
        address: ["ul. {s} {n}", "{s} {n}"],
        postal: "##-###",
    },
    Country {
        code: "US",
        legal: &[("LLC", "L.L.C."), ("Corp.", "Corporation")],
        cities: &["Portland", "Raleigh", "Tampa"],
        division: "Americas",
        phone: "+1",
        address: ["{n} {s} Avenue", "{n} {s} Ave"],
        postal: "#####",
    },
];

/// Where and how a company is reached.
struct Site {
    street: &'static str,
    number: u32,
    postal: String,
    phone: String,
}

fn site(r: &mut ChaCha8Rng, country: &Country) -> Site {
    Site {
        street: STREETS[r.random_range(0..STREETS.len())],
        number: r.random_range(1..1500),
        postal: country.postal(r),
        phone: format!("{} {} {}", country.phone, digits(r, 3), digits(r, 6)),
    }
}

struct Group {
    name: String,
    country: usize,
    legal: usize,
    home: &'static str,
    switchboard: String,
}

struct Company {
    group: usize,
    line: usize,
    city: &'static str,
    site: Site,
    domain: String,
}

/// Shares fixed when this world was written, before any model saw it.
const IN_HOME_CITY: f64 = 0.6;
const ON_SWITCHBOARD: f64 = 0.2;
const ON_GROUP_SITE: f64 = 0.25;
const ON_LEFT: f64 = 0.7;
const COPIES: f64 = 0.65;

fn group(r: &mut ChaCha8Rng) -> Group {
    let head = HEADS[(r.random::<f64>().powi(2) * HEADS.len() as f64) as usize];
    let mid = MIDS[r.random_range(0..MIDS.len())];
    let tail = TAILS[(r.random::<f64>().powi(2) * TAILS.len() as f64) as usize];
    let country = r.random_range(0..COUNTRIES.len());
    let c = &COUNTRIES[country];
    Group {
        name: format!("{head}{mid}{tail}"),
        country,
        legal: r.random_range(0..c.legal.len()),
        home: c.cities[r.random_range(0..c.cities.len())],
        switchboard: site(r, c).phone,
    }
}

/// The companies of group `g`: one to eight lines of business, none twice.
fn members(r: &mut ChaCha8Rng, groups: &[Group], g: usize) -> Vec<Company> {
    let grp = &groups[g];
    let c = &COUNTRIES[grp.country];
    let n = 1 + (r.random::<f64>().powi(3) * 8.0) as usize;
    let mut lines: Vec<usize> = (0..LINES.len()).collect();
    lines.shuffle(r);
    lines.truncate(n);
    lines
        .into_iter()
        .map(|line| {
            let city = if r.random_bool(IN_HOME_CITY) {
                grp.home
            } else {
                c.cities[r.random_range(0..c.cities.len())]
            };
            let mut s = site(r, c);
            if r.random_bool(ON_SWITCHBOARD) {
                s.phone = grp.switchboard.clone();
            }
            let tld = c.code.to_lowercase();
            let domain = if r.random_bool(ON_GROUP_SITE) {
                format!("{}.{tld}", grp.name.to_lowercase())
            } else {
                let word = LINES[line].0.split(' ').next().unwrap_or("");
                format!("{}-{}.{tld}", grp.name.to_lowercase(), word.to_lowercase())
            };
            Company {
                group: g,
                line,
                city,
                site: s,
                domain,
            }
        })
        .collect()
}

/// A company's record: clean (as the vendor's CRM holds it) or keyed in by a partner.
fn record(r: &mut ChaCha8Rng, id: String, groups: &[Group], c: &Company, noisy: bool) -> Record {
    let grp = &groups[c.group];
    let country = &COUNTRIES[grp.country];
    let (legal, spelled) = country.legal[grp.legal];
    let (line, abbr) = LINES[c.line];
    let p = |x: f64| if noisy { x } else { 0.0 };
    let mut words: Vec<String> = vec![grp.name.clone()];
    match abbr {
        Some(a) if r.random_bool(p(0.3)) => words.push(a.to_string()),
        _ => words.push(line.to_string()),
    }
    if r.random_bool(p(0.08)) {
        // A division named after its region: by the matcher's contract, the same company.
        words.push(country.division.to_string());
    }
    if r.random_bool(p(0.15)) {
        let k = r.random_range(0..words.len());
        words[k] = super::synth::typo(r, &words[k]);
    }
    match r.random_range(0..20) {
        _ if !noisy => words.push(legal.to_string()),
        0..=5 => {}
        6..=8 => words.push(spelled.to_string()),
        _ => words.push(legal.to_string()),
    }
    let mut name = words.join(" ");
    if r.random_bool(p(0.15)) {
        name = name.to_uppercase();
    }
    let shown = |r: &mut ChaCha8Rng, clean: f64, keyed: f64| {
        r.random_bool(if noisy { keyed } else { clean })
    };
    Record {
        id,
        name,
        website: shown(r, 0.6, 0.4).then(|| format!("https://www.{}", c.domain)),
        phone: shown(r, 0.6, 0.4).then(|| c.site.phone.clone()),
        address: shown(r, 1.0, 0.8)
            .then(|| country.address(c.site.street, c.site.number, r.random_bool(p(0.3)))),
        city: shown(r, 1.0, 0.9).then(|| c.city.to_string()),
        postal_code: shown(r, 1.0, 0.75).then(|| c.site.postal.clone()),
        country: Some(country.code.to_string()),
        ..Record::default()
    }
}

/// Most left records a families world holds: its name space (about 200,000 names a country,
/// drawn with a skew) stays sparse enough below it that drawing never stalls.
pub const MAX_LEFT: usize = 50_000;

/// Generates a families world of `n_left` vendor records (at most [`MAX_LEFT`]) and `n_right`
/// partner records, deterministic for `seed`. Returns it as a labelled two-list set: a left
/// record is its own entity, a right record that of its counterpart or, without one, its own.
pub fn generate(seed: u64, n_left: usize, n_right: usize, name: String) -> Result<LinkSet, String> {
    if n_left == 0 || n_left > MAX_LEFT {
        return Err(format!(
            "a families world holds 1 to {MAX_LEFT} left records, not {n_left}"
        ));
    }
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let mut groups = Vec::new();
    let mut left_cos: Vec<Company> = Vec::with_capacity(n_left);
    let mut held: Vec<Company> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while left_cos.len() < n_left {
        groups.push(group(&mut r));
        let g = groups.len() - 1;
        for c in members(&mut r, &groups, g) {
            // One company per name in a country: two groups may share a name (in one city or
            // two), but not a line of business, so a record without its city is still one
            // company's.
            let grp = &groups[g];
            if !seen.insert((grp.name.clone(), c.line, grp.country)) {
                continue;
            }
            if r.random_bool(ON_LEFT) && left_cos.len() < n_left {
                left_cos.push(c);
            } else {
                held.push(c);
            }
        }
    }
    held.shuffle(&mut r);
    let left: Vec<Record> = left_cos
        .iter()
        .enumerate()
        .map(|(i, c)| record(&mut r, format!("L{i}"), &groups, c, false))
        .collect();
    let mut right = Vec::with_capacity(n_right);
    let mut right_labels = Vec::with_capacity(n_right);
    for j in 0..n_right {
        let id = format!("R{j}");
        if r.random_bool(COPIES) {
            let i = r.random_range(0..left_cos.len());
            right.push(record(&mut r, id, &groups, &left_cos[i], true));
            right_labels.push(left[i].id.clone());
        } else {
            // A sibling of left companies when one is left, else a company of a new group.
            let c = match held.pop() {
                Some(c) => c,
                None => loop {
                    groups.push(group(&mut r));
                    let g = groups.len() - 1;
                    let c = members(&mut r, &groups, g).swap_remove(0);
                    if seen.insert((groups[g].name.clone(), c.line, groups[g].country)) {
                        break c;
                    }
                },
            };
            right.push(record(&mut r, id.clone(), &groups, &c, true));
            right_labels.push(id);
        }
    }
    Ok(LinkSet {
        name,
        left_labels: left.iter().map(|l| l.id.clone()).collect(),
        left,
        right,
        right_labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_share_a_name_city_and_some_a_phone_yet_are_other_entities() {
        let w = generate(5, 4_000, 2_000, "families".into()).unwrap();
        assert_eq!(w.left.len(), 4_000);
        assert_eq!(w.right.len(), 2_000);
        assert_eq!(
            generate(5, 4_000, 2_000, "again".into()).unwrap().right,
            w.right,
            "deterministic for a seed"
        );
        let copies = w.right_labels.iter().filter(|l| l.starts_with('L')).count();
        let share = copies as f64 / w.right.len() as f64;
        assert!((0.6..0.7).contains(&share), "{share}");
        // Right records without a counterpart whose group word, city and phone a left record
        // shares: the hard negatives this world is for.
        let first = |r: &Record| r.name.split(' ').next().unwrap_or("").to_lowercase();
        let hard = w
            .right
            .iter()
            .zip(&w.right_labels)
            .filter(|(r, l)| r.id == **l && r.phone.is_some())
            .filter(|(r, _)| {
                w.left
                    .iter()
                    .any(|l| first(l) == first(r) && l.city == r.city && l.phone == r.phone)
            })
            .count();
        assert!(hard >= 10, "{hard}");
    }

    #[test]
    fn no_record_without_a_counterpart_opens_a_left_name_of_its_group() {
        let w = generate(9, 3_000, 1_500, "families".into()).unwrap();
        let words = |r: &Record| -> Vec<String> {
            r.name
                .to_lowercase()
                .split_whitespace()
                .map(String::from)
                .collect()
        };
        for (r, _) in w
            .right
            .iter()
            .zip(&w.right_labels)
            .filter(|(r, l)| r.id == **l)
        {
            let rw = words(r);
            for l in &w.left {
                let lw = words(l);
                let n = rw.len().min(lw.len()) - 1;
                // All but the legal form or a region word: the shorter name's group word and
                // line must not be the longer one's first words.
                assert!(
                    n < 2 || rw[..n] != lw[..n] || l.city != r.city,
                    "{} / {}",
                    r.name,
                    l.name
                );
            }
        }
    }
}
