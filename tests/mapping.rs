//! Account mapping: population counts, sharing-based privacy, and the same counts from both sides.

mod common;

use common::{spawn, sqlite_db};
use ecograph::mapping::{self, Viewer};
use serde_json::{Value, json};

fn cell(m: &Value, vendor: &str, partner: &str) -> Value {
    m["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["vendor"] == vendor && c["partner"] == partner)
        .unwrap()["accounts"]
        .clone()
}

#[actix_web::test]
async fn the_overlap_matrix_counts_accounts_by_population_and_honours_sharing() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    app.put("/v1/partners/P-1", &json!({"name": "One", "type": "SI", "sharing": {"customers": "records", "prospects": "counts", "opportunities": "hidden"}})).await;
    app.put("/v1/partners/P-2", &json!({"name": "Two", "type": "VAR", "sharing": {"customers": "records", "prospects": "records", "opportunities": "records"}})).await;
    app.put(
        "/v1/accounts/A-1",
        &json!({"name": "Alpha", "domain": "alpha.com", "vendor_relation": "customer"}),
    )
    .await;
    app.put(
        "/v1/accounts/A-2",
        &json!({"name": "Beta", "domain": "beta.com", "vendor_relation": "prospect"}),
    )
    .await;
    app.put(
        "/v1/accounts/A-3",
        &json!({"name": "Gamma", "domain": "gamma.com"}),
    )
    .await;
    app.put(
        "/v1/accounts/A-4",
        &json!({"name": "Delta", "domain": "delta.com"}),
    )
    .await;
    app.put("/v1/deals/D-1", &json!({"account_id": "A-3", "amount": 5000, "stage": "proposal", "created_on": "2025-01-01"})).await;
    let csv = "id,relation,name,account_id\nr1,customer,Alpha,A-1\nr2,customer,Beta,A-2\nr3,prospect,Gamma,A-3\nr4,customer,Delta,A-4\nr5,opportunity,Alpha,A-1\n";
    assert_eq!(
        app.put_raw("/v1/partners/P-1/accounts", "text/csv", csv)
            .await
            .0,
        200
    );
    app.put_raw(
        "/v1/partners/P-2/accounts",
        "text/csv",
        "id,relation,name,account_id\nx1,customer,Alpha,A-1\n",
    )
    .await;

    let (s, m) = app.get("/v1/mapping/partners/P-1/matrix").await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(cell(&m, "customer", "customer"), json!(1));
    assert_eq!(cell(&m, "prospect", "customer"), json!(1));
    assert_eq!(
        cell(&m, "opportunity", "prospect"),
        json!(1),
        "an open deal makes A-3 a vendor opportunity"
    );
    assert_eq!(cell(&m, "customer", "prospect"), json!(0));
    assert_eq!(
        cell(&m, "customer", "opportunity"),
        Value::Null,
        "P-1 hides its opportunities"
    );
    assert_eq!(m["overlapping_accounts"], 3);

    // Listed: only populations shared as records (customers); A-3 (prospect, counts only) is not.
    let (_, o) = app.get("/v1/mapping/partners/P-1/overlaps").await;
    let ids: Vec<&str> = o["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["account"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["A-1", "A-2"]);
    assert_eq!(
        o["items"][0]["other_partners"],
        json!([{"partner_id": "P-2", "relations": ["customer"]}])
    );
    let (_, o) = app
        .get("/v1/mapping/partners/P-2/overlaps?vendor_population=customer")
        .await;
    assert_eq!(
        o["items"][0]["other_partners"],
        json!([{"partner_id": "P-1", "relations": ["customer"]}]),
        "P-1's hidden opportunity record is not shown"
    );

    // The same counts whichever side asks.
    let (vendor, partner) = app.eco.read(|g| {
        (
            mapping::matrix(g, "P-2", &Viewer::Vendor).unwrap(),
            mapping::matrix(
                g,
                "P-2",
                &Viewer::Partner(ecograph::domain::Id::parse("id", "P-2").unwrap()),
            )
            .unwrap(),
        )
    });
    let counts = |m: &mapping::Matrix| m.cells.iter().map(|c| c.accounts).collect::<Vec<_>>();
    assert_eq!(counts(&vendor), counts(&partner));
    // A partner viewer never sees other partners.
    let own = app.eco.read(|g| {
        mapping::overlaps(
            g,
            "P-1",
            &Viewer::Partner(ecograph::domain::Id::parse("id", "P-1").unwrap()),
            None,
            None,
        )
        .unwrap()
    });
    assert!(own.iter().all(|o| o.other_partners.is_empty()));
    assert_eq!(
        own.len(),
        3,
        "a partner sees all of its own overlapping records"
    );

    let (_, p) = app.get("/v1/mapping/partners/P-1/partners").await;
    assert_eq!(
        p,
        json!([{"partner_id": "P-2", "name": "Two", "shared_accounts": 1}])
    );
    assert_eq!(app.get("/v1/mapping/partners/P-404/matrix").await.0, 404);
    app.stop().await;
}
