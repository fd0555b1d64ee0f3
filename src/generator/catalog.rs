//! Fixed vocabularies of the synthetic world: countries, industries, products, certifications,
//! capabilities and legal forms. Kept as static tables so that a seed alone decides the output.

use crate::domain::{PartnerType, Region};

/// How a country writes postal codes; real exports mix formats, so resolution must not rely on one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Postal {
    /// Five digits (US, DE, FR, ES, IT, MX...).
    Digits5,
    /// Four digits (AU, CH, ZA, NZ...).
    Digits4,
    /// Six digits (IN, SG, CN...).
    Digits6,
    /// UK outward and inward code, e.g. "EC1A 1BB".
    Uk,
    /// Canadian "A1A 1A1".
    Ca,
    /// Dutch "1234 AB".
    Nl,
    /// Japanese "123-4567".
    Jp,
    /// Brazilian "12345-678".
    Br,
    /// Swedish "123 45".
    Se,
    /// Polish "12-345".
    Pl,
}

/// A country the synthetic companies live in.
#[derive(Debug)]
pub(crate) struct Country {
    /// ISO 3166 alpha-2 code.
    pub code: &'static str,
    /// Ways partners write it; the first is the English name.
    pub names: &'static [&'static str],
    /// Sales region.
    pub region: Region,
    /// Share of companies headquartered there (relative).
    pub weight: f64,
    /// Country-code top-level domain used by local companies.
    pub tld: &'static str,
    /// Legal forms local companies use (canonical spellings, see [`LEGAL`]).
    pub legal: &'static [&'static str],
    /// Cities with their state or province.
    pub cities: &'static [(&'static str, &'static str)],
    /// Postal code format.
    pub postal: Postal,
    /// International dialling code.
    pub phone: &'static str,
    /// Local currency for deals booked outside USD.
    pub currency: &'static str,
}

/// The countries, weighted roughly like a global B2B vendor's installed base.
pub(crate) static COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        names: &[
            "United States",
            "USA",
            "U.S.",
            "United States of America",
            "US of America",
        ],
        region: Region::Na,
        weight: 34.0,
        tld: "com",
        legal: &["Inc.", "Corp.", "LLC", "Co."],
        cities: &[
            ("New York", "NY"),
            ("San Francisco", "CA"),
            ("Chicago", "IL"),
            ("Austin", "TX"),
            ("Boston", "MA"),
            ("Seattle", "WA"),
            ("Atlanta", "GA"),
            ("Denver", "CO"),
            ("Columbus", "OH"),
            ("Charlotte", "NC"),
        ],
        postal: Postal::Digits5,
        phone: "1",
        currency: "USD",
    },
    Country {
        code: "CA",
        names: &["Canada", "CAN", "Canada"],
        region: Region::Na,
        weight: 4.0,
        tld: "ca",
        legal: &["Inc.", "Ltd.", "Corp."],
        cities: &[
            ("Toronto", "ON"),
            ("Vancouver", "BC"),
            ("Montreal", "QC"),
            ("Calgary", "AB"),
        ],
        postal: Postal::Ca,
        phone: "1",
        currency: "CAD",
    },
    Country {
        code: "MX",
        names: &["Mexico", "México", "MEX"],
        region: Region::Latam,
        weight: 3.0,
        tld: "com.mx",
        legal: &["S.A. de C.V.", "S. de R.L."],
        cities: &[
            ("Mexico City", "CDMX"),
            ("Monterrey", "NL"),
            ("Guadalajara", "JAL"),
        ],
        postal: Postal::Digits5,
        phone: "52",
        currency: "MXN",
    },
    Country {
        code: "BR",
        names: &["Brazil", "Brasil", "BRA"],
        region: Region::Latam,
        weight: 4.0,
        tld: "com.br",
        legal: &["Ltda.", "S.A."],
        cities: &[
            ("São Paulo", "SP"),
            ("Rio de Janeiro", "RJ"),
            ("Belo Horizonte", "MG"),
            ("Curitiba", "PR"),
        ],
        postal: Postal::Br,
        phone: "55",
        currency: "BRL",
    },
    Country {
        code: "AR",
        names: &["Argentina", "ARG"],
        region: Region::Latam,
        weight: 1.5,
        tld: "com.ar",
        legal: &["S.A.", "S.R.L."],
        cities: &[("Buenos Aires", "CABA"), ("Córdoba", "CBA")],
        postal: Postal::Digits4,
        phone: "54",
        currency: "ARS",
    },
    Country {
        code: "CL",
        names: &["Chile", "CHL"],
        region: Region::Latam,
        weight: 1.0,
        tld: "cl",
        legal: &["S.A.", "SpA"],
        cities: &[("Santiago", "RM"), ("Valparaíso", "VS")],
        postal: Postal::Digits5,
        phone: "56",
        currency: "CLP",
    },
    Country {
        code: "CO",
        names: &["Colombia", "COL"],
        region: Region::Latam,
        weight: 1.0,
        tld: "com.co",
        legal: &["S.A.S.", "S.A."],
        cities: &[("Bogotá", "DC"), ("Medellín", "ANT")],
        postal: Postal::Digits6,
        phone: "57",
        currency: "COP",
    },
    Country {
        code: "GB",
        names: &["United Kingdom", "UK", "Great Britain", "England", "U.K."],
        region: Region::Emea,
        weight: 8.0,
        tld: "co.uk",
        legal: &["Ltd", "PLC", "LLP"],
        cities: &[
            ("London", "Greater London"),
            ("Manchester", "Greater Manchester"),
            ("Edinburgh", "Scotland"),
            ("Birmingham", "West Midlands"),
            ("Bristol", "Bristol"),
        ],
        postal: Postal::Uk,
        phone: "44",
        currency: "GBP",
    },
    Country {
        code: "DE",
        names: &[
            "Germany",
            "Deutschland",
            "DEU",
            "Federal Republic of Germany",
        ],
        region: Region::Emea,
        weight: 8.0,
        tld: "de",
        legal: &["GmbH", "AG", "GmbH & Co. KG"],
        cities: &[
            ("Berlin", "Berlin"),
            ("Munich", "Bavaria"),
            ("Hamburg", "Hamburg"),
            ("Frankfurt", "Hesse"),
            ("Stuttgart", "Baden-Württemberg"),
            ("Cologne", "North Rhine-Westphalia"),
        ],
        postal: Postal::Digits5,
        phone: "49",
        currency: "EUR",
    },
    Country {
        code: "FR",
        names: &["France", "FRA", "République française"],
        region: Region::Emea,
        weight: 5.0,
        tld: "fr",
        legal: &["S.A.", "SAS", "SARL"],
        cities: &[
            ("Paris", "Île-de-France"),
            ("Lyon", "Auvergne-Rhône-Alpes"),
            ("Toulouse", "Occitanie"),
            ("Lille", "Hauts-de-France"),
        ],
        postal: Postal::Digits5,
        phone: "33",
        currency: "EUR",
    },
    Country {
        code: "NL",
        names: &["Netherlands", "The Netherlands", "Holland", "NLD"],
        region: Region::Emea,
        weight: 2.5,
        tld: "nl",
        legal: &["B.V.", "N.V."],
        cities: &[
            ("Amsterdam", "North Holland"),
            ("Rotterdam", "South Holland"),
            ("Utrecht", "Utrecht"),
            ("Eindhoven", "North Brabant"),
        ],
        postal: Postal::Nl,
        phone: "31",
        currency: "EUR",
    },
    Country {
        code: "ES",
        names: &["Spain", "España", "ESP"],
        region: Region::Emea,
        weight: 2.5,
        tld: "es",
        legal: &["S.L.", "S.A."],
        cities: &[
            ("Madrid", "Madrid"),
            ("Barcelona", "Catalonia"),
            ("Valencia", "Valencia"),
        ],
        postal: Postal::Digits5,
        phone: "34",
        currency: "EUR",
    },
    Country {
        code: "IT",
        names: &["Italy", "Italia", "ITA"],
        region: Region::Emea,
        weight: 2.5,
        tld: "it",
        legal: &["S.p.A.", "S.r.l."],
        cities: &[
            ("Milan", "Lombardy"),
            ("Rome", "Lazio"),
            ("Turin", "Piedmont"),
            ("Bologna", "Emilia-Romagna"),
        ],
        postal: Postal::Digits5,
        phone: "39",
        currency: "EUR",
    },
    Country {
        code: "SE",
        names: &["Sweden", "Sverige", "SWE"],
        region: Region::Emea,
        weight: 1.5,
        tld: "se",
        legal: &["AB"],
        cities: &[
            ("Stockholm", "Stockholm"),
            ("Gothenburg", "Västra Götaland"),
            ("Malmö", "Skåne"),
        ],
        postal: Postal::Se,
        phone: "46",
        currency: "SEK",
    },
    Country {
        code: "CH",
        names: &["Switzerland", "Schweiz", "Suisse", "CHE"],
        region: Region::Emea,
        weight: 1.5,
        tld: "ch",
        legal: &["AG", "GmbH", "SA"],
        cities: &[("Zurich", "ZH"), ("Geneva", "GE"), ("Basel", "BS")],
        postal: Postal::Digits4,
        phone: "41",
        currency: "CHF",
    },
    Country {
        code: "PL",
        names: &["Poland", "Polska", "POL"],
        region: Region::Emea,
        weight: 1.5,
        tld: "pl",
        legal: &["Sp. z o.o.", "S.A."],
        cities: &[
            ("Warsaw", "Masovia"),
            ("Kraków", "Lesser Poland"),
            ("Wrocław", "Lower Silesia"),
        ],
        postal: Postal::Pl,
        phone: "48",
        currency: "PLN",
    },
    Country {
        code: "ZA",
        names: &["South Africa", "RSA", "ZAF"],
        region: Region::Emea,
        weight: 1.0,
        tld: "co.za",
        legal: &["(Pty) Ltd", "Ltd"],
        cities: &[("Johannesburg", "Gauteng"), ("Cape Town", "Western Cape")],
        postal: Postal::Digits4,
        phone: "27",
        currency: "ZAR",
    },
    Country {
        code: "AE",
        names: &["United Arab Emirates", "UAE", "U.A.E."],
        region: Region::Emea,
        weight: 1.0,
        tld: "ae",
        legal: &["LLC", "FZ-LLC"],
        cities: &[("Dubai", "Dubai"), ("Abu Dhabi", "Abu Dhabi")],
        postal: Postal::Digits5,
        phone: "971",
        currency: "AED",
    },
    Country {
        code: "JP",
        names: &["Japan", "JPN", "Nippon"],
        region: Region::Apac,
        weight: 4.0,
        tld: "co.jp",
        legal: &["K.K.", "Co., Ltd."],
        cities: &[
            ("Tokyo", "Tokyo"),
            ("Osaka", "Osaka"),
            ("Yokohama", "Kanagawa"),
            ("Nagoya", "Aichi"),
        ],
        postal: Postal::Jp,
        phone: "81",
        currency: "JPY",
    },
    Country {
        code: "AU",
        names: &["Australia", "AUS", "Aus"],
        region: Region::Apac,
        weight: 3.5,
        tld: "com.au",
        legal: &["Pty Ltd", "Ltd"],
        cities: &[
            ("Sydney", "NSW"),
            ("Melbourne", "VIC"),
            ("Brisbane", "QLD"),
            ("Perth", "WA"),
        ],
        postal: Postal::Digits4,
        phone: "61",
        currency: "AUD",
    },
    Country {
        code: "NZ",
        names: &["New Zealand", "NZL", "Aotearoa"],
        region: Region::Apac,
        weight: 0.5,
        tld: "co.nz",
        legal: &["Ltd", "Limited"],
        cities: &[("Auckland", "Auckland"), ("Wellington", "Wellington")],
        postal: Postal::Digits4,
        phone: "64",
        currency: "NZD",
    },
    Country {
        code: "IN",
        names: &["India", "IND", "Bharat"],
        region: Region::Apac,
        weight: 3.5,
        tld: "co.in",
        legal: &["Pvt Ltd", "Ltd"],
        cities: &[
            ("Bengaluru", "Karnataka"),
            ("Mumbai", "Maharashtra"),
            ("Hyderabad", "Telangana"),
            ("Pune", "Maharashtra"),
            ("Chennai", "Tamil Nadu"),
        ],
        postal: Postal::Digits6,
        phone: "91",
        currency: "INR",
    },
    Country {
        code: "SG",
        names: &["Singapore", "SGP", "Republic of Singapore"],
        region: Region::Apac,
        weight: 1.5,
        tld: "com.sg",
        legal: &["Pte Ltd"],
        cities: &[("Singapore", "Central Region")],
        postal: Postal::Digits6,
        phone: "65",
        currency: "SGD",
    },
    Country {
        code: "KR",
        names: &["South Korea", "Korea", "Republic of Korea", "KOR"],
        region: Region::Apac,
        weight: 1.0,
        tld: "co.kr",
        legal: &["Co., Ltd."],
        cities: &[("Seoul", "Seoul"), ("Busan", "Busan")],
        postal: Postal::Digits5,
        phone: "82",
        currency: "KRW",
    },
];

/// A legal form with the spellings partners use for it.
pub(crate) struct LegalForm {
    /// The canonical spelling used in the vendor's account list.
    pub canonical: &'static str,
    /// Equivalent spellings found in CRM exports.
    pub variants: &'static [&'static str],
}

/// Legal forms and their spelling variants; noise picks from `variants` to keep the same form.
pub(crate) static LEGAL: &[LegalForm] = &[
    LegalForm {
        canonical: "Inc.",
        variants: &["Inc", "INC.", "Incorporated", ", Inc."],
    },
    LegalForm {
        canonical: "Corp.",
        variants: &["Corp", "Corporation", "CORP"],
    },
    LegalForm {
        canonical: "LLC",
        variants: &["L.L.C.", "Llc", ", LLC"],
    },
    LegalForm {
        canonical: "Co.",
        variants: &["Co", "Company"],
    },
    LegalForm {
        canonical: "Ltd",
        variants: &["Ltd.", "Limited", "LTD"],
    },
    LegalForm {
        canonical: "Ltd.",
        variants: &["Ltd", "Limited", "LTD."],
    },
    LegalForm {
        canonical: "Limited",
        variants: &["Ltd", "Ltd."],
    },
    LegalForm {
        canonical: "PLC",
        variants: &["plc", "P.L.C.", "Public Limited Company"],
    },
    LegalForm {
        canonical: "LLP",
        variants: &["L.L.P.", "llp"],
    },
    LegalForm {
        canonical: "GmbH",
        variants: &["Gmbh", "G.m.b.H.", "GMBH"],
    },
    LegalForm {
        canonical: "AG",
        variants: &["A.G.", "Aktiengesellschaft"],
    },
    LegalForm {
        canonical: "GmbH & Co. KG",
        variants: &["GmbH & Co KG", "GmbH u. Co. KG", "KG"],
    },
    LegalForm {
        canonical: "S.A.",
        variants: &["SA", "S.A", "Sociedad Anónima"],
    },
    LegalForm {
        canonical: "SAS",
        variants: &["S.A.S.", "S.A.S"],
    },
    LegalForm {
        canonical: "S.A.S.",
        variants: &["SAS", "S.A.S"],
    },
    LegalForm {
        canonical: "SARL",
        variants: &["S.A.R.L.", "Sarl"],
    },
    LegalForm {
        canonical: "B.V.",
        variants: &["BV", "B.V", "bv"],
    },
    LegalForm {
        canonical: "N.V.",
        variants: &["NV", "N.V"],
    },
    LegalForm {
        canonical: "S.L.",
        variants: &["SL", "S.L"],
    },
    LegalForm {
        canonical: "S.p.A.",
        variants: &["SpA", "S.P.A.", "Spa"],
    },
    LegalForm {
        canonical: "SpA",
        variants: &["S.p.A.", "SPA"],
    },
    LegalForm {
        canonical: "S.r.l.",
        variants: &["Srl", "S.R.L.", "SRL"],
    },
    LegalForm {
        canonical: "S.R.L.",
        variants: &["SRL", "S.r.l."],
    },
    LegalForm {
        canonical: "AB",
        variants: &["Aktiebolag", "A.B."],
    },
    LegalForm {
        canonical: "SA",
        variants: &["S.A.", "S.A"],
    },
    LegalForm {
        canonical: "Sp. z o.o.",
        variants: &["Sp z o.o.", "sp. z o.o.", "Spółka z o.o."],
    },
    LegalForm {
        canonical: "(Pty) Ltd",
        variants: &["Pty Ltd", "(PTY) LTD", "Proprietary Limited"],
    },
    LegalForm {
        canonical: "Pty Ltd",
        variants: &["Pty. Ltd.", "PTY LTD", "Proprietary Limited", "P/L"],
    },
    LegalForm {
        canonical: "FZ-LLC",
        variants: &["FZ LLC", "FZLLC"],
    },
    LegalForm {
        canonical: "K.K.",
        variants: &["KK", "Kabushiki Kaisha", "Co., Ltd."],
    },
    LegalForm {
        canonical: "Co., Ltd.",
        variants: &["Co. Ltd.", "Co Ltd", "Company Limited"],
    },
    LegalForm {
        canonical: "Pvt Ltd",
        variants: &["Pvt. Ltd.", "Private Limited", "P. Ltd"],
    },
    LegalForm {
        canonical: "Pte Ltd",
        variants: &["Pte. Ltd.", "Private Limited", "PTE LTD"],
    },
    LegalForm {
        canonical: "S.A. de C.V.",
        variants: &["SA de CV", "S.A. DE C.V.", "S.A."],
    },
    LegalForm {
        canonical: "S. de R.L.",
        variants: &["S de RL", "S. de R.L. de C.V."],
    },
    LegalForm {
        canonical: "Ltda.",
        variants: &["Ltda", "LTDA"],
    },
];

/// Index of a canonical legal form in [`LEGAL`].
pub(crate) fn legal_index(canonical: &str) -> u8 {
    LEGAL
        .iter()
        .position(|l| l.canonical == canonical)
        .map(|i| i as u8)
        .unwrap_or_else(|| panic!("legal form {canonical} missing from LEGAL"))
}

/// Industries, with the relative share of companies in each.
pub(crate) static INDUSTRIES: &[(&str, f64)] = &[
    ("Financial Services", 10.0),
    ("Healthcare", 9.0),
    ("Manufacturing", 14.0),
    ("Retail", 11.0),
    ("Public Sector", 5.0),
    ("Technology", 13.0),
    ("Telecommunications", 4.0),
    ("Energy", 5.0),
    ("Logistics", 8.0),
    ("Education", 5.0),
    ("Media", 6.0),
    ("Life Sciences", 5.0),
];

/// How partners write each industry in their CRM (same order as [`INDUSTRIES`]).
pub(crate) static INDUSTRY_SPELLINGS: &[&[&str]] = &[
    &[
        "Financial Services",
        "Finance",
        "Banking & Insurance",
        "FinServ",
        "financial services",
    ],
    &[
        "Healthcare",
        "Health Care",
        "Hospitals & Health",
        "healthcare",
    ],
    &["Manufacturing", "Industrial", "Mfg", "manufacturing"],
    &["Retail", "Retail & Consumer", "Consumer Goods", "retail"],
    &["Public Sector", "Government", "Gov", "public sector"],
    &["Technology", "High Tech", "Software", "IT", "technology"],
    &[
        "Telecommunications",
        "Telecom",
        "Telco",
        "telecommunications",
    ],
    &["Energy", "Energy & Utilities", "Oil & Gas", "Utilities"],
    &[
        "Logistics",
        "Transportation & Logistics",
        "Transport",
        "logistics",
    ],
    &["Education", "Higher Education", "EDU", "education"],
    &["Media", "Media & Entertainment", "Entertainment", "media"],
    &["Life Sciences", "Pharma", "Biotech", "life sciences"],
];

/// The vendor's product catalogue.
pub(crate) static PRODUCTS: &[&str] = &[
    "DataVault",
    "FlowSync",
    "Sentinel Security",
    "Insight Analytics",
    "EdgeConnect",
    "CloudOps Suite",
    "IdentityHub",
    "Atlas CRM",
];

/// The vendor's partner certifications.
pub(crate) static CERTIFICATIONS: &[&str] = &[
    "Cloud Architect",
    "Data Platform Specialist",
    "Security Practitioner",
    "Migration Specialist",
    "Sales Professional",
    "Technical Presales",
    "Managed Services Operator",
    "Integration Developer",
];

/// Capabilities a partner can list.
pub(crate) static CAPABILITIES: &[&str] = &[
    "data migration",
    "cloud deployment",
    "managed security",
    "system integration",
    "custom development",
    "training",
    "24x7 support",
    "licensing",
    "logistics and fulfilment",
    "co-marketing",
    "industry consulting",
    "analytics",
];

/// Capabilities typical of each partner type (indices into [`CAPABILITIES`]), so that IPPs and
/// recruiting can find type-consistent signals.
pub(crate) fn typical_capabilities(t: PartnerType) -> &'static [usize] {
    match t {
        PartnerType::Si => &[0, 1, 3, 4, 5, 10, 11],
        PartnerType::Gsi => &[0, 1, 2, 3, 4, 5, 10, 11],
        PartnerType::Isv => &[3, 4, 11],
        PartnerType::Msp => &[1, 2, 6, 0],
        PartnerType::Var => &[7, 8, 5, 1],
        PartnerType::Distributor => &[7, 8, 9],
        PartnerType::Referral => &[9, 10],
    }
}

/// Certifications typical of each partner type (indices into [`CERTIFICATIONS`]).
pub(crate) fn typical_certifications(t: PartnerType) -> &'static [usize] {
    match t {
        PartnerType::Si | PartnerType::Gsi => &[0, 1, 2, 3, 5, 7],
        PartnerType::Isv => &[7, 1, 5],
        PartnerType::Msp => &[6, 0, 2, 3],
        PartnerType::Var => &[4, 5, 0],
        PartnerType::Distributor => &[4, 5],
        PartnerType::Referral => &[4],
    }
}

/// First names for contacts and sales reps.
pub(crate) static FIRST_NAMES: &[&str] = &[
    "James", "Maria", "Wei", "Aisha", "Lukas", "Sofia", "Hiroshi", "Priya", "Carlos", "Emma",
    "Olivia", "Noah", "Liam", "Ava", "Mateo", "Chloe", "Yuki", "Arjun", "Fatima", "Jonas", "Elena",
    "Daniel", "Sarah", "Michael", "Anna", "David", "Laura", "Thomas", "Julia", "Kenji", "Ana",
    "Pedro", "Ingrid", "Lars", "Amara", "Kwame", "Zoe", "Ethan", "Mia", "Lucas", "Isabella",
    "Omar", "Leila", "Ravi", "Mei", "Jin", "Sven", "Camille", "Pierre", "Giulia",
];

/// Family names: used for contacts, reps and surname-style company names.
pub(crate) static SURNAMES: &[&str] = &[
    "Hartmann",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Rossi",
    "Tanaka",
    "Nakamura",
    "Kowalski",
    "Novak",
    "Silva",
    "Santos",
    "Fernandez",
    "Garcia",
    "Murphy",
    "O'Brien",
    "Schneider",
    "Müller",
    "Becker",
    "Weber",
    "Fischer",
    "Jansen",
    "de Vries",
    "van Dijk",
    "Bakker",
    "Dubois",
    "Lefèvre",
    "Bianchi",
    "Romano",
    "Costa",
    "Pereira",
    "Yamamoto",
    "Sato",
    "Kim",
    "Park",
    "Lee",
    "Chen",
    "Wong",
    "Singh",
    "Patel",
    "Sharma",
    "Gupta",
    "Reddy",
    "Nguyen",
    "Anderson",
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Thompson",
    "Walker",
    "Harris",
    "Clarke",
    "Morgan",
    "Hughes",
    "Campbell",
    "Stewart",
    "Fraser",
    "Keller",
    "Baumann",
    "Lindgren",
    "Berg",
    "Nilsson",
    "Eriksson",
    "Larsen",
    "Hansen",
    "Petrov",
    "Dlamini",
    "Mensah",
    "Haddad",
    "Khalil",
    "Cohen",
    "Rahman",
    "Tan",
    "Lim",
    "Cruz",
    "Reyes",
    "Alvarez",
    "Mendoza",
    "Ortiz",
    "Herrera",
    "Søndergaard",
    "Ødegaard",
    "Gonçalves",
    "Núñez",
    "Brennan",
    "Whitfield",
    "Ashworth",
    "Kaminski",
    "Horvath",
];

/// Street names for addresses.
pub(crate) static STREETS: &[&str] = &[
    "Main Street",
    "Market Street",
    "Park Avenue",
    "Oak Lane",
    "Harbour Road",
    "Station Road",
    "King Street",
    "Queen Street",
    "High Street",
    "Industrial Way",
    "Commerce Drive",
    "Innovation Blvd",
    "River Road",
    "Hauptstraße",
    "Bahnhofstraße",
    "Rue de la Paix",
    "Avenida Paulista",
    "Calle Mayor",
    "Via Roma",
    "Kerkstraat",
    "Storgatan",
    "Collins Street",
    "MG Road",
    "Chuo-dori",
];
