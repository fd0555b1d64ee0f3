//! An acknowledged deal registration survives the process being killed outright (SIGKILL, no
//! graceful stop) and a restart: the binary is run as a service would be, on SQLite.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// Starts `ecograph serve --demo` on `db` and returns it with its log lines.
fn serve(db: &str) -> (Child, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args([
            "serve",
            "--demo",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            db,
        ])
        .env("ECOGRAPH_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ecograph serve");
    let rx = common::output_lines(&mut child);
    (child, rx)
}

/// The address from the "listening" log line, once the demo is loaded and the service ready.
fn ready(rx: &Receiver<String>, client: &reqwest::Client, rt: &tokio::runtime::Runtime) -> String {
    let mut seen = Vec::new();
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("no listening line in:\n{}", seen.join("\n")));
        if line.contains("listening")
            && let Some(i) = line.find("127.0.0.1:")
        {
            let port: String = line[i + 10..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            break format!("http://127.0.0.1:{port}");
        }
        seen.push(line);
    };
    for _ in 0..600 {
        let ok = rt.block_on(async {
            client
                .get(format!("{addr}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        });
        if ok {
            return addr;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{addr} never became ready");
}

/// Sends a request and returns its status and JSON body.
fn send(rt: &tokio::runtime::Runtime, req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    rt.block_on(async {
        let r = req.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    })
}

#[test]
fn an_acknowledged_registration_survives_sigkill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();

    let (mut child, rx) = serve(&db);
    let addr = ready(&rx, &client, &rt);
    let body = serde_json::json!({
        "id": "R-KILL-1", "partner_id": "P-00008", "account_id": "A-0000010",
        "products": ["Atlas CRM"], "amount": 120000, "currency": "USD"
    });
    let register = |addr: &str| {
        send(
            &rt,
            client
                .post(format!("{addr}/v1/deal-registrations"))
                .json(&body),
        )
    };
    let (status, first) = register(&addr);
    assert_eq!(status, 201, "{first}");
    // Killed at once after the acknowledgement: Child::kill sends SIGKILL on Unix.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, rx) = serve(&db);
    let addr = ready(&rx, &client, &rt);
    let (status, again) = send(
        &rt,
        client.get(format!("{addr}/v1/deal-registrations/R-KILL-1")),
    );
    // The same id and body again is the first answer, not a second registration.
    let (retry_status, retry) = register(&addr);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], "R-KILL-1", "{again}");
    assert_eq!(again["status"], first["status"], "{again}");
    assert_eq!(
        again["assessment"]["probability"], first["assessment"]["probability"],
        "the assessment made at registration is the one stored: {again}"
    );
    assert!(
        retry_status == 200 || retry_status == 201,
        "{retry_status} {retry}"
    );
    assert_eq!(
        retry["assessment"]["probability"],
        first["assessment"]["probability"]
    );
}
