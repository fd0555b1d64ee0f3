//! Country names and codes to ISO 3166-1 alpha-2.

use super::normalize::fold;

/// (ISO-2, names and aliases, folded lower case). Covers the countries most company lists use;
/// unknown values stay unrecognised rather than guessed.
const COUNTRIES: &[(&str, &[&str])] = &[
    (
        "US",
        &[
            "united states",
            "united states of america",
            "usa",
            "us",
            "america",
            "u s a",
            "u s",
            "us of america",
        ],
    ),
    (
        "GB",
        &[
            "united kingdom",
            "uk",
            "u k",
            "great britain",
            "england",
            "scotland",
            "wales",
            "britain",
            "gb",
        ],
    ),
    (
        "DE",
        &[
            "germany",
            "deutschland",
            "bundesrepublik deutschland",
            "federal republic of germany",
            "allemagne",
        ],
    ),
    (
        "NL",
        &[
            "netherlands",
            "the netherlands",
            "nederland",
            "holland",
            "pays bas",
        ],
    ),
    ("BE", &["belgium", "belgie", "belgique", "belgien"]),
    ("FR", &["france", "frankreich", "republique francaise"]),
    ("ES", &["spain", "espana"]),
    ("IT", &["italy", "italia"]),
    ("PT", &["portugal"]),
    ("CH", &["switzerland", "schweiz", "suisse", "svizzera"]),
    ("AT", &["austria", "osterreich", "oesterreich"]),
    ("LU", &["luxembourg", "luxemburg"]),
    ("IE", &["ireland", "eire"]),
    ("DK", &["denmark", "danmark"]),
    ("SE", &["sweden", "sverige"]),
    ("NO", &["norway", "norge"]),
    ("FI", &["finland", "suomi"]),
    ("IS", &["iceland"]),
    ("PL", &["poland", "polska"]),
    ("CZ", &["czech republic", "czechia", "cesko"]),
    ("SK", &["slovakia"]),
    ("HU", &["hungary", "magyarorszag"]),
    ("RO", &["romania"]),
    ("BG", &["bulgaria"]),
    ("GR", &["greece", "hellas"]),
    ("TR", &["turkey", "turkiye"]),
    ("RU", &["russia", "russian federation"]),
    ("UA", &["ukraine"]),
    ("IL", &["israel"]),
    ("AE", &["united arab emirates", "uae", "u a e"]),
    ("SA", &["saudi arabia"]),
    ("EG", &["egypt"]),
    ("ZA", &["south africa", "rsa"]),
    ("NG", &["nigeria"]),
    ("KE", &["kenya"]),
    ("IN", &["india", "bharat"]),
    ("PK", &["pakistan"]),
    ("CN", &["china", "peoples republic of china", "prc"]),
    ("HK", &["hong kong"]),
    ("TW", &["taiwan"]),
    ("JP", &["japan", "nippon"]),
    ("KR", &["south korea", "korea", "republic of korea"]),
    ("SG", &["singapore", "republic of singapore"]),
    ("MY", &["malaysia"]),
    ("TH", &["thailand"]),
    ("VN", &["vietnam", "viet nam"]),
    ("ID", &["indonesia"]),
    ("PH", &["philippines"]),
    ("AU", &["australia"]),
    ("NZ", &["new zealand", "aotearoa"]),
    ("CA", &["canada"]),
    ("MX", &["mexico"]),
    ("BR", &["brazil", "brasil"]),
    ("AR", &["argentina"]),
    ("CL", &["chile"]),
    ("CO", &["colombia"]),
    ("PE", &["peru"]),
    ("EE", &["estonia"]),
    ("LV", &["latvia"]),
    ("LT", &["lithuania"]),
    ("SI", &["slovenia"]),
    ("HR", &["croatia"]),
    ("RS", &["serbia"]),
    ("CY", &["cyprus"]),
    ("MT", &["malta"]),
];

/// Two-letter codes that are also legal forms or common words ("AG", "SA", "BV", "CO"), so a
/// bare one is not read as a country.
const AMBIGUOUS_CODES: &[&str] = &[
    "AG", "AS", "BV", "CO", "CV", "KG", "SA", "SE", "PT", "KY", "IN", "IT", "ID", "US", "MY", "NO",
    "IS",
];

/// Maps a country name, alias or ISO-2 code to ISO-2 (`None` if not recognised).
pub fn to_iso2(raw: &str) -> Option<String> {
    let f = fold(raw);
    let key: String = f
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if key.is_empty() {
        return None;
    }
    if key.len() == 2 {
        let up = key.to_ascii_uppercase();
        // A raw value with dots ("S.A.") is an abbreviation, not a code.
        if raw.contains('.') {
            return None;
        }
        return COUNTRIES
            .iter()
            .find(|(c, _)| *c == up)
            .map(|(c, _)| c.to_string());
    }
    if let Some((c, _)) = COUNTRIES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
    {
        return Some(c.to_string());
    }
    // Beyond the aliases above: ISO 3166 alpha-3 codes ("MEX", "NZL"), which exports use as often
    // as alpha-2, and the official and short English names of every country, from `celes`.
    let found = if key.len() == 3 && !raw.contains('.') {
        celes::Country::from_alpha3(&key)
    } else {
        let joined: String = key.split(' ').collect();
        celes::Country::from_name(&joined)
            .or_else(|_| celes::Country::from_name(format!("the{joined}")))
            .or_else(|_| celes::Country::from_alias(&joined))
    };
    found.ok().map(|c| c.alpha2.to_string())
}

/// Reads a bare name token as an ISO-2 code, refusing codes that double as words or legal forms.
pub fn iso2_code_token(tok: &str) -> Option<String> {
    if tok.len() != 2 {
        return None;
    }
    let up = tok.to_ascii_uppercase();
    if AMBIGUOUS_CODES.contains(&up.as_str()) {
        return None;
    }
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == up)
        .map(|(c, _)| c.to_string())
}

/// Whether a name token names a country ("deutschland", "brasil", "uk"): a word that places a
/// company rather than names it.
pub fn is_country_word(tok: &str) -> bool {
    (tok.len() >= 3 || tok == "uk") && COUNTRY_WORDS.contains(tok)
}

/// Every name of [`COUNTRIES`], hashed: asked for every one-side word of every compared pair.
static COUNTRY_WORDS: std::sync::LazyLock<
    std::collections::HashSet<&'static str, crate::FastHash>,
> = std::sync::LazyLock::new(|| {
    COUNTRIES
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .collect()
});

/// A trailing tag after punctuation ("Acme, NL", "Acme (Germany)"): names always count, codes
/// only when unambiguous.
pub fn tag_to_iso2(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.len() == 2 {
        return iso2_code_token(t);
    }
    to_iso2(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn codes() {
        assert_eq!(to_iso2("Deutschland").as_deref(), Some("DE"));
        assert_eq!(to_iso2("nl").as_deref(), Some("NL"));
        assert_eq!(to_iso2("U.S.A.").as_deref(), Some("US"));
        assert_eq!(tag_to_iso2(" CO"), None);
        assert_eq!(tag_to_iso2("NL").as_deref(), Some("NL"));
        assert_eq!(to_iso2("Atlantis"), None);
    }

    #[test]
    fn alpha3_codes_and_official_names() {
        assert_eq!(to_iso2("MEX").as_deref(), Some("MX"));
        assert_eq!(to_iso2("nzl").as_deref(), Some("NZ"));
        assert_eq!(to_iso2("SGP").as_deref(), Some("SG"));
        assert_eq!(to_iso2("Uruguay").as_deref(), Some("UY"));
        assert_eq!(
            to_iso2("Federal Republic of Germany").as_deref(),
            Some("DE")
        );
        let missing = [
            "U.S.",
            "US of America",
            "Brasil",
            "DEU",
            "Nippon",
            "Bharat",
            "République française",
            "Aus",
            "England",
            "Great Britain",
            "U.K.",
            "México",
            "Sverige",
            "Polska",
            "Schweiz",
            "Suisse",
            "RSA",
            "U.A.E.",
            "Republic of Korea",
            "Republic of Singapore",
            "Aotearoa",
            "The Netherlands",
            "Holland",
            "España",
            "Italia",
        ]
        .iter()
        .filter(|v| to_iso2(v).is_none())
        .copied()
        .collect::<Vec<_>>();
        assert!(missing.is_empty(), "not read as countries: {missing:?}");
        // Three letters with dots are an abbreviation, not a code.
        assert_eq!(to_iso2("M.E.X"), None);
        assert_eq!(to_iso2("XYZ"), None);
    }
}
