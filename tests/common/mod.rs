//! Test helpers: fresh databases for both backends and a real server on port 0.
#![allow(dead_code)]

use ecograph::settings::Settings;
use ecograph::startup::{Running, build};
use serde_json::Value;
use std::future::Future;
use std::sync::Once;
use std::time::Duration;

/// A fresh database: a SQLite file in a temp dir, kept alive by the handle, or a PostgreSQL
/// database, dropped with the handle (each test run would otherwise leave its databases behind).
pub struct TestDb {
    /// Its URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    /// For PostgreSQL: the server's URL and the database's name.
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, name)) = self.pg.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&base).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop a test database: {dropped:?}");
        }
    }
}

/// A new empty SQLite database.
pub fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    TestDb {
        url,
        _dir: Some(dir),
        pg: None,
    }
}

static SKIP_NOTE: Once = Once::new();

/// A new empty PostgreSQL database, or `None` (said once) when `ECOGRAPH_TEST_POSTGRES_URL` is unset.
pub async fn postgres_db() -> Option<TestDb> {
    let Ok(base) = std::env::var("ECOGRAPH_TEST_POSTGRES_URL") else {
        SKIP_NOTE.call_once(|| {
            // Written to the stderr handle itself: the test harness captures `eprintln!`, and
            // the note must show in `cargo test` output even when every test passes.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: ECOGRAPH_TEST_POSTGRES_URL is unset: the PostgreSQL tests are SKIPPED, only SQLite is tested \
                 (set it, e.g. to postgres://postgres@127.0.0.1:5432/test, to run both)"
            );
        });
        return None;
    };
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to ECOGRAPH_TEST_POSTGRES_URL");
    let name = format!("ecograph_test_{:016x}", rand::random::<u64>());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("URL has a database path");
    Some(TestDb {
        url: format!("{prefix}/{name}"),
        _dir: None,
        pg: Some((base.clone(), name)),
    })
}

/// Both backends' fresh databases (PostgreSQL only when configured).
pub async fn all_dbs() -> Vec<TestDb> {
    let mut v = vec![sqlite_db()];
    v.extend(postgres_db().await);
    v
}

/// How long a test step may take before the test fails instead of hanging the run.
const STEP_LIMIT: Duration = Duration::from_secs(120);

/// Awaits `step`, failing the test with its name if it takes longer than [`STEP_LIMIT`]: a hang
/// then shows up as a named failure in the test output, not as a test run that never ends.
pub async fn within<F: Future>(what: &str, step: F) -> F::Output {
    match tokio::time::timeout(STEP_LIMIT, step).await {
        Ok(out) => out,
        Err(_) => panic!("{what} did not finish within {STEP_LIMIT:?}"),
    }
}

/// A running ecograph and a client for it.
pub struct TestApp {
    /// Base URL, e.g. http://127.0.0.1:PORT.
    pub base: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The service, for inspecting the graph.
    pub eco: actix_web::web::Data<ecograph::service::Ecosystem>,
    handle: actix_web::dev::ServerHandle,
}

/// Settings for a test server on `url`.
pub fn settings(url: &str) -> Settings {
    Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: url.to_string(),
        demo: false,
        create_db: true,
        demo_dir: "fixtures/demo".into(),
        workers: 2,
        json_limit: 64 * 1024,
        bulk_limit: 8 << 20,
        log: "warn".into(),
        master_key: None,
        log_format: ecograph::settings::LogFormat::Text,
        metrics_token: None,
        auth_failures: Default::default(),
        rules: Default::default(),
        expiry_every: std::time::Duration::from_secs(60),
    }
}

/// Starts ecograph on port 0 over `url`.
pub async fn spawn(url: &str) -> TestApp {
    spawn_with(settings(url)).await
}

/// Starts ecograph with the given settings.
pub async fn spawn_with(s: Settings) -> TestApp {
    ecograph::telemetry::init(&s.log, s.log_format);
    let running: Running = within("start-up", build(&s)).await.expect("server starts");
    let handle = running.server.handle();
    tokio::spawn(running.server);
    // As a load balancer would: requests go in once the resolution index, built in the
    // background after start-up, is ready.
    within("the resolution index", async {
        while !running.eco.resolution_ready() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    TestApp {
        base: format!("http://{}", running.addr),
        client: reqwest::Client::new(),
        eco: running.eco,
        handle,
    }
}

impl TestApp {
    /// Stops the server, without waiting for its workers to drain: every request a test made has
    /// been answered, and an answered write is committed. A graceful stop (`stop(true)`) hung in
    /// about one run in 300 of the store tests, past its own 30 s worker timeout, with the test's
    /// runtime idle: actix-server waits on each worker's reply, and one never came.
    pub async fn stop(self) {
        let TestApp { client, handle, .. } = self;
        drop(client);
        within("stop", handle.stop(false)).await;
    }

    /// The same server, through a client that sends `Authorization: Bearer <token>` on every request.
    pub fn with_token(&self, token: &str) -> TestApp {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().expect("a header value"),
        );
        TestApp {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .expect("a client"),
            eco: self.eco.clone(),
            handle: self.handle.clone(),
        }
    }

    /// POSTs JSON; returns status and body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// PUTs JSON; returns status and body.
    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .put(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// PUTs a raw body with a content type.
    pub async fn put_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        self.send_raw(reqwest::Method::PUT, path, content_type, body)
            .await
    }

    /// POSTs a raw body with a content type.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        self.send_raw(reqwest::Method::POST, path, content_type, body)
            .await
    }

    /// Sends a body without any Content-Type header.
    pub async fn send_untyped(
        &self,
        method: reqwest::Method,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .body(body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// GETs; returns status and body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// DELETEs; returns status and body.
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .delete(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    async fn read(r: reqwest::Response) -> (u16, Value) {
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = r.text().await.unwrap();
        if status >= 400 {
            assert_eq!(
                ct, "application/problem+json",
                "errors are problem+json: {text}"
            );
        }
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, body)
    }
}

/// A valid partner body.
pub fn partner(name: &str) -> Value {
    serde_json::json!({"name": name, "type": "SI", "tier": "gold", "regions": ["EMEA"], "industries": ["Healthcare"]})
}

/// A valid account body.
pub fn account(name: &str, domain: &str) -> Value {
    serde_json::json!({"name": name, "domain": domain, "country": "DE", "industry": "Healthcare"})
}

/// A valid deal body.
pub fn deal(account: &str, partners: &[(&str, &str)]) -> Value {
    let ps: Vec<Value> = partners
        .iter()
        .map(|(p, r)| serde_json::json!({"partner_id": p, "role": r}))
        .collect();
    serde_json::json!({"account_id": account, "amount": 120000.0, "stage": "proposal", "created_on": "2025-03-01", "partners": ps})
}

/// The lines a spawned process writes to stdout and stderr (both piped), as they come.
pub fn output_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::{BufRead, BufReader};
    let (tx, rx) = std::sync::mpsc::channel();
    for out in [
        Box::new(child.stdout.take().expect("stdout piped")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr piped")),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    rx
}
