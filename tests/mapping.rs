//! Account mapping: population counts, sharing-based privacy, and the same counts from both sides.

mod common;

use common::{TestApp, spawn, sqlite_db};
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

/// A small ecosystem for the warmth ranking. P-1 hides its opportunities; P-2 shares records;
/// P-3 shares counts only.
async fn targets_ecosystem(app: &TestApp) {
    let all = |level: &str| json!({"customers": level, "prospects": level, "opportunities": level});
    let put = |path: String, body: Value| async move {
        let (s, b) = app.put(&path, &body).await;
        assert!(s == 200 || s == 201, "{path}: {s} {b}");
    };
    put("/v1/partners/P-1".into(), json!({"name": "Own Partner", "type": "SI", "regions": ["EMEA"], "industries": ["Healthcare"],
        "sharing": {"customers": "records", "prospects": "records", "opportunities": "hidden"}})).await;
    put(
        "/v1/partners/P-2".into(),
        json!({"name": "Secret Two", "type": "VAR", "sharing": all("records")}),
    )
    .await;
    put(
        "/v1/partners/P-3".into(),
        json!({"name": "Hush Three", "type": "MSP", "sharing": all("counts")}),
    )
    .await;
    let accounts = [
        (
            "A-1",
            json!({"vendor_relation": "customer", "industry": "Healthcare", "region": "EMEA"}),
        ),
        (
            "A-2",
            json!({"vendor_relation": "prospect", "industry": "Healthcare", "region": "EMEA",
                "owner": {"kind": "partner", "partner_id": "P-2"}}),
        ),
        (
            "A-3",
            json!({"vendor_relation": "prospect", "industry": "Retail", "region": "NA"}),
        ),
        ("A-4", json!({"industry": "healthcare", "region": "EMEA"})),
        ("A-5", json!({"vendor_relation": "prospect"})),
        ("A-6", json!({"vendor_relation": "prospect"})),
    ];
    for (id, mut body) in accounts {
        body["name"] = json!(format!("Company {id}"));
        put(format!("/v1/accounts/{id}"), body).await;
    }
    for (id, account, amount) in [("D-1", "A-2", 400_000), ("D-2", "A-4", 50_000)] {
        put(
            format!("/v1/deals/{id}"),
            json!({"account_id": account, "amount": amount, "stage": "proposal", "created_on": "2025-05-01",
                "partners": [{"partner_id": "P-2", "role": "sourcing"}]}),
        )
        .await;
    }
    for (id, partner, account, when) in [
        ("T-1", "P-1", "A-2", "2025-06-20T00:00:00Z"),
        ("T-2", "P-1", "A-3", "2024-01-01T00:00:00Z"),
        ("T-3", "P-2", "A-6", "2025-06-30T00:00:00Z"),
    ] {
        put(
            format!("/v1/touchpoints/{id}"),
            json!({"partner_id": partner, "account_id": account, "kind": "demo", "occurred_at": when}),
        )
        .await;
    }
    let csv = "id,relation,name,account_id\nr1,customer,A,A-1\nr2,prospect,B,A-2\nr3,prospect,C,A-3\nr4,customer,D,A-4\nr5,opportunity,E,A-5\nr6,prospect,F,A-6\n";
    assert_eq!(
        app.put_raw("/v1/partners/P-1/accounts", "text/csv", csv)
            .await
            .0,
        200
    );
    let csv = "id,relation,name,account_id\nx1,customer,B,A-2\n";
    assert_eq!(
        app.put_raw("/v1/partners/P-2/accounts", "text/csv", csv)
            .await
            .0,
        200
    );
    let csv = "id,relation,name,account_id\ny1,customer,B,A-2\ny2,customer,F,A-6\n";
    assert_eq!(
        app.put_raw("/v1/partners/P-3/accounts", "text/csv", csv)
            .await
            .0,
        200
    );
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["account"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(page: &'a Value, account: &str) -> &'a Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["account"]["id"] == account)
        .unwrap_or_else(|| panic!("{account} not in {page}"))
}

#[actix_web::test]
async fn shared_targets_are_ranked_by_warmth_with_their_components() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    targets_ecosystem(&app).await;
    let (s, page) = app
        .get("/v1/mapping/partners/P-1/targets?as_of=2025-07-01T00:00:00Z")
        .await;
    assert_eq!(s, 200, "{page}");
    // A-1 is a vendor customer, A-5 is known to P-1 only as a hidden opportunity.
    assert_eq!(ids(&page), ["A-2", "A-4", "A-6", "A-3"]);
    let scores: Vec<f64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));

    let a2 = item(&page, "A-2");
    assert_eq!(
        a2["account"]["owner"]["partner_id"], "P-2",
        "the vendor sees the owner"
    );
    let c = &a2["components"];
    assert_eq!(
        c["relationships"]["other_partners"],
        json!({"customer": 1, "opportunity": 0, "prospect": 0}),
        "P-2 shares records; P-3 shares counts only and is not counted"
    );
    assert_eq!(c["relationships"]["partner_relation"], "prospect");
    assert_eq!(
        c["opportunities"]["pipeline"],
        json!([{"currency": "USD", "amount": 400000.0}])
    );
    assert_eq!(c["recency"]["last_touchpoint_at"], "2025-06-20T00:00:00Z");
    assert_eq!(c["recency"]["age_days"], 11.0);
    assert_eq!(c["fit"]["industry"]["value"], 1.0);
    assert_eq!(c["fit"]["region"]["value"], 1.0);
    let sum: f64 = ["relationships", "opportunities", "recency", "fit"]
        .iter()
        .map(|k| c[k]["contribution"].as_f64().unwrap())
        .sum();
    assert!((sum - a2["score"].as_f64().unwrap()).abs() < 1e-5);
    assert_eq!(
        item(&page, "A-4")["vendor_populations"],
        json!(["opportunity"]),
        "an open deal makes A-4 a vendor opportunity"
    );
    let a6 = &item(&page, "A-6")["components"];
    assert_eq!(
        a6["recency"]["last_touchpoint_at"],
        Value::Null,
        "P-2 touched A-6 but does not know it"
    );

    // Filters narrow the list without changing scores.
    let (_, opp) = app
        .get("/v1/mapping/partners/P-1/targets?as_of=2025-07-01&vendor_population=opportunity")
        .await;
    assert_eq!(ids(&opp), ["A-2", "A-4"]);
    assert_eq!(item(&opp, "A-4")["score"], item(&page, "A-4")["score"]);
    let (_, cust) = app
        .get("/v1/mapping/partners/P-1/targets?as_of=2025-07-01&partner_population=CUSTOMER")
        .await;
    assert_eq!(ids(&cust), ["A-4"]);
    let min = item(&page, "A-4")["score"].as_f64().unwrap();
    let (_, warm) = app
        .get(&format!(
            "/v1/mapping/partners/P-1/targets?as_of=2025-07-01&min_score={min}"
        ))
        .await;
    assert_eq!(ids(&warm), ["A-2", "A-4"]);

    // Recency is measured at as_of: before T-1, A-2 has no touchpoint yet.
    let (_, early) = app
        .get("/v1/mapping/partners/P-1/targets?as_of=2025-06-01T00:00:00Z")
        .await;
    assert_eq!(item(&early, "A-2")["components"]["recency"]["value"], 0.0);
    assert!(item(&early, "A-2")["score"].as_f64() < a2["score"].as_f64());
    // Without as_of the ranking is measured now.
    let (s, now) = app.get("/v1/mapping/partners/P-1/targets").await;
    assert_eq!(s, 200);
    assert_eq!(ids(&now).len(), 4);
    app.stop().await;
}

#[actix_web::test]
async fn target_pages_cover_every_target_exactly_once() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    targets_ecosystem(&app).await;
    // Ten more identical prospects: one score, ordered by account id across page boundaries.
    // P-3's whole list: its two earlier rows and the ties.
    let mut csv =
        String::from("id,relation,name,account_id\ny1,customer,B,A-2\ny2,customer,F,A-6\n");
    for i in 0..10 {
        let (s, b) = app
            .put(
                &format!("/v1/accounts/B-{i:02}"),
                &json!({"name": format!("Tie {i}"), "vendor_relation": "prospect"}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        csv.push_str(&format!("t{i},prospect,Tie {i},B-{i:02}\n"));
    }
    assert_eq!(
        app.put_raw("/v1/partners/P-3/accounts", "text/csv", csv.clone())
            .await
            .0,
        200
    );
    app.put(
        "/v1/partners/P-3",
        &json!({"name": "Hush Three", "type": "MSP", "sharing": {"customers": "records", "prospects": "records", "opportunities": "records"}}),
    )
    .await;
    let (_, all) = app.get("/v1/mapping/partners/P-3/targets?limit=1000").await;
    let every = ids(&all);
    assert_eq!(every.len(), 12, "{every:?}");
    for size in [1, 3, 5] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/v1/mapping/partners/P-3/targets?limit={size}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let (s, page) = app.get(&path).await;
            assert_eq!(s, 200, "{page}");
            let got = ids(&page);
            assert!(got.len() <= size);
            seen.extend(got);
            assert!(
                seen.len() <= every.len(),
                "pages of {size} repeat: {seen:?}"
            );
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, every, "pages of {size}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn a_partner_key_sees_its_own_targets_and_no_other_partner() {
    const MASTER: &str = "test-master-key-0123456789";
    let db = sqlite_db();
    let mut s = common::settings(&db.url);
    s.master_key = Some(MASTER.into());
    let app = common::spawn_with(s).await;
    let master = app.with_token(MASTER);
    targets_ecosystem(&master).await;
    let (st, key) = master
        .post(
            "/v1/keys",
            &json!({"name": "portal", "role": "partner", "partner_id": "P-1"}),
        )
        .await;
    assert_eq!(st, 201, "{key}");
    let partner = app.with_token(key["token"].as_str().unwrap());

    let (st, own) = partner
        .get("/v1/mapping/partners/P-1/targets?as_of=2025-07-01")
        .await;
    assert_eq!(st, 200, "{own}");
    let text = own.to_string();
    for secret in ["P-2", "P-3", "Secret Two", "Hush Three"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(
        ids(&own).contains(&"A-5".to_string()),
        "a partner sees its own hidden opportunity"
    );
    assert_eq!(
        item(&own, "A-2")["components"]["relationships"]["other_partners"]["customer"],
        1,
        "other partners count, anonymously"
    );
    let (_, vendor) = master
        .get("/v1/mapping/partners/P-1/targets?as_of=2025-07-01")
        .await;
    assert!(
        !ids(&vendor).contains(&"A-5".to_string()),
        "P-1 hides its opportunities from the vendor"
    );
    let (st, overlaps) = partner.get("/v1/mapping/partners/P-1/overlaps").await;
    assert_eq!(st, 200, "{overlaps}");
    let text = overlaps.to_string();
    assert!(
        text.contains("A-2"),
        "the shared prospect is in the overlaps: {text}"
    );
    for secret in ["P-2", "P-3", "Secret Two", "Hush Three"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked in overlaps: {text}"
        );
    }
    let (st, other) = partner.get("/v1/mapping/partners/P-2/targets").await;
    assert_eq!(st, 404, "{other}");
    assert_eq!(other["detail"], "partner 'P-2' does not exist");
    app.stop().await;
}

#[actix_web::test]
async fn bad_target_queries_are_rejected_naming_the_parameter() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    targets_ecosystem(&app).await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("min_score=1.5", "min_score"),
        ("min_score=warm", "min_score"),
        ("as_of=yesterday", "as_of"),
        ("vendor_population=customer", "vendor_population"),
        ("vendor_population=friends", "vendor_population"),
        ("partner_population=friends", "partner_population"),
        ("cursor=nonsense", "cursor"),
        ("cursor=1.x.A-2", "cursor"),
        ("as_of=2025-07-01&cursor=1751328000000001.5.A-2", "cursor"),
        ("warmth=1", "warmth"),
    ] {
        let (s, p) = app
            .get(&format!("/v1/mapping/partners/P-1/targets?{query}"))
            .await;
        assert_eq!(s, 400, "{query}: {p}");
        assert_eq!(p["code"], "invalid_query", "{query}");
        assert_eq!(p["field"], field, "{query}: {p}");
    }
    let (s, p) = app.get("/v1/mapping/partners/P-404/targets").await;
    assert_eq!((s, p["code"].as_str()), (404, Some("not_found")));
    app.stop().await;
}
