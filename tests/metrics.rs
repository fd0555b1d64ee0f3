//! `GET /metrics`, the `X-Request-Id` of every response, and the request lines in the log.

mod common;

use common::{TestApp, account, partner, settings, spawn_with, sqlite_db};
use ecograph::settings::LogFormat;
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

const MASTER: &str = "test-master-key-0123456789";
const SCRAPER: &str = "test-metrics-token-0123456789";

/// Everything this test binary logs, at `info`: the subscriber is process-wide, so it is
/// installed once, before the first server starts, and each test finds its lines by request id.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Log::default();
        let sink = log.clone();
        let sub =
            ecograph::telemetry::subscriber("info", LogFormat::Text, move || sink.clone(), false);
        tracing::subscriber::set_global_default(sub).expect("the first subscriber of this binary");
        log
    })
}

/// The log's lines that name `request_id`.
fn lines_of(request_id: &str) -> Vec<String> {
    let text = String::from_utf8(log().0.lock().unwrap().clone()).unwrap();
    let tag = format!("request_id={request_id} ");
    text.lines()
        .filter(|l| l.contains(&tag))
        .map(str::to_string)
        .collect()
}

async fn start(master: Option<&str>, token: Option<&str>) -> (TestApp, common::TestDb) {
    log();
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = master.map(str::to_string);
    s.metrics_token = token.map(str::to_string);
    (spawn_with(s).await, db)
}

/// GETs `path` with an optional bearer token and request id: status, response headers, body.
async fn get(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    request_id: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut rb = app.client.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(id) = request_id {
        rb = rb.header("x-request-id", id);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

async fn scrape(app: &TestApp, token: Option<&str>) -> String {
    let (s, h, body) = get(app, "/metrics", token, None).await;
    assert_eq!(s, 200, "{body}");
    assert!(
        h["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "{h:?}"
    );
    body
}

/// The value of the sample `name` whose labels include every one of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            let (series, _) = l.rsplit_once(' ').unwrap_or_default();
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|l| l.rsplit_once(' ')?.1.parse().ok())
}

fn request_id(h: &reqwest::header::HeaderMap) -> String {
    h.get("x-request-id")
        .expect("an X-Request-Id on every response")
        .to_str()
        .unwrap()
        .to_string()
}

async fn make_key(app: &TestApp, role: &str) -> String {
    let (s, k) = app
        .with_token(MASTER)
        .post("/v1/keys", &json!({"name": "metrics test", "role": role}))
        .await;
    assert_eq!(s, 201, "{k}");
    k["token"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn metrics_refuse_no_key_a_wrong_key_and_a_key_that_is_not_admin() {
    let (app, _db) = start(Some(MASTER), Some(SCRAPER)).await;
    let prm = make_key(&app, "prm").await;
    for (token, status, code) in [
        (None, 401, "unauthorized"),
        (Some("not-the-metrics-token-at-all"), 401, "unauthorized"),
        (Some(prm.as_str()), 403, "forbidden"),
    ] {
        let (s, h, body) = get(&app, "/metrics", token, None).await;
        assert_eq!(s, status, "{token:?}: {body}");
        assert_eq!(h["content-type"], "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["code"], code, "{body}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn metrics_answer_the_master_key_an_admin_key_and_the_metrics_token() {
    let (app, _db) = start(Some(MASTER), Some(SCRAPER)).await;
    let admin = make_key(&app, "admin").await;
    for token in [MASTER, admin.as_str(), SCRAPER] {
        let text = scrape(&app, Some(token)).await;
        assert!(
            text.contains("# TYPE ecograph_http_requests_total counter"),
            "{text}"
        );
    }
    app.stop().await;
}

#[actix_web::test]
async fn guesses_at_metrics_are_throttled_like_guesses_at_any_route() {
    let (app, _db) = start(Some(MASTER), Some(SCRAPER)).await;
    let admin = make_key(&app, "admin").await;
    let mut last = 0;
    for i in 0..110 {
        last = get(&app, "/metrics", Some(&format!("guess-{i}")), None)
            .await
            .0;
    }
    assert_eq!(last, 429);
    let (s, _, _) = get(&app, "/v1/partners", Some(&format!("guess-{}", 111)), None).await;
    assert_eq!(
        s, 429,
        "failures at /metrics count for the address everywhere"
    );
    let (s, _, body) = get(&app, "/metrics", Some(SCRAPER), None).await;
    assert_eq!(
        s, 429,
        "the metrics token, chosen by a person, is not tried from an address that is guessing: {body}"
    );
    let (s, _, body) = get(&app, "/metrics", Some(&admin), None).await;
    assert_eq!(s, 200, "an issued key is never blocked: {body}");
    app.stop().await;
}

#[actix_web::test]
async fn the_metrics_token_opens_no_other_route() {
    let (app, _db) = start(Some(MASTER), Some(SCRAPER)).await;
    let (s, _, body) = get(&app, "/v1/partners", Some(SCRAPER), None).await;
    assert_eq!(s, 401, "{body}");
    app.stop().await;
}

#[actix_web::test]
async fn a_metrics_token_shorter_than_sixteen_characters_stops_start_up() {
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = Some(MASTER.into());
    s.metrics_token = Some("too-short".into());
    let err = ecograph::startup::build(&s)
        .await
        .err()
        .expect("start-up refuses");
    assert!(err.to_string().contains("at least 16 characters"), "{err}");
}

#[actix_web::test]
async fn a_service_without_a_master_key_serves_metrics_to_anyone() {
    let (app, _db) = start(None, None).await;
    scrape(&app, None).await;
    app.stop().await;
}

#[actix_web::test]
async fn requests_are_counted_by_route_template_and_status_never_by_path() {
    let (app, _db) = start(None, None).await;
    for id in ["P-404-a", "P-404-b", "P-404-c"] {
        assert_eq!(
            get(&app, &format!("/v1/partners/{id}"), None, None).await.0,
            404
        );
    }
    assert_eq!(app.put("/v1/partners/P-1", &partner("Acme")).await.0, 201);
    for path in ["/nowhere", "/nowhere/else/P-404-d"] {
        assert_eq!(get(&app, path, None, None).await.0, 404);
    }
    let text = scrape(&app, None).await;
    let count = |route, method, status| {
        sample(
            &text,
            "ecograph_http_requests_total",
            &[("route", route), ("method", method), ("status", status)],
        )
    };
    assert_eq!(
        count("/v1/partners/{id}", "GET", "404"),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        count("/v1/partners/{id}", "PUT", "201"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(count("unmatched", "GET", "404"), Some(2.0), "{text}");
    let latency = sample(
        &text,
        "ecograph_http_request_duration_seconds_count",
        &[("route", "/v1/partners/{id}"), ("method", "GET")],
    );
    assert_eq!(latency, Some(3.0), "{text}");
    assert!(!text.contains("P-404"), "a raw path became a label: {text}");
    app.stop().await;
}

#[actix_web::test]
async fn graph_sizes_store_latency_and_the_model_are_exposed() {
    let (app, _db) = start(None, None).await;
    for (id, name) in [("P-1", "Acme"), ("P-2", "Globex")] {
        assert_eq!(
            app.put(&format!("/v1/partners/{id}"), &partner(name))
                .await
                .0,
            201
        );
    }
    for (id, name, domain) in [
        ("A-1", "Initech", "initech.io"),
        ("A-2", "Umbrella", "umbrella.com"),
    ] {
        let (s, b) = app
            .put(&format!("/v1/accounts/{id}"), &account(name, domain))
            .await;
        assert_eq!(s, 201, "{b}");
    }
    let text = scrape(&app, None).await;
    let entities = |kind| sample(&text, "ecograph_graph_entities", &[("kind", kind)]);
    assert_eq!(entities("partner"), Some(2.0), "{text}");
    assert_eq!(entities("account"), Some(2.0), "{text}");
    assert_eq!(entities("deal"), Some(0.0), "{text}");
    assert_eq!(entities("partner_record"), Some(0.0), "{text}");
    assert_eq!(
        sample(&text, "ecograph_resolution_index_accounts", &[]),
        Some(2.0),
        "the index, built at start-up, follows account writes"
    );
    let writes = sample(
        &text,
        "ecograph_store_operation_duration_seconds_count",
        &[("operation", "apply")],
    );
    assert_eq!(writes, Some(4.0), "{text}");
    let version = ecograph::matching::card::shipped_ref().info.date.clone();
    let model = sample(
        &text,
        "ecograph_model_info",
        &[("name", "matcher"), ("version", &version)],
    );
    assert_eq!(model, Some(1.0), "{text}");

    let ask = json!({"record": {"name": "Initech", "website": "initech.io"}});
    assert_eq!(app.post("/v1/entities/resolve", &ask).await.0, 200);
    let text = scrape(&app, None).await;
    assert_eq!(
        sample(&text, "ecograph_resolution_index_accounts", &[]),
        Some(2.0),
        "{text}"
    );
    app.stop().await;
}

#[actix_web::test]
async fn a_given_request_id_is_echoed_on_successes_and_errors_alike() {
    let (app, _db) = start(Some(MASTER), None).await;
    let cases = [
        ("/healthz", Some(MASTER), 200),
        ("/v1/partners/P-none", Some(MASTER), 404),
        ("/nowhere", Some(MASTER), 404),
        ("/v1/partners?limit=0", Some(MASTER), 400),
        ("/v1/partners", None, 401),
    ];
    for (i, (path, token, status)) in cases.into_iter().enumerate() {
        let given = format!("client-id-{i}");
        let (s, h, body) = get(&app, path, token, Some(&given)).await;
        assert_eq!(s, status, "{path}: {body}");
        assert_eq!(request_id(&h), given, "{path}");
    }
    let r = app
        .with_token(MASTER)
        .client
        .put(format!("{}/v1/partners/P-1", app.base))
        .header("x-request-id", "client-id-422")
        .json(&json!({"name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(request_id(r.headers()), "client-id-422");
    app.stop().await;
}

#[actix_web::test]
async fn a_request_without_a_usable_id_is_given_a_new_one_even_on_errors() {
    let (app, _db) = start(None, None).await;
    let mut seen = std::collections::HashSet::new();
    let overlong = "x".repeat(129);
    for (path, given) in [
        ("/healthz", None),
        ("/nowhere", None),
        ("/v1/partners/P-none", Some(overlong.as_str())),
        ("/v1/partners/P-none", Some("tab\tinside")),
        ("/v1/partners/P-none", Some("naïve")),
    ] {
        let (_, h, _) = get(&app, path, None, given).await;
        let id = request_id(&h);
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert!(seen.insert(id), "ids repeat");
    }
    let r = app
        .client
        .put(format!("{}/v1/partners/P-1", app.base))
        .json(&json!({"name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(request_id(r.headers()).len(), 32);
    app.stop().await;
}

#[actix_web::test]
async fn every_log_line_of_a_request_carries_its_id_route_status_and_latency() {
    let (app, _db) = start(None, None).await;
    assert_eq!(
        app.put("/v1/accounts/A-1", &account("Initech", "initech.io"))
            .await
            .0,
        201
    );
    let r = app
        .client
        .post(format!("{}/v1/entities/resolve", app.base))
        .header("x-request-id", "log-test-resolve")
        .json(&json!({"record": {"name": "Initech"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let lines = lines_of("log-test-resolve");
    let last = lines.last().expect("the request's lines");
    assert!(last.contains("request served"), "{last}");
    for field in [
        "method=POST",
        "route=/v1/entities/resolve",
        "status=200",
        "latency_ms=",
    ] {
        assert!(last.contains(field), "{field} missing: {last}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn an_id_holding_an_encoded_line_break_cannot_forge_a_log_line() {
    let (app, _db) = start(None, None).await;
    let path = "/v1/partners/P-1%0A2026-01-01T00:00:00.000000Z%20ERROR%20forged";
    let (s, _, body) = get(&app, path, None, Some("log-test-forged")).await;
    assert_eq!(s, 404, "{body}");
    assert!(
        body.contains(r"P-1\n2026"),
        "the id reaches the error: {body}"
    );
    let lines = lines_of("log-test-forged");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains(r"P-1\n2026-01-01T00:00:00.000000Z ERROR forged"),
        "{}",
        lines[0]
    );
    let text = String::from_utf8(log().0.lock().unwrap().clone()).unwrap();
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("2026-01-01T00:00:00.000000Z")),
        "a forged line: {text}"
    );
    app.stop().await;
}
