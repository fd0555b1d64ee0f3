//! Web domains from URLs, bare hosts and e-mail addresses, reduced to the registrable domain
//! ("eTLD+1") with the embedded public suffix list, so "https://www.shop.example.co.uk/x"
//! and "info@example.co.uk" both give "example.co.uk".

/// Free mail and hosting domains: shared by unrelated companies, so they identify nobody.
const SHARED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "t-online.de",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
    "126.com",
    "protonmail.com",
    "proton.me",
    "zoho.com",
    "comcast.net",
    "sbcglobal.net",
    "att.net",
    "verizon.net",
    "orange.fr",
    "free.fr",
    "wanadoo.fr",
    "libero.it",
    "btinternet.com",
    "facebook.com",
    "linkedin.com",
    "wordpress.com",
    "blogspot.com",
    "wix.com",
    "wixsite.com",
    "github.io",
    "google.com",
    "sites.google.com",
];

/// Host part of a URL, bare host or e-mail address, lower-cased, without scheme, user info,
/// port, path, query or trailing dot. `None` if nothing host-like remains.
pub fn host_of(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_lowercase();
    let s = s.strip_prefix("mailto:").unwrap_or(&s);
    let s = match s.find("://") {
        Some(i) => &s[i + 3..],
        None => s,
    };
    let s = s.split(['/', '?', '#', ' ', '\\']).next().unwrap_or("");
    let s = match s.rfind('@') {
        Some(i) => &s[i + 1..],
        None => s,
    };
    let s = s.split(':').next().unwrap_or("");
    let s = s.trim_matches('.');
    if s.is_empty()
        || !s.contains('.')
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        || s.split('.').any(str::is_empty)
    {
        return None;
    }
    Some(s.to_string())
}

/// Registrable domain (public suffix + one label) of a URL, host or e-mail address.
pub fn registrable_domain(raw: &str) -> Option<String> {
    let host = host_of(raw)?;
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let d = psl::domain_str(&host)?;
    Some(d.to_string())
}

/// The registrable domain of a company name written as its web address ("www.brunel.fr",
/// "therailgo.com", "https://acme.co.uk"): one word with a known public suffix and a label of
/// at least three characters. `None` for every other name, dotted legal forms ("S.p.A.", "N.V.")
/// included, since their last part is no known suffix.
pub fn name_as_domain(name: &str) -> Option<String> {
    let t = name.trim();
    if t.is_empty() || t.contains(char::is_whitespace) || t.contains('@') {
        return None;
    }
    let host = host_of(t)?;
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let suffix = psl::suffix(host.as_bytes())?;
    let d = psl::domain_str(host)?;
    let label_len = d.len().checked_sub(suffix.as_bytes().len() + 1)?;
    (suffix.is_known() && label_len >= 3).then(|| d.to_string())
}

/// Registrable domain usable as company identity: as [`registrable_domain`] but `None` for
/// shared free-mail and hosting domains.
pub fn company_domain(raw: &str) -> Option<String> {
    let d = registrable_domain(raw)?;
    if SHARED_DOMAINS.contains(&d.as_str()) {
        None
    } else {
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_written_as_a_web_address_gives_its_domain() {
        for (name, domain) in [
            ("www.brunel.fr", Some("brunel.fr")),
            ("therailgo.com", Some("therailgo.com")),
            ("https://Acme.co.uk/about", Some("acme.co.uk")),
            ("santos.com.br", Some("santos.com.br")),
            ("Amazon.com", Some("amazon.com")),
        ] {
            assert_eq!(name_as_domain(name).as_deref(), domain, "{name}");
        }
        for name in [
            "S.p.A.",
            "N.V.",
            "J.P.Morgan",
            "Acme Corp.",
            "Amazon.com, Inc.",
            "info@acme.com",
            "ab.com",
            "Sp.z.o.o.",
        ] {
            assert_eq!(name_as_domain(name), None, "{name}");
        }
    }

    #[test]
    fn extracts_registrable_domain() {
        assert_eq!(
            registrable_domain("https://www.shop.example.co.uk/x").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            registrable_domain("info@example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            registrable_domain("WWW.Acme.com").as_deref(),
            Some("acme.com")
        );
        assert_eq!(
            registrable_domain("http://acme.com:8080/about?x=1").as_deref(),
            Some("acme.com")
        );
        assert_eq!(
            registrable_domain("mailto:Sales@Mail.ACME.de").as_deref(),
            Some("acme.de")
        );
        assert_eq!(registrable_domain("acme"), None);
        assert_eq!(registrable_domain(""), None);
        assert_eq!(registrable_domain("not a url at all"), None);
        assert_eq!(company_domain("jane@gmail.com"), None);
        assert_eq!(company_domain("jane@acme.com").as_deref(), Some("acme.com"));
    }
}
