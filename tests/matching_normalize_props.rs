//! Property tests: normalisers never panic on arbitrary Unicode and are idempotent.

use ecograph::matching::{Record, domain, normalize, prepare};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn name_is_idempotent(s in "\\PC{0,40}") {
        let once = normalize::normalize_name(&s).joined();
        let twice = normalize::normalize_name(&once).joined();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn company_like_names_idempotent(s in "[A-Za-z&.,'() -]{0,40}") {
        let once = normalize::normalize_name(&s).joined();
        prop_assert_eq!(normalize::normalize_name(&once).joined(), once);
    }

    #[test]
    fn field_normalisers_idempotent(s in "\\PC{0,30}") {
        if let Some(p) = normalize::normalize_phone(&s) {
            prop_assert_eq!(normalize::normalize_phone(&p), Some(p.clone()));
        }
        if let Some(p) = normalize::normalize_postal(&s) {
            prop_assert_eq!(normalize::normalize_postal(&p), Some(p.clone()));
        }
        if let Some(a) = normalize::normalize_address(&s) {
            prop_assert_eq!(normalize::normalize_address(&a), Some(a.clone()));
        }
        if let Some(c) = normalize::normalize_city(&s) {
            prop_assert_eq!(normalize::normalize_city(&c), Some(c.clone()));
        }
        if let Some(d) = domain::registrable_domain(&s) {
            prop_assert_eq!(domain::registrable_domain(&d), Some(d.clone()));
        }
    }

    #[test]
    fn prepare_never_panics(name in "\\PC{0,30}", web in "\\PC{0,30}", phone in "\\PC{0,20}") {
        let r = Record { name, website: Some(web.clone()), email: Some(web), phone: Some(phone), ..Default::default() };
        let _ = prepare(&r);
    }
}
