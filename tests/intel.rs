//! Partner intelligence over HTTP: partners for an account or a deal with the facts behind them and
//! sharing respected, IPP fit of partners and applicants, screening at application, and recruiting
//! candidates with paging.

mod common;

use common::{TestApp, settings, spawn, spawn_with, sqlite_db};
use serde_json::{Value, json};

async fn put(app: &TestApp, path: &str, body: Value) {
    let (s, b) = app.put(path, &body).await;
    assert!(s == 200 || s == 201, "PUT {path}: {s} {b}");
}

/// Account A-1 (EMEA, Healthcare) is listed as a customer by P-LIST (sharing records) and by P-COUNT
/// (sharing counts only); P-DEAL sold on it before; P-FAR has nothing to do with it. A-2 shares
/// partners with A-1, and P-NEAR works on A-2 only.
async fn world(app: &TestApp) {
    let p = |name: &str, ty: &str, sharing: &str| {
        json!({"name": name, "type": ty, "regions": ["EMEA"], "industries": ["Healthcare"],
               "sharing": {"customers": sharing, "prospects": sharing, "opportunities": sharing}})
    };
    put(
        app,
        "/v1/partners/P-LIST",
        p("List Partner", "SI", "records"),
    )
    .await;
    put(
        app,
        "/v1/partners/P-COUNT",
        p("Count Partner", "VAR", "counts"),
    )
    .await;
    put(
        app,
        "/v1/partners/P-DEAL",
        p("Deal Partner", "MSP", "records"),
    )
    .await;
    put(
        app,
        "/v1/partners/P-NEAR",
        p("Near Partner", "SI", "records"),
    )
    .await;
    put(
        app,
        "/v1/partners/P-FAR",
        json!({"name": "Far Partner", "type": "ISV", "regions": ["APAC"], "industries": ["Retail"]}),
    )
    .await;
    for (id, name, domain) in [
        ("A-1", "Acme Health", "acme-health.de"),
        ("A-2", "Borealis Clinics", "borealis.de"),
        ("A-3", "Corvid Care", "corvid-care.de"),
    ] {
        put(
            app,
            &format!("/v1/accounts/{id}"),
            json!({"name": name, "domain": domain, "country": "DE", "region": "EMEA",
                   "industry": "Healthcare", "vendor_relation": "prospect"}),
        )
        .await;
    }
    for (p, rows) in [
        (
            "P-LIST",
            "l1,customer,Acme Health,A-1\nl2,customer,Borealis Clinics,A-2\n",
        ),
        ("P-COUNT", "c1,customer,Acme Health,A-1\n"),
        (
            "P-NEAR",
            "n1,customer,Borealis Clinics,A-2\nn2,customer,Corvid Care,A-3\n",
        ),
    ] {
        let csv = format!("id,relation,name,account_id\n{rows}");
        let (s, b) = app
            .put_raw(&format!("/v1/partners/{p}/accounts"), "text/csv", csv)
            .await;
        assert_eq!(s, 200, "{b}");
    }
    put(
        app,
        "/v1/deals/D-OLD",
        json!({"account_id": "A-1", "amount": 50000, "stage": "closed_won", "created_on": "2025-01-10",
               "close_date": "2025-03-01", "partners": [{"partner_id": "P-DEAL", "role": "services"},
               {"partner_id": "P-LIST", "role": "sourcing"}]}),
    )
    .await;
    put(
        app,
        "/v1/deals/D-NEW",
        json!({"account_id": "A-1", "amount": 90000, "stage": "proposal", "created_on": "2025-06-01",
               "partners": [{"partner_id": "P-LIST", "role": "sourcing"}]}),
    )
    .await;
}

fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["partner_id"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn an_account_gets_the_partners_that_know_it_first_with_the_facts_behind_them() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let (s, r) = app.get("/v1/accounts/A-1/partner-recommendations").await;
    assert_eq!(s, 200, "{r}");
    let order = ids(&r);
    let pos = |p: &str| order.iter().position(|x| x == p);
    for near in ["P-LIST", "P-DEAL", "P-COUNT"] {
        assert!(pos(near).is_some(), "{near} missing from {order:?}");
    }
    assert!(
        pos("P-FAR").is_none_or(|f| f > pos("P-LIST").unwrap()),
        "an unrelated partner must not outrank one that lists the account: {order:?}"
    );
    let item = |p: &str| {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["partner_id"] == p)
            .cloned()
            .unwrap()
    };
    let text = |p: &str| item(p)["reasons"].to_string();
    assert!(
        text("P-LIST").contains("lists A-1 as a customer"),
        "{}",
        text("P-LIST")
    );
    assert!(
        !text("P-COUNT").contains("A-1") && text("P-COUNT").contains("counts only"),
        "a partner sharing counts only is never quoted row by row: {}",
        text("P-COUNT")
    );
    assert!(
        text("P-DEAL").contains("took part in 1 deal on this account, 1 won"),
        "{}",
        text("P-DEAL")
    );
    assert!(r["snapshot_built_at"].is_string());

    let (s, e) = app
        .get("/v1/accounts/A-1/partner-recommendations?limit=0")
        .await;
    assert_eq!((s, e["field"].as_str()), (400, Some("limit")), "{e}");
    let (s, _) = app.get("/v1/accounts/A-404/partner-recommendations").await;
    assert_eq!(s, 404);
}

#[actix_web::test]
async fn a_deal_leaves_out_its_partners_and_fills_the_roles_it_lacks() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    let (s, r) = app.get("/v1/deals/D-NEW/partner-recommendations").await;
    assert_eq!(s, 200, "{r}");
    let order = ids(&r);
    assert!(
        !order.contains(&"P-LIST".to_string()),
        "P-LIST is on the deal: {order:?}"
    );
    let deal_partner = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["partner_id"] == "P-DEAL")
        .expect("P-DEAL recommended");
    assert_eq!(deal_partner["role"], "services", "{deal_partner}");
    assert!(
        deal_partner["reasons"]
            .to_string()
            .contains("won 1 deal with P-LIST, already on this deal"),
        "{deal_partner}"
    );
    for i in r["items"].as_array().unwrap() {
        assert_ne!(
            i["role"], "sourcing",
            "the deal has its sourcing partner: {i}"
        );
    }
}

#[actix_web::test]
async fn fit_scores_each_criterion_and_flags_failed_requirements() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    put(
        &app,
        "/v1/ipps/IPP-H",
        json!({"name": "Healthcare SI", "partner_types": ["SI", "GSI"], "industries": ["Healthcare"],
               "regions": ["EMEA", "NA"], "weights": {"partner_type": 2},
               "required": ["partner_type"], "target_customers": 2, "min_score": 40}),
    )
    .await;
    let (s, f) = app.get("/v1/partners/P-LIST/ipp-fit?ipp_id=IPP-H").await;
    assert_eq!(s, 200, "{f}");
    let fit = &f["items"][0];
    let crit = fit["criteria"].as_array().unwrap();
    let sum: f64 = crit
        .iter()
        .map(|c| c["contribution"].as_f64().unwrap())
        .sum();
    assert!(
        (sum - fit["criteria_score"].as_f64().unwrap()).abs() < 0.05,
        "contributions add up to the criteria score: {fit}"
    );
    let get = |name: &str| {
        crit.iter()
            .find(|c| c["criterion"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(get("partner_type")["score"], 1.0);
    assert_eq!(get("regions")["score"], 0.5, "one of two regions");
    assert_eq!(
        get("customer_overlap")["score"],
        1.0,
        "two target customers listed, two count fully: {fit}"
    );
    assert!(get("partner_type")["sentence"].is_string());
    assert_eq!(fit["flagged"], false, "{fit}");

    let (s, f) = app.get("/v1/partners/P-FAR/ipp-fit?ipp_id=IPP-H").await;
    assert_eq!(s, 200);
    assert_eq!(f["items"][0]["flagged"], true);
    assert!(
        f["items"][0]["failed_requirements"][0]
            .as_str()
            .unwrap()
            .starts_with("partner_type"),
        "{f}"
    );
    let (s, e) = app.get("/v1/partners/P-LIST/ipp-fit?ipp_id=IPP-NONE").await;
    assert_eq!((s, e["field"].as_str()), (422, Some("ipp_id")), "{e}");
    let (s, e) = app
        .put(
            "/v1/ipps/IPP-BAD",
            &json!({"name": "Bad", "weights": [null, null]}),
        )
        .await;
    assert_eq!((s, e["field"].as_str()), (422, Some("weights")), "{e}");
    let (s, e) = app
        .put(
            "/v1/ipps/IPP-BAD",
            &json!({"name": "Bad", "weights": {"size": 11}}),
        )
        .await;
    assert_eq!((s, e["field"].as_str()), (422, Some("weights.size")), "{e}");
    let (s, all) = app.get("/v1/partners/P-LIST/ipp-fit").await;
    assert_eq!(s, 200);
    assert!(!all["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn an_applicant_is_scored_from_its_form_and_screened_when_it_applies() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    put(
        &app,
        "/v1/ipps/IPP-H",
        json!({"name": "Healthcare SI", "partner_types": ["SI"], "industries": ["Healthcare"],
               "regions": ["EMEA"], "required": ["regions"], "min_employees": 50, "max_employees": 5000}),
    )
    .await;
    let form = json!({"ipp_id": "IPP-H", "applicant": {"name": "Fjord Cloud Integrators AS", "type": "SI",
                      "regions": ["EMEA"], "industries": ["Healthcare"], "employees": 140}});
    let (s, f) = app.post("/v1/ipp-fit", &form).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["criteria_score"], 100.0, "{f}");
    assert_eq!(f["flagged"], false);
    assert_eq!(
        f["success"]["basis"], "priors",
        "the committed default success model serves: {f}"
    );
    let p = f["success"]["probability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p), "{f}");
    let mut bad = form.clone();
    bad["applicant"]["type"] = json!("WIZARD");
    let (s, e) = app.post("/v1/ipp-fit", &bad).await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["field"], "applicant.type", "{e}");
    let mut unknown = form.clone();
    unknown["ipp_id"] = json!("IPP-404");
    let (s, e) = app.post("/v1/ipp-fit", &unknown).await;
    assert_eq!((s, e["field"].as_str()), (422, Some("ipp_id")), "{e}");

    // Applying: the stored applicant comes back with its screening.
    let (s, p) = app
        .put(
            "/v1/partners/P-APP",
            &json!({"name": "Apac Reseller", "type": "SI", "status": "applicant",
                    "regions": ["APAC"], "industries": ["Healthcare"], "employees": 140}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["screening"]["flagged"], true, "{p}");
    let flags = p["screening"]["results"][0]["flags"].to_string();
    assert!(flags.contains("regions"), "{flags}");
    let (s, ok) = app
        .put(
            "/v1/partners/P-APP2",
            &json!({"name": "Emea Integrator", "type": "SI", "status": "applicant",
                    "regions": ["EMEA"], "industries": ["Healthcare"], "employees": 140}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(ok["screening"]["flagged"], false, "{ok}");
    let (s, active) = app.get("/v1/partners/P-LIST").await;
    assert_eq!(s, 200);
    assert!(active.get("screening").is_none());
}

#[actix_web::test]
async fn recruiting_ranks_applicants_and_prospects_only_and_pages_through_them() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    put(
        &app,
        "/v1/ipps/IPP-H",
        json!({"name": "Healthcare SI", "partner_types": ["SI"], "industries": ["Healthcare"], "regions": ["EMEA"]}),
    )
    .await;
    for i in 0..5 {
        let (ty, status) = if i % 2 == 0 {
            ("SI", "prospect")
        } else {
            ("ISV", "applicant")
        };
        put(
            &app,
            &format!("/v1/partners/C-{i}"),
            json!({"name": format!("Candidate {i}"), "type": ty, "status": status,
                   "regions": ["EMEA"], "industries": ["Healthcare"]}),
        )
        .await;
    }
    let (s, r) = app
        .get("/v1/recruiting/candidates?ipp_id=IPP-H&limit=2")
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["total"], 5);
    let mut seen: Vec<String> = Vec::new();
    let mut scores: Vec<f64> = Vec::new();
    let mut page = r;
    loop {
        for c in page["items"].as_array().unwrap() {
            seen.push(c["partner_id"].as_str().unwrap().to_string());
            scores.push(c["score"].as_f64().unwrap());
            assert!(!c["reasons"].as_array().unwrap().is_empty());
        }
        let Some(next) = page["next_cursor"].as_str() else {
            break;
        };
        let (s, p) = app
            .get(&format!(
                "/v1/recruiting/candidates?ipp_id=IPP-H&limit=2&cursor={next}"
            ))
            .await;
        assert_eq!(s, 200, "{p}");
        page = p;
    }
    seen.sort();
    assert_eq!(seen, ["C-0", "C-1", "C-2", "C-3", "C-4"]);
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first across pages: {scores:?}"
    );
    let (s, e) = app
        .get("/v1/recruiting/candidates?ipp_id=IPP-H&cursor=oops")
        .await;
    assert_eq!((s, e["field"].as_str()), (400, Some("cursor")), "{e}");
    let (s, _) = app.get("/v1/recruiting/candidates").await;
    assert_eq!(s, 400, "ipp_id is required");
}

#[actix_web::test]
async fn a_partner_key_reads_its_own_fit_only_and_no_recommendations() {
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = Some("intel-test-master-key".into());
    let admin = spawn_with(s).await.with_token("intel-test-master-key");
    world(&admin).await;
    let (_, k) = admin
        .post(
            "/v1/keys",
            &json!({"name": "list", "role": "partner", "partner_id": "P-LIST"}),
        )
        .await;
    let own = admin.with_token(k["token"].as_str().unwrap());
    assert_eq!(own.get("/v1/partners/P-LIST/ipp-fit").await.0, 200);
    assert_eq!(own.get("/v1/partners/P-DEAL/ipp-fit").await.0, 404);
    assert_eq!(
        own.get("/v1/accounts/A-1/partner-recommendations").await.0,
        403
    );
    assert_eq!(
        own.get("/v1/recruiting/candidates?ipp_id=IPP-01").await.0,
        403
    );
}

#[actix_web::test]
async fn plays_are_ranked_for_a_partner_with_runs_and_for_one_without() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    world(&app).await;
    put(
        &app,
        "/v1/plays/PL-H",
        json!({"name": "Healthcare webinar", "motion": "joint_webinar", "partner_types": ["SI"], "industries": ["Healthcare"]}),
    )
    .await;
    put(
        &app,
        "/v1/plays/PL-R",
        json!({"name": "Retail bundle", "motion": "integration_bundle", "partner_types": ["ISV"], "industries": ["Retail"], "regions": ["APAC"]}),
    )
    .await;
    for (i, (p, play, ok)) in [
        ("P-LIST", "PL-H", true),
        ("P-NEAR", "PL-R", false),
        ("P-DEAL", "PL-H", true),
    ]
    .iter()
    .enumerate()
    {
        put(
            &app,
            &format!("/v1/play-runs/RUN-{i}"),
            json!({"partner_id": p, "play_id": play, "started_on": "2025-01-01", "ended_on": "2025-03-01",
                   "pipeline_amount": 50000, "currency": "USD", "succeeded": ok}),
        )
        .await;
    }
    let (s, r) = app.get("/v1/partners/P-LIST/play-recommendations").await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["basis"], "history");
    let items = r["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for i in items {
        let p = i["probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{i}");
        assert!(!i["reasons"].as_array().unwrap().is_empty(), "{i}");
    }
    let uplift: Vec<f64> = items
        .iter()
        .map(|i| i["expected_uplift"].as_f64().unwrap())
        .collect();
    assert!(uplift[0] >= uplift[1], "best expected uplift first: {r}");
    let (s, r) = app
        .get("/v1/partners/P-COUNT/play-recommendations?limit=1")
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["basis"], "content", "P-COUNT has run no play: {r}");
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    let (s, _) = app.get("/v1/partners/P-404/play-recommendations").await;
    assert_eq!(s, 404);
}
