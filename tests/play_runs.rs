//! Play runs over HTTP and through `ecograph import`: validation, references, delete guards, bulk
//! writes, listings and the partner's own view.

mod common;

use common::{TestApp, account, partner, spawn, sqlite_db};
use serde_json::{Value, json};

fn play(name: &str) -> Value {
    json!({"name": name, "motion": "joint_webinar"})
}

/// A run of `play` by `partner` started on `started_on`, with no outcome yet.
fn run(partner: &str, play: &str, started_on: &str) -> Value {
    json!({"partner_id": partner, "play_id": play, "started_on": started_on})
}

/// Two partners, two plays and an account, the references play runs need.
async fn ecosystem(app: &TestApp) {
    for (id, name) in [("P-1", "Alpha"), ("P-2", "Beta")] {
        assert_eq!(
            app.put(&format!("/v1/partners/{id}"), &partner(name))
                .await
                .0,
            201
        );
    }
    for (id, name) in [("PL-1", "Webinar in a box"), ("PL-2", "Migration offer")] {
        assert_eq!(
            app.put(&format!("/v1/plays/{id}"), &play(name)).await.0,
            201
        );
    }
    assert_eq!(
        app.put("/v1/accounts/A-1", &account("Acme", "acme.com"))
            .await
            .0,
        201
    );
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

/// A page of `GET /v1/play-runs` with the query `q`, which must succeed.
async fn list(app: &TestApp, q: &str) -> Value {
    let (s, page) = app.get(&format!("/v1/play-runs{q}")).await;
    assert_eq!(s, 200, "{q}: {page}");
    page
}

#[actix_web::test]
async fn a_play_run_put_twice_is_created_then_replaced_and_reads_back() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    ecosystem(&app).await;
    let body = json!({"partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01",
        "account_id": null, "ended_on": "2025-06-20", "pipeline_amount": 84000,
        "currency": "usd", "succeeded": true});
    let (s, created) = app.put("/v1/play-runs/RUN-000001", &body).await;
    assert_eq!(s, 201, "{created}");
    assert_eq!(
        created,
        json!({"id": "RUN-000001", "partner_id": "P-1", "play_id": "PL-1",
            "started_on": "2025-04-01", "ended_on": "2025-06-20", "pipeline_amount": 84000.0,
            "currency": "USD", "succeeded": true})
    );
    // What GET returns may be sent back as it is.
    let (s, replaced) = app.put("/v1/play-runs/RUN-000001", &created).await;
    assert_eq!((s, &replaced), (200, &created));
    assert_eq!(app.get("/v1/play-runs/RUN-000001").await, (200, created));
    // A run still in progress, with success known but no end date.
    let (s, r) = app
        .put(
            "/v1/play-runs/RUN-2",
            &json!({"partner_id": "P-1", "play_id": "PL-2", "account_id": "A-1",
                "started_on": "2025-05-01", "succeeded": false}),
        )
        .await;
    assert_eq!((s, r["succeeded"].as_bool()), (201, Some(false)), "{r}");
    app.stop().await;
}

#[actix_web::test]
async fn a_bad_play_run_gets_a_422_naming_the_field_and_writes_nothing() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    ecosystem(&app).await;
    let with = |k: &str, v: Value| {
        let mut b = run("P-1", "PL-1", "2025-04-01");
        b[k] = v;
        b
    };
    let cases = [
        (
            with("ended_on", json!("2025-03-31")),
            "invalid_field",
            "ended_on",
        ),
        (
            with("pipeline_amount", json!(84000)),
            "invalid_field",
            "currency",
        ),
        (
            with("pipeline_amount", json!(-5)),
            "invalid_field",
            "pipeline_amount",
        ),
        (
            with("currency", json!("dollars")),
            "invalid_field",
            "currency",
        ),
        (
            with("started_on", json!("1024-04-01")),
            "invalid_field",
            "started_on",
        ),
        (
            with("succeeded", json!("yes")),
            "invalid_field",
            "succeeded",
        ),
        (with("outcome", json!("won")), "invalid_field", "outcome"),
        (
            with("play_id", json!("PL-9")),
            "unknown_reference",
            "play_id",
        ),
        (
            with("partner_id", json!("P-9")),
            "unknown_reference",
            "partner_id",
        ),
        (
            with("account_id", json!("A-9")),
            "unknown_reference",
            "account_id",
        ),
        (
            json!({"partner_id": "P-1", "started_on": "2025-04-01"}),
            "invalid_field",
            "play_id",
        ),
    ];
    for (body, code, field) in cases {
        let (s, p) = app.put("/v1/play-runs/RUN-1", &body).await;
        assert_eq!(
            (s, p["code"].as_str(), p["field"].as_str()),
            (422, Some(code), Some(field)),
            "{body}: {p}"
        );
    }
    assert_eq!(app.get("/v1/play-runs/RUN-1").await.0, 404);
    app.stop().await;
}

#[actix_web::test]
async fn what_a_play_run_refers_to_cannot_be_deleted_until_the_run_is_gone() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    ecosystem(&app).await;
    let mut body = run("P-1", "PL-1", "2025-04-01");
    body["account_id"] = json!("A-1");
    assert_eq!(app.put("/v1/play-runs/RUN-1", &body).await.0, 201);
    for path in [
        "/v1/plays/PL-1",
        "/v1/accounts/A-1",
        "/v1/partners/P-1?hard=true",
    ] {
        let (s, p) = app.delete(path).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (409, Some("still_referenced")),
            "{path}: {p}"
        );
        assert!(
            p["detail"].as_str().unwrap().contains("1 play run(s)"),
            "{p}"
        );
    }
    // Unreferenced neighbours go as before.
    assert_eq!(app.delete("/v1/plays/PL-2").await.0, 204);
    assert_eq!(app.delete("/v1/play-runs/RUN-1").await.0, 204);
    assert_eq!(app.delete("/v1/play-runs/RUN-1").await.0, 404);
    assert_eq!(app.delete("/v1/plays/PL-1").await.0, 204);
    assert_eq!(app.delete("/v1/accounts/A-1").await.0, 204);
    assert_eq!(app.delete("/v1/partners/P-1?hard=true").await.0, 204);
    app.stop().await;
}

#[actix_web::test]
async fn bulk_play_runs_write_good_rows_and_report_each_bad_one_by_row() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    ecosystem(&app).await;
    let body = [
        json!({"id": "RUN-1", "partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01",
            "account_id": null, "ended_on": "2025-06-20", "pipeline_amount": 84000,
            "currency": "USD", "succeeded": true}),
        json!({"id": "RUN-2", "partner_id": "P-1", "play_id": "PL-9", "started_on": "2025-04-01"}),
        json!({"id": "RUN-3", "partner_id": "P-2", "play_id": "PL-2", "started_on": "2025-04-02",
            "ended_on": "2025-04-01"}),
        json!({"id": "RUN-4", "partner_id": "P-2", "play_id": "PL-2", "started_on": "2025-04-02"}),
    ]
    .iter()
    .map(|r| format!("{r}\n"))
    .collect::<String>();
    let (s, r) = app
        .post_raw("/v1/play-runs/bulk", "application/x-ndjson", body.clone())
        .await;
    assert_eq!((s, r["accepted"].as_u64()), (200, Some(2)), "{r}");
    let rejected: Vec<(u64, &str, &str)> = r["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["row"].as_u64().unwrap(),
                x["code"].as_str().unwrap(),
                x["field"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "unknown_reference", "play_id"),
            (3, "invalid_field", "ended_on")
        ]
    );
    assert_eq!(app.get("/v1/play-runs/RUN-4").await.0, 200);
    // all_or_nothing writes none of a body with a bad row.
    let (s, p) = app
        .post_raw(
            "/v1/play-runs/bulk?all_or_nothing=true",
            "application/x-ndjson",
            body.replace("RUN-", "NEW-"),
        )
        .await;
    assert_eq!((s, p["code"].as_str()), (422, Some("rows_rejected")), "{p}");
    assert_eq!(app.get("/v1/play-runs/NEW-1").await.0, 404);
    app.stop().await;
}

#[actix_web::test]
async fn play_runs_list_in_id_order_by_filter_and_page_and_by_partner_in_start_order() {
    let db = sqlite_db();
    let app = spawn(&db.url).await;
    ecosystem(&app).await;
    let runs = [
        ("R-1", "P-1", "PL-1", "2025-05-01", Some("A-1")),
        ("R-2", "P-2", "PL-1", "2025-01-01", None),
        ("R-3", "P-1", "PL-2", "2025-03-01", None),
        ("R-4", "P-1", "PL-1", "2025-03-01", Some("A-1")),
        ("R-5", "P-1", "PL-2", "2024-11-15", None),
    ];
    for (id, p, pl, on, acct) in runs {
        let mut body = run(p, pl, on);
        if let Some(a) = acct {
            body["account_id"] = json!(a);
        }
        assert_eq!(app.put(&format!("/v1/play-runs/{id}"), &body).await.0, 201);
    }
    assert_eq!(
        ids(&list(&app, "").await),
        ["R-1", "R-2", "R-3", "R-4", "R-5"]
    );
    assert_eq!(
        ids(&list(&app, "?partner_id=P-1").await),
        ["R-1", "R-3", "R-4", "R-5"]
    );
    assert_eq!(ids(&list(&app, "?play_id=PL-2").await), ["R-3", "R-5"]);
    assert_eq!(ids(&list(&app, "?account_id=A-1").await), ["R-1", "R-4"]);
    assert_eq!(
        ids(&list(&app, "?partner_id=P-1&play_id=PL-1&account_id=A-1").await),
        ["R-1", "R-4"]
    );
    let first = list(&app, "?limit=2").await;
    assert_eq!(ids(&first), ["R-1", "R-2"]);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let (_, second) = app
        .get(&format!("/v1/play-runs?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(ids(&second), ["R-3", "R-4"]);
    let (s, p) = app.get("/v1/play-runs?succeeded=true").await;
    assert_eq!((s, p["code"].as_str()), (400, Some("invalid_query")), "{p}");

    // A partner's runs come oldest start first, ties by id, paged by position.
    let (s, page) = app.get("/v1/partners/P-1/play-runs?limit=3").await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(ids(&page), ["R-5", "R-3", "R-4"]);
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let (_, rest) = app
        .get(&format!(
            "/v1/partners/P-1/play-runs?limit=3&cursor={cursor}"
        ))
        .await;
    assert_eq!((ids(&rest), rest.get("next_cursor")), (vec!["R-1"], None));
    let (s, p) = app
        .get("/v1/partners/P-1/play-runs?cursor=play_run:R-2")
        .await;
    assert_eq!(
        (s, p["field"].as_str()),
        (400, Some("cursor")),
        "R-2 is another partner's run: {p}"
    );
    assert_eq!(app.get("/v1/partners/P-9/play-runs").await.0, 404);
    let (_, empty) = app.get("/v1/partners/P-2/play-runs").await;
    assert_eq!(ids(&empty), ["R-2"]);
    app.stop().await;
}

#[actix_web::test]
async fn a_partner_key_reads_its_own_play_runs_and_no_other_partners() {
    let db = sqlite_db();
    let mut s = common::settings(&db.url);
    s.master_key = Some("play-runs-master-key-0123".into());
    let admin = common::spawn_with(s).await;
    let app = admin.with_token("play-runs-master-key-0123");
    ecosystem(&app).await;
    assert_eq!(
        app.put("/v1/play-runs/R-1", &run("P-1", "PL-1", "2025-04-01"))
            .await
            .0,
        201
    );
    let (s, k) = app
        .post(
            "/v1/keys",
            &json!({"name": "alpha", "role": "partner", "partner_id": "P-1"}),
        )
        .await;
    assert_eq!(s, 201, "{k}");
    let alpha = app.with_token(k["token"].as_str().unwrap());
    let (s, page) = alpha.get("/v1/partners/P-1/play-runs").await;
    assert_eq!((s, ids(&page)), (200, vec!["R-1"]));
    assert_eq!(alpha.get("/v1/partners/P-2/play-runs").await.0, 404);
    assert_eq!(alpha.get("/v1/play-runs/R-1").await.0, 403);
    assert_eq!(alpha.get("/v1/play-runs").await.0, 403);
    admin.stop().await;
}

#[actix_web::test]
async fn import_reads_play_runs_after_the_plays_and_accounts_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let lines = |rows: &[Value]| rows.iter().map(|r| format!("{r}\n")).collect::<String>();
    let mut p = partner("Alpha");
    p["id"] = json!("P-17");
    let mut a = account("Acme", "acme.com");
    a["id"] = json!("A-1");
    let mut pl = play("Webinar in a box");
    pl["id"] = json!("PL-03");
    std::fs::write(dir.path().join("partners.ndjson"), lines(&[p])).unwrap();
    std::fs::write(dir.path().join("accounts.ndjson"), lines(&[a])).unwrap();
    std::fs::write(dir.path().join("plays.ndjson"), lines(&[pl])).unwrap();
    std::fs::write(
        dir.path().join("play_runs.ndjson"),
        lines(&[
            json!({"id": "RUN-000001", "partner_id": "P-17", "play_id": "PL-03",
                "started_on": "2025-04-01", "account_id": null, "ended_on": "2025-06-20",
                "pipeline_amount": 84000, "currency": "USD", "succeeded": true}),
            json!({"id": "RUN-000002", "partner_id": "P-17", "play_id": "PL-03",
                "started_on": "2025-07-01", "account_id": "A-1"}),
            json!({"id": "RUN-000003", "partner_id": "P-17", "play_id": "PL-04",
                "started_on": "2025-07-01"}),
        ]),
    )
    .unwrap();
    let db = sqlite_db();
    let repo = ecograph::store::open(&db.url).await.unwrap();
    let (eco, _) = ecograph::service::Ecosystem::load(repo).await.unwrap();
    let report = ecograph::import::import_dir(&eco, dir.path(), false)
        .await
        .unwrap();
    let runs = report
        .files
        .iter()
        .find(|f| f.name == "play_runs.ndjson")
        .expect("play_runs.ndjson is imported");
    assert_eq!(runs.report.accepted, 2, "{:?}", runs.report);
    assert_eq!(
        (
            runs.report.rejected[0].row,
            runs.report.rejected[0].field.as_deref()
        ),
        (3, Some("play_id"))
    );
    let started: Vec<String> = eco.read(|g| {
        g.play_runs_of_partner("P-17")
            .iter()
            .map(|r| r.started_on.to_string())
            .collect()
    });
    assert_eq!(started, ["2025-04-01", "2025-07-01"]);
    assert!(eco.read(|g| g.play_run("RUN-000001").is_some_and(|r| r.outcome_known())));
}
