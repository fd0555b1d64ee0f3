//! The noise model: how a partner's CRM export spells a company the vendor knows.
//!
//! Every rate below is documented in `fixtures/README.md`; change both together. Noise is drawn
//! from the partner's own stream, so two partners listing one company spell it independently,
//! while the company's address and phone (drawn from the company's stream) stay the same.

use super::catalog::{COUNTRIES, INDUSTRY_SPELLINGS, LEGAL, Postal, STREETS};
use super::catalog::{FIRST_NAMES, SURNAMES};
use super::names::{CompanyName, DESCRIPTORS, NONE, NameBook, fold_ascii, slug};
use super::sample::{Stream, mix, pick, rng_for, weighted};
use super::world::{Assign, Company};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;

/// One row of a partner's CSV export.
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub id: String,
    pub relation: String,
    pub name: String,
    pub domain: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub industry: Option<String>,
}

impl Row {
    /// The fields in the CSV header's order, absent ones empty.
    pub fn fields(&self) -> [&str; 13] {
        fn o(s: &Option<String>) -> &str {
            s.as_deref().unwrap_or("")
        }
        [
            &self.id,
            &self.relation,
            &self.name,
            o(&self.domain),
            o(&self.website),
            o(&self.email),
            o(&self.phone),
            o(&self.address),
            o(&self.city),
            o(&self.region),
            o(&self.postal_code),
            o(&self.country),
            o(&self.industry),
        ]
    }
}

/// The CSV header of a partner export: the upload format without `account_id`, because a real
/// CRM export does not know the vendor's account ids and resolution must find them.
pub(crate) const HEADER: &[&str] = crate::domain::RECORD_CSV_COLUMNS
    .split_last()
    .expect("the column list is not empty")
    .1;

/// How a partner's CRM numbers its rows; each partner uses one style.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CrmIds {
    /// Salesforce-like 18-character ids.
    Salesforce(u64),
    /// HubSpot-like large integers.
    HubSpot(u64),
    /// Dynamics-like GUIDs.
    Dynamics(u64),
    /// Spreadsheet-style `ACC-000123`.
    Sheet(u64),
}

impl CrmIds {
    /// Picks the style and starting point for one partner.
    pub fn for_partner(rng: &mut ChaCha8Rng) -> CrmIds {
        let base: u64 = rng.random_range(1_000..1_000_000_000);
        match weighted(rng, &[0.45, 0.25, 0.15, 0.15]) {
            0 => CrmIds::Salesforce(base),
            1 => CrmIds::HubSpot(base * 10),
            2 => CrmIds::Dynamics(rng.random()),
            _ => CrmIds::Sheet(base % 10_000),
        }
    }

    /// The id of row `k`; distinct rows get distinct ids.
    pub fn id(self, k: u64) -> String {
        match self {
            CrmIds::Salesforce(base) => {
                const B62: &[u8] =
                    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
                let mut n = base * 7919 + k;
                let mut body = [b'0'; 12];
                for slot in body.iter_mut().rev() {
                    *slot = B62[(n % 62) as usize];
                    n /= 62;
                }
                let check = mix(base ^ k);
                let mut s = String::with_capacity(18);
                s.push_str("001");
                s.push_str(std::str::from_utf8(&body).unwrap_or("000000000000"));
                for i in 0..3 {
                    s.push(B62[((check >> (i * 8)) % 62) as usize] as char);
                }
                s
            }
            CrmIds::HubSpot(base) => (base + k * 37).to_string(),
            CrmIds::Dynamics(salt) => {
                let a = mix(salt ^ k);
                let b = mix(a ^ 0x5bd1_e995);
                format!(
                    "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xfff,
                    (b >> 48) & 0x3fff | 0x8000,
                    b & 0xffff_ffff_ffff
                )
            }
            CrmIds::Sheet(base) => format!("ACC-{:06}", base + k),
        }
    }
}

/// A company's street address and phone, the same in every partner's export.
struct Site {
    street: String,
    city: &'static str,
    state: &'static str,
    postal: String,
    area: String,
    line: String,
}

fn site(seed: u64, entity: u32, country: usize, variant: u64) -> Site {
    let mut rng = rng_for(seed, Stream::Site, u64::from(entity) * 4 + variant);
    let c = &COUNTRIES[country];
    let (city, state) = *pick(&mut rng, c.cities);
    let number = rng.random_range(1..2500u32);
    let street = pick(&mut rng, STREETS);
    let street =
        if matches!(c.region, crate::domain::Region::Na) || c.code == "GB" || c.code == "AU" {
            format!("{number} {street}")
        } else {
            format!("{street} {}", number % 300 + 1)
        };
    let d = |rng: &mut ChaCha8Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect()
    };
    let postal = match c.postal {
        Postal::Digits5 => d(&mut rng, 5),
        Postal::Digits4 => d(&mut rng, 4),
        Postal::Digits6 => d(&mut rng, 6),
        Postal::Uk => {
            let l = |rng: &mut ChaCha8Rng| char::from(b'A' + rng.random_range(0..26u8));
            format!(
                "{}{}{} {}{}{}",
                l(&mut rng),
                l(&mut rng),
                d(&mut rng, 1),
                d(&mut rng, 1),
                l(&mut rng),
                l(&mut rng)
            )
        }
        Postal::Ca => {
            let l = |rng: &mut ChaCha8Rng| char::from(b'A' + rng.random_range(0..26u8));
            format!(
                "{}{}{} {}{}{}",
                l(&mut rng),
                d(&mut rng, 1),
                l(&mut rng),
                d(&mut rng, 1),
                l(&mut rng),
                d(&mut rng, 1)
            )
        }
        Postal::Nl => {
            let l = |rng: &mut ChaCha8Rng| char::from(b'A' + rng.random_range(0..26u8));
            format!("{} {}{}", d(&mut rng, 4), l(&mut rng), l(&mut rng))
        }
        Postal::Jp => format!("{}-{}", d(&mut rng, 3), d(&mut rng, 4)),
        Postal::Br => format!("{}-{}", d(&mut rng, 5), d(&mut rng, 3)),
        Postal::Se => format!("{} {}", d(&mut rng, 3), d(&mut rng, 2)),
        Postal::Pl => format!("{}-{}", d(&mut rng, 2), d(&mut rng, 3)),
    };
    let area = format!("{}{}", rng.random_range(2..10u8), d(&mut rng, 2));
    let line = d(&mut rng, 7);
    Site {
        street,
        city,
        state,
        postal,
        area,
        line,
    }
}

/// Renders the row a partner's CRM holds for `a`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn row(
    rng: &mut ChaCha8Rng,
    seed: u64,
    book: &NameBook,
    company: &Company,
    a: &Assign,
    id: String,
) -> Row {
    let home = company.country as usize;
    let (country, name, domain) = if a.division {
        division(rng, book, company)
    } else {
        (
            home,
            noisy_name(rng, book, &company.name, home),
            company.domain.as_deref().map(str::to_string),
        )
    };
    let site = site(seed, a.entity, country, u64::from(country != home));
    let c = &COUNTRIES[country];
    let relation = {
        let r = a.relation.as_str();
        match weighted(rng, &[0.95, 0.04, 0.01]) {
            0 => r.to_string(),
            1 => capitalise(r),
            _ => r.to_ascii_uppercase(),
        }
    };
    let mut out = Row {
        id,
        relation,
        name,
        ..Row::default()
    };
    if let Some(d) = &domain {
        if rng.random_bool(0.55) {
            out.domain = Some(domain_form(rng, d));
        }
        if rng.random_bool(0.60) {
            out.website = Some(website_form(rng, d));
        }
    }
    if rng.random_bool(0.45) {
        out.email = email(rng, domain.as_deref());
    }
    if rng.random_bool(0.55) {
        out.phone = Some(phone(rng, c.phone, &site));
    }
    if rng.random_bool(0.50) {
        out.address = Some(address(rng, &site.street));
    }
    if rng.random_bool(0.75) {
        out.city = Some(match weighted(rng, &[0.93, 0.04, 0.03]) {
            0 => site.city.to_string(),
            1 => site.city.to_uppercase(),
            _ => site.city.to_lowercase(),
        });
    }
    if rng.random_bool(0.45) {
        out.region = Some(site.state.to_string());
    }
    if rng.random_bool(0.50) {
        out.postal_code = Some(site.postal.clone());
    }
    if rng.random_bool(0.85) {
        out.country = Some(if rng.random_bool(0.45) {
            if rng.random_bool(0.05) {
                c.code.to_ascii_lowercase()
            } else {
                c.code.to_string()
            }
        } else {
            (*pick(rng, c.names)).to_string()
        });
    }
    if rng.random_bool(0.55) {
        let spellings = INDUSTRY_SPELLINGS[company.industry as usize];
        out.industry = Some(if rng.random_bool(0.5) {
            spellings[0].to_string()
        } else {
            (*pick(rng, spellings)).to_string()
        });
    }
    out
}

/// A subsidiary or regional division: "Acme GmbH (Germany)", "Acme UK Ltd", "Acme - EMEA",
/// "Acme Holdings Inc.". It belongs to the parent's account, often in another country.
fn division(
    rng: &mut ChaCha8Rng,
    book: &NameBook,
    company: &Company,
) -> (usize, String, Option<String>) {
    let home = company.country as usize;
    let same_region: Vec<usize> = (0..COUNTRIES.len())
        .filter(|&i| i != home && COUNTRIES[i].region == COUNTRIES[home].region)
        .collect();
    let country = if !same_region.is_empty() && rng.random_bool(0.6) {
        *pick(rng, &same_region)
    } else {
        rng.random_range(0..COUNTRIES.len())
    };
    let c = &COUNTRIES[country];
    let root = if rng.random_bool(0.5) {
        fold_ascii(&company.name.root)
    } else {
        company.name.root.to_string()
    };
    let local_legal = LEGAL[*pick(rng, book.legal_forms(country)) as usize].canonical;
    let name = match weighted(rng, &[0.35, 0.30, 0.20, 0.15]) {
        0 => format!("{} ({})", company.name.render(), c.names[0]),
        1 => {
            let label = if c.code == "GB" {
                "UK"
            } else {
                *pick(rng, &c.names[..2.min(c.names.len())])
            };
            format!("{root} {label} {local_legal}")
        }
        2 => {
            let region = match c.region {
                crate::domain::Region::Na => *pick(rng, &["North America", "NA", "Americas"]),
                crate::domain::Region::Latam => *pick(rng, &["LATAM", "Latin America", "LatAm"]),
                crate::domain::Region::Emea => *pick(rng, &["EMEA", "Europe", "EMEA Region"]),
                crate::domain::Region::Apac => {
                    *pick(rng, &["APAC", "Asia Pacific", "Asia-Pacific"])
                }
            };
            format!("{} - {region}", company.name.short())
        }
        _ => format!(
            "{root} {} {local_legal}",
            pick(rng, &["Holdings", "Group", "International"])
        ),
    };
    let name = if rng.random_bool(0.06) {
        name.to_uppercase()
    } else {
        name
    };
    // Divisions often run a country-code domain of their own.
    let domain = company.domain.as_deref().map(|d| {
        if rng.random_bool(0.4) && c.tld != "com" {
            let label = d.split('.').next().unwrap_or(d);
            format!("{label}.{}", c.tld)
        } else {
            d.to_string()
        }
    });
    (country, name, domain)
}

/// A partner's spelling of a company name. Rates: legal form kept 45%, varied 22%, dropped 25%,
/// stacked 5%, swapped 3%; descriptor abbreviated 25%, dropped 4%; typos 8% (+1.5% a second);
/// upper case 8%, lower case 3%; accents folded 50%; coined root split 4%.
pub(crate) fn noisy_name(
    rng: &mut ChaCha8Rng,
    book: &NameBook,
    n: &CompanyName,
    country: usize,
) -> String {
    let mut body = String::with_capacity(48);
    if (n.article && rng.random_bool(0.6)) || (!n.article && rng.random_bool(0.01)) {
        body.push_str("The ");
    }
    let mut root = n.root.to_string();
    if !root.is_ascii() && rng.random_bool(0.5) {
        root = fold_ascii(&root);
    }
    if n.split > 0 && root.is_char_boundary(n.split as usize) && rng.random_bool(0.04) {
        let (a, b) = root.split_at(n.split as usize);
        root = if rng.random_bool(0.5) {
            format!("{a} {}", capitalise(b))
        } else {
            format!("{a}{}", capitalise(b))
        };
    }
    if root.contains(" & ") && rng.random_bool(0.3) {
        root = root.replace(" & ", " and ");
    }
    body.push_str(&root);
    let n_words = n.words.iter().filter(|w| **w != NONE).count();
    for (i, w) in n.words.iter().enumerate() {
        if *w == NONE {
            continue;
        }
        // Dropping the only descriptor ("Nordlicht GmbH") is rarer than dropping a second one.
        if rng.random_bool(if n_words == 2 && i == 1 { 0.10 } else { 0.04 }) {
            continue;
        }
        if i == 1 && n.amp {
            body.push_str(if rng.random_bool(0.4) { " and " } else { " & " });
        } else {
            body.push(' ');
        }
        let (word, abbrs) = DESCRIPTORS[*w as usize];
        if !abbrs.is_empty() && rng.random_bool(0.25) {
            body.push_str(pick::<&str>(rng, abbrs));
        } else {
            body.push_str(word);
        }
    }
    let typos = if rng.random_bool(0.08) {
        1 + usize::from(rng.random_bool(0.19))
    } else {
        0
    };
    for _ in 0..typos {
        body = typo(rng, &body);
    }
    let legal = legal(rng, book, n.legal, country);
    let mut s = body;
    if let Some(l) = legal {
        if !l.starts_with(',') {
            s.push(' ');
        }
        s.push_str(&l);
    }
    if rng.random_bool(0.015) {
        if let Some(p) = s.find(' ') {
            s.insert(p, ' ');
        }
    }
    match weighted(rng, &[0.89, 0.08, 0.03]) {
        0 => s,
        1 => s.to_uppercase(),
        _ => s.to_lowercase(),
    }
}

/// The legal form as a partner writes it, or none.
fn legal(rng: &mut ChaCha8Rng, book: &NameBook, legal: u8, country: usize) -> Option<String> {
    let forms = book.legal_forms(country);
    if legal == NONE {
        return rng
            .random_bool(0.03)
            .then(|| LEGAL[*pick(rng, forms) as usize].canonical.to_string());
    }
    let form = &LEGAL[legal as usize];
    let other = |rng: &mut ChaCha8Rng| -> Option<&'static str> {
        let alts: Vec<u8> = forms.iter().copied().filter(|f| *f != legal).collect();
        (!alts.is_empty()).then(|| LEGAL[*pick(rng, &alts) as usize].canonical)
    };
    match weighted(rng, &[0.45, 0.22, 0.25, 0.05, 0.03]) {
        0 => Some(form.canonical.to_string()),
        1 => Some((*pick(rng, form.variants)).to_string()),
        2 => None,
        3 => {
            let second = other(rng).unwrap_or("Inc.");
            Some(format!("{}, {second}", form.canonical))
        }
        _ => other(rng).map(str::to_string),
    }
}

/// One typing error: transposition, dropped, doubled or neighbouring letter.
fn typo(rng: &mut ChaCha8Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if letters.len() < 4 {
        return s.to_string();
    }
    // Keep the first letter: people rarely mistype it, and blocking keys often use it.
    let i = letters[rng.random_range(1..letters.len())];
    match rng.random_range(0..4) {
        0 if i + 1 < chars.len() && chars[i + 1].is_alphabetic() => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        2 => chars.insert(i, chars[i]),
        _ => {
            const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
            let lower = chars[i].to_ascii_lowercase();
            if let Some(row) = ROWS.iter().find(|r| r.contains(lower)) {
                let b = row.as_bytes();
                let k = row.find(lower).unwrap_or(0);
                let j = if k + 1 < b.len() && (k == 0 || rng.random_bool(0.5)) {
                    k + 1
                } else {
                    k.saturating_sub(1)
                };
                let c = char::from(b[j]);
                chars[i] = if chars[i].is_uppercase() {
                    c.to_ascii_uppercase()
                } else {
                    c
                };
            } else {
                chars.remove(i);
            }
        }
    }
    chars.into_iter().collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The domain column: bare 62%, `www.` 15%, full URL 14%, upper case 5%, subdomain 4%.
fn domain_form(rng: &mut ChaCha8Rng, d: &str) -> String {
    match weighted(rng, &[0.62, 0.15, 0.08, 0.06, 0.05, 0.04]) {
        0 => d.to_string(),
        1 => format!("www.{d}"),
        2 => format!("https://www.{d}/"),
        3 => format!("http://{d}"),
        4 => d.to_uppercase(),
        _ => format!("{}.{d}", pick(rng, &["shop", "mail", "portal", "eu", "us"])),
    }
}

/// The website column: mostly a URL, sometimes a bare domain or a deep link.
fn website_form(rng: &mut ChaCha8Rng, d: &str) -> String {
    match weighted(rng, &[0.35, 0.25, 0.15, 0.15, 0.10]) {
        0 => format!("www.{d}"),
        1 => format!("https://www.{d}"),
        2 => format!("http://{d}"),
        3 => d.to_string(),
        _ => format!(
            "https://{d}/{}",
            pick(rng, &["en/", "about-us", "en-us/home", "contact"])
        ),
    }
}

/// A contact e-mail at the company domain; without a domain, sometimes a free-mail address.
fn email(rng: &mut ChaCha8Rng, domain: Option<&str>) -> Option<String> {
    let first = fold_ascii(pick::<&str>(rng, FIRST_NAMES)).to_lowercase();
    let last = slug(pick::<&str>(rng, SURNAMES));
    let free = domain.is_none() || rng.random_bool(0.03);
    let host = if free {
        if domain.is_some() || rng.random_bool(0.3) {
            *pick(rng, &["gmail.com", "outlook.com", "yahoo.com"])
        } else {
            return None;
        }
    } else {
        domain.unwrap_or("example.com")
    };
    let local = match weighted(rng, &[0.5, 0.2, 0.3]) {
        0 => format!("{first}.{last}"),
        1 => format!("{}{last}", first.chars().next().unwrap_or('x')),
        _ if free => format!("{first}.{last}{}", rng.random_range(1..99)),
        _ => (*pick(
            rng,
            &["info", "sales", "accounts.payable", "procurement", "it"],
        ))
        .to_string(),
    };
    let mut e = format!("{local}@{host}");
    if rng.random_bool(0.05) {
        e = capitalise(&e);
    }
    Some(e)
}

/// The phone column in one of the formats people use.
fn phone(rng: &mut ChaCha8Rng, cc: &str, s: &Site) -> String {
    let (a, l) = (&s.area, &s.line);
    let mut out = String::with_capacity(20);
    let _ = match (cc == "1", rng.random_range(0..4)) {
        (true, 0) => write!(out, "({a}) {}-{}", &l[..3], &l[3..]),
        (true, 1) => write!(out, "{a}-{}-{}", &l[..3], &l[3..]),
        (true, 2) => write!(out, "+1 {a} {} {}", &l[..3], &l[3..]),
        (true, _) => write!(out, "{a}.{}.{}", &l[..3], &l[3..]),
        (false, 0) => write!(out, "+{cc} {a} {l}"),
        (false, 1) => write!(out, "00{cc} {a} {l}"),
        (false, 2) => write!(out, "0{a} {l}"),
        (false, _) => write!(out, "+{cc}{a}{l}"),
    };
    out
}

/// The address column, with common abbreviations and an occasional suite.
fn address(rng: &mut ChaCha8Rng, street: &str) -> String {
    let mut s = street.to_string();
    if rng.random_bool(0.3) {
        for (long, short) in [
            (" Street", " St"),
            (" Avenue", " Ave"),
            (" Road", " Rd"),
            (" Drive", " Dr"),
            ("straße", "str."),
        ] {
            if s.contains(long) {
                s = s.replace(long, short);
                break;
            }
        }
    }
    if rng.random_bool(0.2) {
        let _ = write!(s, ", Suite {}", rng.random_range(100..2000));
    }
    if rng.random_bool(0.03) {
        s = s.to_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn crm_ids_are_distinct_within_a_partner() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..8 {
            let style = CrmIds::for_partner(&mut rng);
            let ids: std::collections::HashSet<String> = (0..2000).map(|k| style.id(k)).collect();
            assert_eq!(ids.len(), 2000, "{style:?}");
            assert!(ids.iter().all(|i| !i.contains('/') && i.trim() == i));
        }
    }

    #[test]
    fn typos_change_a_name_by_about_one_letter() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for _ in 0..200 {
            let t = typo(&mut rng, "Nordlicht Systems");
            let diff = t
                .chars()
                .count()
                .abs_diff("Nordlicht Systems".chars().count());
            assert!(diff <= 1, "{t}");
            assert!(t.starts_with('N'));
        }
    }
}
