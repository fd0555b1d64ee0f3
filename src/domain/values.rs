//! Small validated value types: ids, names, money, domains, country codes.

use super::Invalid;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Serialises a validated text newtype as a plain string, and deserialises it through its `parse`
/// (naming `$field` on failure) from a borrowed string where the input allows, so that loading
/// millions of documents makes no intermediate `String`s.
macro_rules! text_serde {
    ($ty:ident, $field:literal) => {
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::parse($field, v).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0.into()
            }
        }
    };
}

/// A client-chosen identifier (the PRM's own id): 1-128 printable characters, no `/`.
///
/// Stored as a `CompactString`: ids of up to 24 bytes (nearly all PRM ids) live inline, with no heap
/// allocation, which matters when the graph holds millions of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(CompactString);

impl Id {
    /// Parses an id, naming `field` on failure.
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        if s.is_empty() {
            return Err(Invalid::new(field, "must not be empty"));
        }
        if s.len() > 128 {
            return Err(Invalid::new(field, "must be at most 128 bytes"));
        }
        if s.trim() != s {
            return Err(Invalid::new(field, "must not start or end with whitespace"));
        }
        if s.chars().any(|c| c.is_control() || c == '/') {
            return Err(Invalid::new(
                field,
                "must not contain '/' or control characters",
            ));
        }
        // U+FFFD is what a path's invalid UTF-8 (%FF, %FE) decodes to: two different ids would
        // become one.
        if s.contains('\u{fffd}') {
            return Err(Invalid::new(
                field,
                "must be valid UTF-8 (it holds U+FFFD, the replacement character)",
            ));
        }
        if s == "." || s == ".." {
            return Err(Invalid::new(field, "must not be '.' or '..'"));
        }
        Ok(Id(CompactString::from(s)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_serde!(Id, "id");

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, non-empty, at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(CompactString);

impl Name {
    /// Parses a name, naming `field` on failure.
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Invalid::new(field, "must not be empty"));
        }
        if t.chars().count() > 300 {
            return Err(Invalid::new(field, "must be at most 300 characters"));
        }
        if !t.chars().any(char::is_alphanumeric) {
            return Err(Invalid::new(field, "must contain a letter or a digit"));
        }
        Ok(Name(CompactString::from(t)))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_serde!(Name, "name");

/// A non-negative, finite amount of money in major units (e.g. 1250.50).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Amount(f64);

impl Amount {
    /// Parses an amount, naming `field` on failure.
    pub fn parse(field: &str, v: f64) -> Result<Self, Invalid> {
        if !v.is_finite() {
            return Err(Invalid::new(field, "must be a finite number"));
        }
        if v < 0.0 {
            return Err(Invalid::new(field, "must not be negative"));
        }
        if v > 1e15 {
            return Err(Invalid::new(field, "must be at most 1e15"));
        }
        Ok(Amount(v))
    }

    /// The amount as a number.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Amount {
    type Error = Invalid;
    fn try_from(v: f64) -> Result<Self, Invalid> {
        Amount::parse("amount", v)
    }
}

impl From<Amount> for f64 {
    fn from(a: Amount) -> f64 {
        a.0
    }
}

/// An ISO 4217 currency code, upper case (accepted in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// US dollars, the default reporting currency.
    pub const USD: Currency = Currency(*b"USD");

    /// Parses a three-letter code, naming `field` on failure.
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let b = s.trim().as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(Invalid::new(
                field,
                "must be a three-letter ISO 4217 code such as USD",
            ));
        }
        Ok(Currency([
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
            b[2].to_ascii_uppercase(),
        ]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("currency codes are ASCII")
    }
}

impl TryFrom<String> for Currency {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Currency::parse("currency", &s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case (accepted in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a two-letter code, naming `field` on failure.
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let b = s.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(Invalid::new(
                field,
                "must be a two-letter ISO 3166 country code such as DE",
            ));
        }
        Ok(CountryCode([
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
        ]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("country codes are ASCII")
    }
}

impl TryFrom<String> for CountryCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        CountryCode::parse("country", &s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_string()
    }
}

/// A web domain, lower case, without scheme, `www.`, port or path.
///
/// Accepts a bare domain or a URL (`https://www.Acme.com/about` becomes `acme.com`); reduction to the
/// registrable domain with the public-suffix list belongs to entity resolution, not storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DomainName(CompactString);

impl DomainName {
    /// Parses a domain or URL, naming `field` on failure.
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let mut t = s.trim().to_ascii_lowercase();
        for scheme in ["https://", "http://"] {
            if let Some(rest) = t.strip_prefix(scheme) {
                t = rest.to_string();
            }
        }
        if let Some(at) = t.rfind('@') {
            t = t[at + 1..].to_string();
        }
        let host_end = t.find(['/', '?', '#', ':']).unwrap_or(t.len());
        t.truncate(host_end);
        let t = t.trim_end_matches('.');
        let t = t.strip_prefix("www.").unwrap_or(t);
        let ok = !t.is_empty()
            && t.len() <= 253
            && t.contains('.')
            && t.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !ok {
            return Err(Invalid::new(
                field,
                format!("'{}' is not a web domain such as acme.com", s.trim()),
            ));
        }
        Ok(DomainName(CompactString::from(t)))
    }

    /// The domain as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_serde!(DomainName, "domain");

impl std::borrow::Borrow<str> for DomainName {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// Years a date of the ecosystem (a deal, a certification, a touchpoint) may fall in. Anything
/// outside is a typo ("0024-05-01", "20245-01-01") that would sort and age every report wrongly.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// `d`, if its year is plausible (1900 to 2199); else an error naming `field`.
pub fn plausible_date(field: &str, d: NaiveDate) -> Result<NaiveDate, Invalid> {
    if PLAUSIBLE_YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(Invalid::new(
            field,
            format!("year {} is out of range (1900 to 2199)", d.year()),
        ))
    }
}

/// `t`, if its year is plausible (1900 to 2199); else an error naming `field`.
pub fn plausible_time(field: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    plausible_date(field, t.date_naive()).map(|_| t)
}

/// Reads an optional count written as a JSON number with no fractional part, `5` and `5.0` alike,
/// as JSON Schema's `integer` allows.
pub fn whole_number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    use serde::de::Error;
    let Some(n) = <Option<f64> as Deserialize>::deserialize(d)? else {
        return Ok(None);
    };
    if n.fract() != 0.0 || n < 0.0 {
        return Err(D::Error::custom(format!(
            "must be a whole number, not negative, got {n}"
        )));
    }
    // Past 2^64 the cast saturates, and every such count is refused as too large.
    T::try_from(n as u64)
        .map(Some)
        .map_err(|_| D::Error::custom(format!("{n} is too large")))
}

/// Largest head count accepted: more than any employer has (the largest have about 2.3 million).
pub const MAX_EMPLOYEES: u32 = 10_000_000;

/// `n`, if it is a plausible head count; else an error naming `field`.
pub fn head_count(field: &str, n: Option<u32>) -> Result<Option<u32>, Invalid> {
    match n {
        Some(n) if n > MAX_EMPLOYEES => Err(Invalid::new(
            field,
            format!("must be at most {MAX_EMPLOYEES}"),
        )),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn domains_are_reduced_from_urls_and_emails() {
        let p = |s| DomainName::parse("d", s).map(|d| d.as_str().to_string());
        assert_eq!(p("https://www.Acme.com/about?x=1").unwrap(), "acme.com");
        assert_eq!(p("sales@acme.co.uk").unwrap(), "acme.co.uk");
        assert_eq!(p("acme.com:8080").unwrap(), "acme.com");
        assert!(p("not a domain").is_err());
        assert!(p("localhost").is_err());
    }

    #[test]
    fn amounts_reject_negative_and_non_finite_values() {
        assert!(Amount::parse("a", -1.0).is_err());
        assert!(Amount::parse("a", f64::NAN).is_err());
        assert_eq!(Amount::parse("a", 12.5).unwrap().value(), 12.5);
    }

    #[test]
    fn ids_reject_slashes_and_padding() {
        assert!(Id::parse("id", "P/1").is_err());
        assert!(Id::parse("id", " P1").is_err());
        assert!(Id::parse("id", "").is_err());
        assert_eq!(Id::parse("id", "P-17").unwrap().as_str(), "P-17");
        // What %FF and %FE in a path both decode to: two ids would become one.
        assert!(Id::parse("id", "X\u{fffd}Y").is_err());
        assert!(Id::parse("id", "..").is_err());
        assert!(Id::parse("id", ".").is_err());
        assert_eq!(Id::parse("id", "a.b").unwrap().as_str(), "a.b");
    }

    proptest! {
        #[test]
        fn domain_parsing_is_idempotent(s in "\\PC{0,40}") {
            if let Ok(d) = DomainName::parse("d", &s) {
                let again = DomainName::parse("d", d.as_str()).unwrap();
                prop_assert_eq!(again, d);
            }
        }

        #[test]
        fn currency_and_country_never_panic(s in "\\PC{0,6}") {
            let _ = Currency::parse("c", &s);
            let _ = CountryCode::parse("c", &s);
        }
    }
}
