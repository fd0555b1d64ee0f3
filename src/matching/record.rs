//! Input records and their normalised, ready-to-compare form.

use serde::{Deserialize, Serialize};

use super::{country, domain, normalize};

/// A company record as it arrives from a CRM export or partner list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Caller's identifier (opaque to the matcher).
    pub id: String,
    /// Company name as written.
    pub name: String,
    /// Bare web domain, if known separately from the website.
    pub domain: Option<String>,
    /// Website URL.
    pub website: Option<String>,
    /// A contact e-mail address (its domain is used when no website is given).
    pub email: Option<String>,
    /// Phone number in any format.
    pub phone: Option<String>,
    /// Street address line(s).
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal or ZIP code.
    pub postal_code: Option<String>,
    /// Country name or code.
    pub country: Option<String>,
    /// Industry label (kept for callers; not used for matching because labels vary by source).
    pub industry: Option<String>,
}

/// Fields of a [`Prepared`], in buffer order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum Field {
    Name,
    Compact,
    Sorted,
    Domain,
    Phone,
    Postal,
    Address,
    City,
    Country,
}

const N_FIELDS: usize = 9;

/// Bit of [`Prepared::present`] set when a name token names a country (the field bits are the
/// low [`N_FIELDS`]).
const NAMES_COUNTRY: u16 = 1 << 15;

/// A normalised record, built once per record and then compared many times.
///
/// All normalised strings live in one allocation (an index holds millions of these, and a
/// comparison touching one cache-friendly buffer instead of nine scattered strings is several
/// times faster). Read them through the accessor methods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// The fields' text, concatenated in [`Field`] order.
    buf: Box<str>,
    /// End offset of each field in `buf`.
    ends: [u32; N_FIELDS],
    /// Bit per field: set when an optional field is present; and [`NAMES_COUNTRY`].
    present: u16,
}

impl Prepared {
    fn field(&self, f: Field) -> &str {
        let i = f as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.buf[start..self.ends[i] as usize]
    }

    fn opt(&self, f: Field) -> Option<&str> {
        (self.present & (1 << f as usize) != 0).then(|| self.field(f))
    }

    /// Canonical name tokens joined by single spaces (tokens never contain spaces).
    pub fn name(&self) -> &str {
        self.field(Field::Name)
    }

    /// Tokens concatenated without spaces (for character-level measures).
    pub fn compact(&self) -> &str {
        self.field(Field::Compact)
    }

    /// Tokens sorted and joined by spaces (for word-order-insensitive measures).
    pub fn sorted(&self) -> &str {
        self.field(Field::Sorted)
    }

    /// Registrable company domain (free-mail domains dropped).
    pub fn domain(&self) -> Option<&str> {
        self.opt(Field::Domain)
    }

    /// Phone digits (last 10 at most).
    pub fn phone(&self) -> Option<&str> {
        self.opt(Field::Phone)
    }

    /// Normalised postal code.
    pub fn postal(&self) -> Option<&str> {
        self.opt(Field::Postal)
    }

    /// Normalised address.
    pub fn address(&self) -> Option<&str> {
        self.opt(Field::Address)
    }

    /// Normalised city.
    pub fn city(&self) -> Option<&str> {
        self.opt(Field::City)
    }

    /// ISO-2 country code, from the country field or a tag in the name.
    pub fn country(&self) -> Option<&str> {
        self.opt(Field::Country)
    }

    /// Whether a name token names a country ([`country::is_country_word`]), found once when
    /// the record is prepared.
    pub fn names_country(&self) -> bool {
        self.present & NAMES_COUNTRY != 0
    }

    /// Canonical name tokens, in name order.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.name().split(' ').filter(|t| !t.is_empty())
    }

    /// Canonical name tokens as owned strings.
    pub fn token_vec(&self) -> Vec<String> {
        self.tokens().map(str::to_string).collect()
    }

    /// Builds a prepared record from already normalised parts (name tokens are joined by
    /// single spaces; `compact` and `sorted` are derived from them).
    pub fn from_parts(name_tokens: &[String], opt: [Option<&str>; 6]) -> Self {
        let mut sorted: Vec<&str> = name_tokens.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        // One allocation: the name three ways (spaced, compact, sorted) and the other fields.
        let name_len: usize = name_tokens.iter().map(String::len).sum();
        let spaces = name_tokens.len().saturating_sub(1);
        let rest: usize = opt.iter().flatten().map(|v| v.len()).sum();
        let mut buf = String::with_capacity(3 * name_len + 2 * spaces + rest);
        let mut ends = [0u32; N_FIELDS];
        let mut present = 0u16;
        if name_tokens.iter().any(|t| country::is_country_word(t)) {
            present |= NAMES_COUNTRY;
        }
        for (i, t) in name_tokens.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(t);
        }
        ends[0] = buf.len() as u32;
        for t in name_tokens {
            buf.push_str(t);
        }
        ends[1] = buf.len() as u32;
        for (i, t) in sorted.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(t);
        }
        ends[2] = buf.len() as u32;
        for (k, o) in opt.iter().enumerate() {
            if let Some(v) = o {
                buf.push_str(v);
                present |= 1 << (k + 3);
            }
            ends[k + 3] = buf.len() as u32;
        }
        Prepared {
            buf: buf.into_boxed_str(),
            ends,
            present,
        }
    }
}

/// A field's text, trimmed and [`clip`]ped, unless it is empty.
fn nonempty(o: &Option<String>) -> Option<&str> {
    o.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(clip)
}

/// Longest field, in characters, that is compared; the rest is dropped. No company name or
/// address comes near it, and string similarities cost the product of two lengths, so a record
/// holding a 100,000-character name must not stall a matching job.
pub const MAX_FIELD_CHARS: usize = 256;

/// `s` cut to its first [`MAX_FIELD_CHARS`] characters.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_FIELD_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Normalises a record for comparison. Never fails: unusable fields become `None`.
pub fn prepare(r: &Record) -> Prepared {
    // A name written as the company's web address ("www.brunel.fr") is compared as the name it
    // spells ("brunel") and stands for the domain when no domain field gives one.
    let web = domain::name_as_domain(&r.name);
    let nn = match &web {
        Some(d) => normalize::normalize_name(d.split('.').next().unwrap_or(d)),
        None => normalize::normalize_name(clip(&r.name)),
    };
    let domain = [&r.domain, &r.website, &r.email]
        .into_iter()
        .filter_map(nonempty)
        .find_map(domain::company_domain)
        .or_else(|| web.as_deref().and_then(domain::company_domain));
    let country = nonempty(&r.country)
        .and_then(country::to_iso2)
        .or(nn.country.clone());
    let phone = nonempty(&r.phone).and_then(normalize::normalize_phone);
    let postal = nonempty(&r.postal_code).and_then(normalize::normalize_postal);
    let address = nonempty(&r.address).and_then(normalize::normalize_address);
    let city = nonempty(&r.city).and_then(normalize::normalize_city);
    Prepared::from_parts(
        &nn.tokens,
        [
            domain.as_deref(),
            phone.as_deref(),
            postal.as_deref(),
            address.as_deref(),
            city.as_deref(),
            country.as_deref(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_characters_of_a_huge_field_are_compared() {
        let word = "Nordlicht Ä Systems ";
        let huge = |n: usize| Record {
            name: word.repeat(n),
            address: Some(word.repeat(n)),
            ..Default::default()
        };
        let cut: String = word.repeat(20).chars().take(MAX_FIELD_CHARS).collect();
        let clipped = Record {
            name: cut.clone(),
            address: Some(cut.trim().to_string()),
            ..Default::default()
        };
        assert_eq!(prepare(&huge(5_000)), prepare(&clipped));
        assert_ne!(prepare(&huge(5)), prepare(&clipped));
    }

    #[test]
    fn acme_variants_agree() {
        let a = prepare(&Record {
            name: "ACME Corporation, Inc.".into(),
            website: Some("https://www.acme.com/about".into()),
            ..Default::default()
        });
        let b = prepare(&Record {
            name: "Acme Corp.".into(),
            email: Some("sales@acme.com".into()),
            ..Default::default()
        });
        let c = prepare(&Record {
            name: "acme".into(),
            domain: Some("acme.com".into()),
            ..Default::default()
        });
        assert_eq!(a.name(), "acme");
        assert_eq!(a.name(), b.name());
        assert_eq!(b.name(), c.name());
        assert_eq!(a.domain(), Some("acme.com"));
        assert_eq!(a.domain(), b.domain());
        assert_eq!(b.domain(), c.domain());
        assert_eq!(a.phone(), None);
        assert_eq!(a.compact(), "acme");
    }
}
