//! Property test: the ranking's numbers-only fit score equals the worded score a caller is shown,
//! for arbitrary profiles and partners (the recruiting ranking orders by the former and returns the
//! latter, so a difference would rank one number and show another).

use chrono::NaiveDate;
use ecograph::domain::{Id, Ipp, IppInput, Partner, PartnerInput};
use ecograph::intel::fit::{self, TargetOverlap};
use proptest::prelude::*;
use serde_json::{Value, json};

const TYPES: [&str; 7] = ["SI", "GSI", "ISV", "MSP", "VAR", "Distributor", "Referral"];
const REGIONS: [&str; 4] = ["NA", "EMEA", "APAC", "LATAM"];
const WORDS: [&str; 6] = [
    "Healthcare",
    "retail",
    "Finance",
    "Cloud",
    "data migration",
    "AI",
];
const CRITERIA: [&str; 7] = [
    "partner_type",
    "industries",
    "regions",
    "certifications",
    "size",
    "capabilities",
    "customer_overlap",
];

fn pick<const N: usize>(from: [&'static str; N]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(from.to_vec(), 0..=N)
}

fn partner() -> impl Strategy<Value = Partner> {
    (
        proptest::sample::select(TYPES.to_vec()),
        pick(REGIONS),
        pick(WORDS),
        pick(WORDS),
        pick(WORDS),
        proptest::option::of(1u32..100_000),
        any::<bool>(),
    )
        .prop_map(|(t, regions, industries, certs, caps, employees, lapsed)| {
            let certs: Vec<Value> = certs
                .iter()
                .map(|c| {
                    let mut v = json!({"name": c, "earned_on": "2024-01-01"});
                    if lapsed {
                        v["expires_on"] = json!("2025-01-01");
                    }
                    v
                })
                .collect();
            let input: PartnerInput = serde_json::from_value(json!({
                "name": "Fjord Cloud Integrators AS",
                "type": t,
                "regions": regions,
                "industries": industries,
                "certifications": certs,
                "capabilities": caps,
                "employees": employees,
            }))
            .expect("a valid partner body");
            Partner::from_input(Id::parse("id", "P-1").unwrap(), input).expect("a valid partner")
        })
}

fn ipp() -> impl Strategy<Value = Ipp> {
    (
        pick(TYPES),
        pick(REGIONS),
        pick(WORDS),
        pick(WORDS),
        pick(WORDS),
        (
            proptest::option::of(1u32..500),
            proptest::option::of(500u32..50_000),
        ),
        proptest::collection::vec(0.0f64..5.0, 7),
        pick(CRITERIA),
        (1u32..50, 0.0f64..100.0),
    )
        .prop_map(
            |(types, regions, ind, certs, caps, (lo, hi), w, required, (target, min))| {
                let weights: serde_json::Map<String, Value> = CRITERIA
                    .iter()
                    .zip(&w)
                    .map(|(c, w)| (c.to_string(), json!(w)))
                    .collect();
                let input: IppInput = serde_json::from_value(json!({
                    "name": "Healthcare integrators",
                    "partner_types": types,
                    "regions": regions,
                    "industries": ind,
                    "certifications": certs,
                    "capabilities": caps,
                    "min_employees": lo,
                    "max_employees": hi,
                    "weights": weights,
                    "required": required,
                    "target_customers": target,
                    "min_score": min,
                }))
                .expect("a valid profile body");
                Ipp::from_input(Id::parse("id", "IPP-1").unwrap(), input).expect("a valid profile")
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn numbers_only_score_equals_the_worded_score(
        ipp in ipp(),
        p in partner(),
        overlap in proptest::option::of((0u32..200, 0u32..100, 0u32..60)),
        success in proptest::option::of(0.0f64..1.0),
    ) {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let overlap = overlap.map(|(listed, customers, target_customers)| TargetOverlap {
            listed,
            customers,
            target_customers,
        });
        let success_part = success.map(|probability| fit::Success {
            probability,
            basis: fit::Basis::Priors,
            version: "v".into(),
            drivers: Vec::new(),
        });
        let worded = fit::score(&ipp, &p, overlap, success_part, today);
        let numbers = fit::score_value(&ipp, &p, overlap, success, today);
        prop_assert_eq!(worded.score.to_bits(), numbers.to_bits());
        // Every stated criterion carries words in the worded score.
        prop_assert!(worded.criteria.iter().all(|c| !c.sentence.is_empty()));
    }
}
