//! The command line run as the binary: `match` and `dedupe` on files as people export them, and
//! what the commands say of a database they cannot use.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn ecograph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args(args)
        // A user's error must read as one line even where backtraces are switched on.
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run ecograph")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn dedupe_reads_a_latin1_semicolon_export_and_keeps_nameless_rows_apart() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    // Windows-1252: "Müller" and its ASCII spelling, a row without a name, a row without an id.
    std::fs::write(
        &input,
        b"ID;Name;Country\n1;M\xfcller Maschinenbau GmbH;DE\n2;Mueller Maschinenbau;DE\n3;;DE\n;Orphan AG;CH\n4;Zenith Optik AG;CH\n",
    )
    .unwrap();
    let out = dir.path().join("clusters.csv");
    let o = ecograph(&[
        "dedupe",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("read as windows-1252"), "{err}");
    assert!(err.contains("row 3: empty name"), "{err}");
    assert!(err.contains("row 4: empty id"), "{err}");
    let rows = read_csv(&out);
    let cluster = |id: &str| rows.iter().find(|r| r[0] == id).map(|r| r[1].clone());
    assert_eq!(rows.len(), 4, "every row with an id is written: {rows:?}");
    assert_eq!(cluster("1"), cluster("2"), "{rows:?}");
    assert_ne!(cluster("1"), cluster("4"), "{rows:?}");
    assert_ne!(cluster("3"), cluster("1"), "{rows:?}");
    assert_ne!(cluster("3"), cluster("4"), "{rows:?}");
}

#[test]
fn match_writes_pairs_and_bad_input_is_one_line_without_a_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let left = dir.path().join("left.csv");
    let right = dir.path().join("right.csv");
    std::fs::write(
        &left,
        "id,name,website\nL1,Acme Corporation,https://www.acme.com\nL2,Globex Inc,globex.com\n",
    )
    .unwrap();
    std::fs::write(&right, "id\tname\tdomain\nR1\tACME Corp.\tacme.com\n").unwrap();
    let out = dir.path().join("pairs.csv");
    let run_match = || {
        ecograph(&[
            "match",
            "--left",
            left.to_str().unwrap(),
            "--right",
            right.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let o = run_match();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let pairs = read_csv(&out);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!((pairs[0][0].as_str(), pairs[0][1].as_str()), ("L1", "R1"));

    std::fs::write(&right, "id,domain\nR1,acme.com\n").unwrap();
    let o = run_match();
    let err = text(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.starts_with("error: ") && err.contains("right.csv") && err.contains("`name`"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn serve_demo_finds_the_demo_from_any_directory_and_names_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("d.db").display());
    let serve = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ecograph"));
        c.args([
            "serve",
            "--demo",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            &db,
        ]);
        c
    };
    let o = serve()
        .args(["--demo-dir", "/no/such/demo"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("error: the demo ecosystem is not at /no/such/demo"),
        "{err}"
    );

    // Run from a directory without fixtures/: the demo is found where the binary was built.
    let mut child = serve()
        .current_dir(dir.path())
        .env("ECOGRAPH_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rx = common::output_lines(&mut child);
    let mut seen = Vec::new();
    let loaded = loop {
        match rx.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(line) if line.contains("demo ecosystem loaded") => break true,
            Ok(line) => seen.push(line),
            Err(_) => break false,
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(loaded, "{}", seen.join("\n"));
}

#[test]
fn a_mistyped_database_url_is_an_error_that_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.db");
    let url = format!("sqlite://{}", missing.display());
    for args in [
        vec!["keys", "list", "--database-url", url.as_str()],
        vec!["keys", "revoke", "abc", "--database-url", url.as_str()],
        vec![
            "keys",
            "create",
            "--role",
            "prm",
            "--database-url",
            url.as_str(),
        ],
        vec![
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            url.as_str(),
        ],
    ] {
        let o = ecograph(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!("there is no database at {}", missing.display())),
            "{args:?}: {err}"
        );
        assert_eq!(
            err.matches("there is no database").count(),
            1,
            "said once: {err}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
}

#[test]
fn an_unreachable_postgresql_is_named_with_its_cause_at_once() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once; the pool's
    // own error after its time-out would say only "pool timed out".
    let o = ecograph(&[
        "keys",
        "list",
        "--database-url",
        "postgres://someone:secret@127.0.0.1:1/db",
    ]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("cannot connect to postgres://someone:***@127.0.0.1:1/db"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("refused"), "{err}");
    assert!(
        !err.contains("secret"),
        "the password is not printed: {err}"
    );
    assert!(!err.contains("timed out"), "{err}");
}
