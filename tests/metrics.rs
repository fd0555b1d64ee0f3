//! The `X-Request-Id` of every response, and the request lines in the log.

mod common;

use common::{TestApp, account, settings, spawn_with, sqlite_db};
use ecograph::settings::LogFormat;
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

const MASTER: &str = "test-master-key-0123456789";

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

async fn start(master: Option<&str>) -> (TestApp, common::TestDb) {
    log();
    let db = sqlite_db();
    let mut s = settings(&db.url);
    s.master_key = master.map(str::to_string);
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

fn request_id(h: &reqwest::header::HeaderMap) -> String {
    h.get("x-request-id")
        .expect("an X-Request-Id on every response")
        .to_str()
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn a_given_request_id_is_echoed_on_successes_and_errors_alike() {
    let (app, _db) = start(Some(MASTER)).await;
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
    let (app, _db) = start(None).await;
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
    let (app, _db) = start(None).await;
    assert_eq!(
        app.put("/v1/accounts/A-1", &account("Initech", "initech.io"))
            .await
            .0,
        201
    );
    // The first resolution builds the index on a blocking thread, and logs it there.
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
    assert!(
        lines.iter().any(|l| l.contains("resolution index built")),
        "{lines:#?}"
    );
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
    let (app, _db) = start(None).await;
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
