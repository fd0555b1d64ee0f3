//! Synthetic company names and web domains, composed from word lists.
//!
//! A name is kept in parts (root, descriptor words, legal form) rather than as one string, so that
//! the noise model can abbreviate a descriptor or swap a legal form the way real CRM exports do,
//! while the vendor's account list shows the canonical rendering.

use super::catalog::{COUNTRIES, INDUSTRIES, LEGAL, SURNAMES, legal_index};
use super::sample::{pick, weighted};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Marks an absent descriptor word or legal form.
pub(crate) const NONE: u8 = u8::MAX;

/// Descriptor words with the abbreviations partners write for them.
pub(crate) static DESCRIPTORS: &[(&str, &[&str])] = &[
    ("Systems", &["Sys", "Systs"]),
    ("Technologies", &["Tech", "Technology", "Techs"]),
    ("Solutions", &["Solns", "Soln"]),
    ("Group", &["Grp"]),
    ("Holdings", &["Hldgs", "Holding"]),
    ("International", &["Intl", "Int'l", "Intl."]),
    ("Industries", &["Inds", "Ind."]),
    ("Partners", &["Ptnrs"]),
    ("Services", &["Svcs", "Svc", "Service"]),
    ("Enterprises", &["Ent", "Enterprise"]),
    ("Global", &[]),
    ("Consulting", &["Consultants"]),
    ("Labs", &["Laboratories"]),
    ("Laboratories", &["Labs", "Lab"]),
    ("Networks", &["Network", "Net"]),
    ("Dynamics", &[]),
    ("Capital", &["Cap"]),
    ("Financial", &["Finl", "Fin"]),
    ("Insurance", &["Ins"]),
    ("Investments", &["Invest"]),
    ("Asset Management", &["Asset Mgmt", "AM"]),
    ("Health", &["Hlth"]),
    ("Medical", &["Med"]),
    ("Care", &[]),
    ("Clinics", &["Clinic"]),
    ("Manufacturing", &["Mfg", "Manuf", "Mfg."]),
    ("Machinery", &["Mach"]),
    ("Components", &["Comp", "Cmpts"]),
    ("Engineering", &["Eng", "Engg"]),
    ("Retail", &[]),
    ("Stores", &["Store"]),
    ("Foods", &["Food"]),
    ("Brands", &[]),
    ("Markets", &["Mkts", "Market"]),
    ("Transit Authority", &["Transit Auth"]),
    ("County Services", &["County Svcs", "Cty Services"]),
    ("Water Board", &[]),
    ("Software", &["Soft", "SW"]),
    ("Data", &[]),
    ("Cloud", &[]),
    ("Digital", &["Dig"]),
    ("Telecom", &["Tel", "Telecommunications"]),
    ("Communications", &["Comms", "Comm", "Communication"]),
    ("Wireless", &[]),
    ("Energy", &["Enrg"]),
    ("Power", &[]),
    ("Utilities", &["Util"]),
    ("Renewables", &["Renewable"]),
    ("Resources", &["Res", "Rsrcs"]),
    ("Logistics", &["Log", "Logistic"]),
    ("Freight", &["Frt"]),
    ("Shipping", &["Ship"]),
    ("Transport", &["Transportation", "Trans"]),
    ("University", &["Univ", "Univ."]),
    ("College", &[]),
    ("Academy", &["Acad"]),
    ("Learning", &[]),
    ("Media", &[]),
    ("Studios", &["Studio"]),
    ("Publishing", &["Pub", "Publ"]),
    ("Entertainment", &["Ent", "Entmt"]),
    ("Pharmaceuticals", &["Pharma", "Pharm"]),
    ("Biosciences", &["Bio", "BioSci"]),
    ("Therapeutics", &["Thera", "Tx"]),
    ("Diagnostics", &["Dx", "Diag"]),
    ("Brothers", &["Bros", "Bros."]),
    ("Associates", &["Assoc", "Assocs"]),
    ("Trading", &["Trdg"]),
    ("Distribution", &["Dist", "Distrib"]),
    ("IT Services", &["IT Svcs", "IT"]),
    ("Advisors", &["Advisory"]),
    ("Integration", &["Integr"]),
    ("Managed Services", &["Managed Svcs", "MS"]),
];

/// Descriptor words that fit companies of each industry (same order as [`INDUSTRIES`]).
static INDUSTRY_WORDS: &[&[&str]] = &[
    &[
        "Capital",
        "Financial",
        "Insurance",
        "Investments",
        "Asset Management",
        "Group",
        "Partners",
    ],
    &["Health", "Medical", "Care", "Clinics", "Services", "Group"],
    &[
        "Manufacturing",
        "Industries",
        "Machinery",
        "Components",
        "Engineering",
        "International",
    ],
    &["Retail", "Stores", "Foods", "Brands", "Markets", "Group"],
    &[
        "Transit Authority",
        "County Services",
        "Water Board",
        "Services",
    ],
    &[
        "Systems",
        "Technologies",
        "Software",
        "Data",
        "Cloud",
        "Digital",
        "Networks",
        "Solutions",
        "Labs",
    ],
    &["Telecom", "Communications", "Wireless", "Networks"],
    &["Energy", "Power", "Utilities", "Renewables", "Resources"],
    &[
        "Logistics",
        "Freight",
        "Shipping",
        "Transport",
        "International",
    ],
    &["University", "College", "Academy", "Learning"],
    &["Media", "Studios", "Publishing", "Entertainment", "Group"],
    &[
        "Pharmaceuticals",
        "Biosciences",
        "Therapeutics",
        "Diagnostics",
        "Laboratories",
    ],
];

/// Words any company may carry.
static GENERAL_WORDS: &[&str] = &[
    "Systems",
    "Technologies",
    "Solutions",
    "Group",
    "Holdings",
    "International",
    "Industries",
    "Enterprises",
    "Global",
    "Dynamics",
    "Services",
    "Associates",
    "Brothers",
    "Trading",
];

/// Descriptor words for partner firms by type (indexed like `PartnerType::ALL`).
static PARTNER_WORDS: &[&[&str]] = &[
    &[
        "Consulting",
        "Solutions",
        "Integration",
        "Digital",
        "Technologies",
        "Partners",
    ],
    &["Consulting", "Global", "International", "Group", "Digital"],
    &[
        "Software",
        "Labs",
        "Technologies",
        "Data",
        "Cloud",
        "Systems",
    ],
    &[
        "Managed Services",
        "IT Services",
        "Cloud",
        "Networks",
        "Services",
    ],
    &[
        "Solutions",
        "Systems",
        "Technologies",
        "IT Services",
        "Networks",
    ],
    &["Distribution", "Trading", "International", "Group"],
    &["Advisors", "Associates", "Partners", "Consulting"],
];

static PREFIXES: &[&str] = &[
    "Nord", "Sun", "Blue", "Silver", "Red", "Green", "Iron", "Bright", "Clear", "Swift", "High",
    "North", "West", "East", "South", "Star", "Stone", "River", "Oak", "Pine", "Maple", "Cedar",
    "Summit", "Peak", "Core", "Vertex", "Nova", "Apex", "Prime", "True", "Open", "Deep", "Far",
    "Gold", "Crystal", "Falcon", "Eagle", "Lion", "Wolf", "Bear", "Hawk", "Tri", "Omni", "Uni",
    "Inter", "Trans", "Pan", "Meta", "Info", "Data", "Net", "Tele", "Medi", "Bio", "Agri", "Aero",
    "Auto", "Electro", "Geo", "Hydro", "Terra", "Sol", "Luna", "Astra", "Quantum", "Fusion", "Zen",
    "Alpen", "Acme", "Atlas", "Ever", "Fair", "Kin", "Lumen", "Brook",
];

static SUFFIXES: &[&str] = &[
    "licht", "point", "wave", "bridge", "field", "stone", "gate", "line", "works", "ware", "craft",
    "path", "way", "vale", "ridge", "view", "port", "haven", "crest", "wood", "brook", "ford",
    "mark", "dale", "tech", "tron", "nex", "logic", "sys", "soft", "cor", "lytics", "ion", "ex",
    "ia", "ora", "is", "um", "via", "sphere", "scape", "forge", "stream", "grid", "base", "hub",
    "star", "light", "wind", "rock", "land", "shore", "mont", "berg", "tal",
];

static PLACES: &[&str] = &[
    "Pacific",
    "Atlantic",
    "Alpine",
    "Great Lakes",
    "Rocky Mountain",
    "Gulf Coast",
    "Highland",
    "Baltic",
    "Nordic",
    "Midwest",
    "Coastal",
    "Continental",
    "Metro",
    "Capital City",
    "Riverside",
    "Lakeside",
    "Northern",
    "Southern",
    "Central",
    "Eastern",
    "Western",
    "Harbor",
    "Valley",
];

/// A company name in parts.
#[derive(Debug, Clone)]
pub(crate) struct CompanyName {
    /// Whether the name starts with "The".
    pub article: bool,
    /// The distinctive part: a coined word, a surname, surnames joined by `&`, a place or initials.
    pub root: Box<str>,
    /// Byte offset inside a coined root where its two halves meet (0 when not coined); lets the
    /// noise write "Nord Licht" or "NordLicht" for "Nordlicht".
    pub split: u8,
    /// Descriptor words (indices into [`DESCRIPTORS`], [`NONE`] when absent).
    pub words: [u8; 2],
    /// Whether two descriptor words are joined by "&" ("Manufacturing & Engineering").
    pub amp: bool,
    /// Legal form (index into [`LEGAL`], [`NONE`] when absent).
    pub legal: u8,
}

impl CompanyName {
    /// The canonical rendering the vendor's account list uses.
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(48);
        if self.article {
            s.push_str("The ");
        }
        s.push_str(&self.root);
        self.push_words(&mut s);
        if self.legal != NONE {
            s.push(' ');
            s.push_str(LEGAL[self.legal as usize].canonical);
        }
        s
    }

    /// Root and descriptor words without legal form or article ("Nordlicht Systems").
    pub fn short(&self) -> String {
        let mut s = String::with_capacity(40);
        s.push_str(&self.root);
        self.push_words(&mut s);
        s
    }

    fn push_words(&self, s: &mut String) {
        for (i, w) in self.words.iter().enumerate() {
            if *w == NONE {
                continue;
            }
            s.push_str(if i == 1 && self.amp { " & " } else { " " });
            s.push_str(DESCRIPTORS[*w as usize].0);
        }
    }
}

/// Looks descriptor words up once, so that naming a million companies does no string search.
pub(crate) struct NameBook {
    industry_words: Vec<Vec<u8>>,
    general_words: Vec<u8>,
    partner_words: Vec<Vec<u8>>,
    country_legal: Vec<Vec<u8>>,
}

fn descriptor_index(word: &str) -> u8 {
    DESCRIPTORS
        .iter()
        .position(|(w, _)| *w == word)
        .map(|i| i as u8)
        .unwrap_or(NONE)
}

impl NameBook {
    /// Builds the lookup tables.
    pub fn new() -> Self {
        let ix = |words: &[&str]| -> Vec<u8> {
            words
                .iter()
                .map(|w| descriptor_index(w))
                .filter(|i| *i != NONE)
                .collect()
        };
        NameBook {
            industry_words: INDUSTRY_WORDS.iter().map(|w| ix(w)).collect(),
            general_words: ix(GENERAL_WORDS),
            partner_words: PARTNER_WORDS.iter().map(|w| ix(w)).collect(),
            country_legal: COUNTRIES
                .iter()
                .map(|c| c.legal.iter().map(|l| legal_index(l)).collect())
                .collect(),
        }
    }

    /// Legal forms in use in a country (indices into [`LEGAL`]).
    pub fn legal_forms(&self, country: usize) -> &[u8] {
        &self.country_legal[country]
    }

    /// A new company name for a company of `industry` in `country`.
    pub fn company(&self, rng: &mut ChaCha8Rng, industry: usize, country: usize) -> CompanyName {
        let (root, split) = root(rng);
        let industry_words = &self.industry_words[industry];
        let mut words = [NONE, NONE];
        let mut amp = false;
        let r: f64 = rng.random();
        if r < 0.62 {
            words[0] = *pick(rng, industry_words);
        } else if r < 0.80 {
            words[0] = *pick(rng, &self.general_words);
        } else if r < 0.92 {
            words[0] = *pick(rng, industry_words);
            words[1] = *pick(rng, industry_words);
            if words[1] == words[0] {
                words[1] = NONE;
            } else {
                amp = rng.random_bool(0.4);
            }
        }
        // Public bodies and schools carry no legal form; elsewhere most names do.
        let public = matches!(INDUSTRIES[industry].0, "Public Sector" | "Education");
        let legal = if public || rng.random_bool(0.08) {
            NONE
        } else {
            *pick(rng, &self.country_legal[country])
        };
        CompanyName {
            article: !public && rng.random_bool(0.02),
            root,
            split,
            words,
            amp,
            legal,
        }
    }

    /// A partner firm's name: partner-ish descriptor words by type.
    pub fn partner(&self, rng: &mut ChaCha8Rng, type_index: usize, country: usize) -> CompanyName {
        let (root, split) = root(rng);
        let words = [*pick(rng, &self.partner_words[type_index]), NONE];
        CompanyName {
            article: false,
            root,
            split,
            words,
            amp: false,
            legal: *pick(rng, &self.country_legal[country]),
        }
    }
}

/// The distinctive part of a name and, for coined words, where its halves meet.
fn root(rng: &mut ChaCha8Rng) -> (Box<str>, u8) {
    let r: f64 = rng.random();
    if r < 0.45 {
        let p = *pick(rng, PREFIXES);
        let mut s = String::with_capacity(16);
        s.push_str(p);
        s.push_str(pick::<&str>(rng, SUFFIXES));
        // A third syllable now and then widens the space of names so most stay unique at 1M.
        if rng.random_bool(0.25) {
            s.push_str(pick::<&str>(
                rng,
                &["a", "ia", "o", "ex", "is", "on", "ar", "en"],
            ));
        }
        (s.into_boxed_str(), p.len() as u8)
    } else if r < 0.70 {
        ((*pick(rng, SURNAMES)).into(), 0)
    } else if r < 0.80 {
        let a = pick(rng, SURNAMES);
        let b = pick(rng, SURNAMES);
        (format!("{a} & {b}").into_boxed_str(), 0)
    } else if r < 0.92 {
        let place = pick(rng, PLACES);
        let p = pick(rng, PREFIXES);
        let s = pick(rng, SUFFIXES);
        (format!("{place} {p}{s}").into_boxed_str(), 0)
    } else {
        let letters: String = (0..rng.random_range(2..=4))
            .map(|_| (b'A' + rng.random_range(0..26u8)) as char)
            .collect();
        (letters.into_boxed_str(), 0)
    }
}

/// Folds the accented letters the word lists use to ASCII ("Müller" -> "Muller").
pub(crate) fn fold_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ä' | 'á' | 'à' | 'â' | 'å' | 'ã' => 'a',
            'Ä' | 'Á' | 'À' | 'Â' | 'Å' => 'A',
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' | 'õ' => 'o',
            'Ö' | 'Ó' | 'Ø' => 'O',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'Ü' | 'Ú' => 'U',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ł' => 'l',
            other => other,
        })
        .collect()
}

/// Lower-case ASCII letters and digits of `s`, for domain labels.
pub(crate) fn slug(s: &str) -> String {
    fold_ascii(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Chooses a web domain for a company, unique within `taken`; a few companies have none.
pub(crate) fn domain(
    rng: &mut ChaCha8Rng,
    name: &CompanyName,
    country: usize,
    taken: &mut HashSet<u64>,
) -> Option<Box<str>> {
    if rng.random_bool(0.04) {
        return None;
    }
    let c = &COUNTRIES[country];
    // Companies outside the US often still use .com.
    let tld = if c.tld == "com" || rng.random_bool(0.35) {
        "com"
    } else {
        c.tld
    };
    let root = slug(&name.root.replace('&', " "));
    let word = (name.words[0] != NONE).then(|| slug(DESCRIPTORS[name.words[0] as usize].0));
    let mut candidates: Vec<String> = Vec::with_capacity(6);
    let style = weighted(rng, &[0.5, 0.3, 0.2]);
    match (&word, style) {
        (Some(w), 1) => candidates.push(format!("{root}{w}")),
        (Some(w), 2) => candidates.push(format!("{root}-{w}")),
        _ => candidates.push(root.clone()),
    }
    if let Some(w) = &word {
        candidates.push(format!("{root}{w}"));
        candidates.push(format!("{root}-{w}"));
    }
    candidates.push(format!("{root}group"));
    candidates.push(format!("{root}-{}", slug(c.code)));
    candidates.push(format!("{root}hq"));
    for label in candidates {
        // "www" alone is not a company's label: parsers strip it ("www.com" is no domain).
        if label.is_empty() || label == "www" {
            continue;
        }
        let d = format!("{label}.{tld}");
        if taken.insert(hash_str(&d)) {
            return Some(d.into_boxed_str());
        }
    }
    // Fall back to a numbered label; collisions past here are vanishingly rare.
    for n in 2..1000u32 {
        let d = format!("{root}{n}.{tld}");
        if taken.insert(hash_str(&d)) {
            return Some(d.into_boxed_str());
        }
    }
    None
}

/// A stable 64-bit hash (FNV-1a): std's hasher is randomly keyed per process.
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_listed_word_and_legal_form_is_known() {
        for words in INDUSTRY_WORDS.iter().chain(PARTNER_WORDS.iter()) {
            for w in *words {
                assert_ne!(descriptor_index(w), NONE, "{w}");
            }
        }
        let book = NameBook::new();
        assert_eq!(book.country_legal.len(), COUNTRIES.len());
    }

    #[test]
    fn a_company_named_www_gets_a_valid_domain() {
        let name = CompanyName {
            article: false,
            root: "WWW".into(),
            split: 0,
            words: [NONE, NONE],
            amp: false,
            legal: NONE,
        };
        let us = COUNTRIES.iter().position(|c| c.code == "US").unwrap();
        let mut taken = HashSet::new();
        let mut made = 0;
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            if let Some(d) = domain(&mut rng, &name, us, &mut taken) {
                assert!(
                    crate::domain::DomainName::parse("domain", &d).is_ok(),
                    "{d} is not a valid domain"
                );
                made += 1;
            }
        }
        assert!(made > 0, "no domain was made at all");
    }

    #[test]
    fn names_render_with_their_legal_form() {
        let book = NameBook::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let de = COUNTRIES.iter().position(|c| c.code == "DE").unwrap();
        let n = book.company(&mut rng, 2, de);
        let s = n.render();
        assert!(
            s.starts_with(n.root.as_ref()) || s.starts_with("The "),
            "{s}"
        );
        assert_eq!(fold_ascii("Müller Søndergaard"), "Muller Sondergaard");
        assert_eq!(slug("O'Brien & Co"), "obrienco");
    }
}
