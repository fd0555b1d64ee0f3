//! One conformance suite for both repositories, and proof that the graph rebuilt from the store
//! equals the graph that was saved, after upserts and deletes alike.

mod common;

use ecograph::domain::Kind;
use ecograph::service::Ecosystem;
use ecograph::store::{self, Op, Table};
use futures_util::TryStreamExt;
use proptest::prelude::*;
use serde_json::json;

async fn docs(repo: &dyn store::Repository, t: Table) -> Vec<serde_json::Value> {
    let mut v: Vec<serde_json::Value> = repo
        .scan(t)
        .map_ok(|s| serde_json::from_str(&s).unwrap())
        .try_collect()
        .await
        .unwrap();
    v.sort_by_key(|d| d["id"].as_str().unwrap().to_string());
    v
}

fn put(kind: Kind, id: &str, doc: serde_json::Value) -> Op {
    Op::Put {
        kind,
        id: id.into(),
        doc: doc.to_string(),
    }
}

#[tokio::test]
async fn both_stores_upsert_delete_and_scan_alike() {
    for db in common::all_dbs().await {
        let repo = store::open(&db.url).await.unwrap();
        repo.apply(&[
            put(Kind::Play, "X-1", json!({"id": "X-1", "v": 1})),
            put(Kind::Play, "X-2", json!({"id": "X-2", "v": 1})),
            put(Kind::Play, "X-1", json!({"id": "X-1", "v": 2})),
        ])
        .await
        .unwrap();
        let got = docs(&*repo, Table::Entity(Kind::Play)).await;
        assert_eq!(
            got,
            vec![json!({"id": "X-1", "v": 2}), json!({"id": "X-2", "v": 1})],
            "{}",
            repo.backend()
        );
        repo.apply(&[Op::Delete {
            kind: Kind::Play,
            id: "X-2".into(),
        }])
        .await
        .unwrap();
        assert_eq!(docs(&*repo, Table::Entity(Kind::Play)).await.len(), 1);

        let rec = |pid: &str, id: &str| Op::PutRecord {
            partner_id: pid.into(),
            id: id.into(),
            account_id: "A-1".into(),
            doc: json!({"id": id, "p": pid}).to_string(),
        };
        repo.apply(&[rec("P-1", "r1"), rec("P-1", "r2"), rec("P-2", "r1")])
            .await
            .unwrap();
        repo.apply(&[Op::DeleteRecord {
            partner_id: "P-1".into(),
            id: "r2".into(),
        }])
        .await
        .unwrap();
        assert_eq!(docs(&*repo, Table::Records).await.len(), 2);
        repo.apply(&[Op::DeleteRecordsOf {
            partner_id: "P-1".into(),
        }])
        .await
        .unwrap();
        assert_eq!(
            docs(&*repo, Table::Records).await,
            vec![json!({"id": "r1", "p": "P-2"})]
        );
        repo.ping().await.unwrap();
    }
}

#[tokio::test]
async fn every_kind_has_its_own_table_on_both_backends() {
    for db in common::all_dbs().await {
        let repo = store::open(&db.url).await.unwrap();
        let ops: Vec<Op> = Kind::ALL
            .iter()
            .map(|k| put(*k, "X-1", json!({"id": "X-1", "kind": k.as_str()})))
            .collect();
        repo.apply(&ops).await.unwrap();
        for kind in Kind::ALL {
            let table = Table::Entity(kind);
            assert_eq!(
                docs(&*repo, table).await,
                vec![json!({"id": "X-1", "kind": kind.as_str()})],
                "{} on {}",
                table.name(),
                repo.backend()
            );
            assert_eq!(repo.count(table).await.unwrap(), 1);
            assert!(repo.get(kind, "X-1").await.unwrap().is_some());
        }
        repo.apply(&[Op::Delete {
            kind: Kind::PlayRun,
            id: "X-1".into(),
        }])
        .await
        .unwrap();
        assert_eq!(repo.count(Table::Entity(Kind::PlayRun)).await.unwrap(), 0);
        assert_eq!(repo.count(Table::Entity(Kind::Play)).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn a_batch_that_fails_part_way_writes_nothing() {
    for db in common::all_dbs().await {
        let repo = store::open(&db.url).await.unwrap();
        let bad = Op::Put {
            kind: Kind::Ipp,
            id: "I-2".into(),
            doc: "not json".into(),
        };
        let r = repo
            .apply(&[put(Kind::Ipp, "I-1", json!({"id": "I-1"})), bad])
            .await;
        assert!(r.is_err(), "{} accepted a corrupt document", repo.backend());
        assert!(
            docs(&*repo, Table::Entity(Kind::Ipp)).await.is_empty(),
            "{} kept half a batch",
            repo.backend()
        );
    }
}

#[actix_web::test]
async fn the_graph_reloaded_after_a_restart_equals_the_one_before_on_both_backends() {
    for db in common::all_dbs().await {
        let app = common::spawn(&db.url).await;
        for i in 0..6 {
            app.put(
                &format!("/v1/partners/P-{i}"),
                &common::partner(&format!("Partner {i}")),
            )
            .await;
            app.put(
                &format!("/v1/accounts/A-{i}"),
                &common::account(&format!("Account {i}"), &format!("a{i}.com")),
            )
            .await;
        }
        app.put(
            "/v1/deals/D-1",
            &common::deal("A-1", &[("P-1", "sourcing"), ("P-2", "services")]),
        )
        .await;
        app.put(
            "/v1/deals/D-2",
            &common::deal("A-2", &[("P-3", "transacting")]),
        )
        .await;
        app.put_raw(
            "/v1/partners/P-1/accounts",
            "text/csv",
            "id,relation,name,domain\nr1,customer,Acct 1,a1.com\nr2,prospect,New Co,newco.io\n",
        )
        .await;
        app.put("/v1/touchpoints/T-1", &json!({"partner_id": "P-2", "account_id": "A-1", "deal_id": "D-1", "kind": "demo", "occurred_at": "2025-04-01T09:00:00Z"})).await;
        for pl in ["PL-1", "PL-2"] {
            app.put(
                &format!("/v1/plays/{pl}"),
                &json!({"name": format!("Play {pl}"), "motion": "mdf_campaign"}),
            )
            .await;
        }
        let runs = [
            json!({"partner_id": "P-1", "play_id": "PL-1", "account_id": "A-1", "started_on": "2025-04-01",
                "ended_on": "2025-06-20", "pipeline_amount": 84000, "currency": "EUR", "succeeded": true}),
            json!({"partner_id": "P-2", "play_id": "PL-1", "started_on": "2025-05-01"}),
            json!({"partner_id": "P-2", "play_id": "PL-2", "started_on": "2025-05-02", "succeeded": false}),
        ];
        for (i, r) in runs.iter().enumerate() {
            assert_eq!(app.put(&format!("/v1/play-runs/RUN-{i}"), r).await.0, 201);
        }
        assert_eq!(app.delete("/v1/play-runs/RUN-2").await.0, 204);
        assert_eq!(app.delete("/v1/plays/PL-2").await.0, 204);
        assert_eq!(app.delete("/v1/deals/D-2").await.0, 204);
        assert_eq!(app.delete("/v1/partners/P-3?hard=true").await.0, 204);
        assert_eq!(app.delete("/v1/partners/P-4").await.0, 200);
        assert_eq!(app.delete("/v1/accounts/A-5").await.0, 204);
        let before = app.eco.read(|g| g.clone());
        app.stop().await;

        let repo = common::within("reopening the store", store::open(&db.url))
            .await
            .unwrap();
        let (reloaded, summary) = common::within("reloading the graph", Ecosystem::load(repo))
            .await
            .unwrap();
        let after = reloaded.read(|g| g.clone());
        assert!(
            before == after,
            "graph differs after reload on {}",
            reloaded.store().backend()
        );
        assert_eq!(summary.records, 2);
        assert_eq!(summary.entities[Kind::PlayRun as usize], 2);
        assert_eq!(
            after
                .play_runs_of_partner("P-1")
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["RUN-0"]
        );
        assert_eq!(after.play_runs().count(), 2);
        assert_eq!(after.plays().count(), 1);
        assert_eq!(after.count(Kind::Partner), 5);
        assert!(
            after
                .partner("P-4")
                .is_some_and(|p| p.offboarded_at.is_some())
        );
    }
}

/// A random write against a small id space, so upserts, replacements and deletes collide.
#[derive(Debug, Clone)]
enum Write {
    Partner(u8),
    Account(u8, Option<u8>),
    Deal(u8, u8, Vec<u8>),
    Play(u8),
    PlayRun(u8, u8, u8, Option<u8>),
    Delete(Kind, u8),
    Offboard(u8),
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        (0u8..4).prop_map(Write::Partner),
        (0u8..4, proptest::option::of(0u8..4)).prop_map(|(a, o)| Write::Account(a, o)),
        (0u8..4, 0u8..4, proptest::collection::vec(0u8..4, 0..3))
            .prop_map(|(d, a, ps)| Write::Deal(d, a, ps)),
        (0u8..2).prop_map(Write::Play),
        (0u8..4, 0u8..4, 0u8..2, proptest::option::of(0u8..4))
            .prop_map(|(r, p, pl, a)| Write::PlayRun(r, p, pl, a)),
        (
            prop_oneof![
                Just(Kind::Partner),
                Just(Kind::Account),
                Just(Kind::Deal),
                Just(Kind::Play),
                Just(Kind::PlayRun)
            ],
            0u8..4
        )
            .prop_map(|(k, i)| Write::Delete(k, i)),
        (0u8..4).prop_map(Write::Offboard),
    ]
}

async fn run(eco: &Ecosystem, w: &Write) {
    let actor = ecograph::service::Actor::cli("test");
    use ecograph::domain::*;
    use ecograph::graph::Node;
    let id = |p: &str, i: u8| Id::parse("id", &format!("{p}-{i}")).unwrap();
    // Writes the service refuses (dangling references, deletes of referenced entities) are part of the
    // test: they must leave store and graph untouched alike.
    let _ = match w {
        Write::Partner(i) => {
            let input: PartnerInput =
                serde_json::from_value(json!({"name": format!("P {i}"), "type": "VAR"})).unwrap();
            eco.upsert(
                Node::Partner(Box::new(Partner::from_input(id("P", *i), input).unwrap())),
                &actor,
            )
            .await
            .map(|_| ())
        }
        Write::Account(i, owner) => {
            let mut v = json!({"name": format!("A {i}")});
            if let Some(o) = owner {
                v["owner"] = json!({"kind": "partner", "partner_id": format!("P-{o}")});
            }
            let input: AccountInput = serde_json::from_value(v).unwrap();
            eco.upsert(
                Node::Account(Box::new(Account::from_input(id("A", *i), input).unwrap())),
                &actor,
            )
            .await
            .map(|_| ())
        }
        Write::Deal(d, a, ps) => {
            let mut ps = ps.clone();
            ps.sort();
            ps.dedup();
            let parts: Vec<_> = ps
                .iter()
                .map(|p| json!({"partner_id": format!("P-{p}"), "role": "influencing"}))
                .collect();
            let input: DealInput = serde_json::from_value(json!({"account_id": format!("A-{a}"), "amount": 10.0, "stage": "proposal", "created_on": "2025-01-01", "partners": parts})).unwrap();
            eco.upsert(
                Node::Deal(Box::new(Deal::from_input(id("D", *d), input).unwrap())),
                &actor,
            )
            .await
            .map(|_| ())
        }
        Write::Play(i) => {
            let input: PlayInput = serde_json::from_value(
                json!({"name": format!("PL {i}"), "motion": "joint_webinar"}),
            )
            .unwrap();
            eco.upsert(
                Node::Play(Box::new(Play::from_input(id("PL", *i), input).unwrap())),
                &actor,
            )
            .await
            .map(|_| ())
        }
        Write::PlayRun(r, p, pl, a) => {
            let input: PlayRunInput =
                serde_json::from_value(json!({"partner_id": format!("P-{p}"),
                "play_id": format!("PL-{pl}"), "account_id": a.map(|a| format!("A-{a}")),
                "started_on": "2025-02-01"}))
                .unwrap();
            eco.upsert(
                Node::PlayRun(Box::new(PlayRun::from_input(id("RUN", *r), input).unwrap())),
                &actor,
            )
            .await
            .map(|_| ())
        }
        Write::Delete(k, i) => {
            let p = match k {
                Kind::Partner => "P",
                Kind::Account => "A",
                Kind::Play => "PL",
                Kind::PlayRun => "RUN",
                _ => "D",
            };
            eco.delete(*k, &format!("{p}-{i}"), &actor).await
        }
        Write::Offboard(i) => eco
            .offboard_partner(&format!("P-{i}"), &actor)
            .await
            .map(|_| ()),
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_writes_reloads_to_the_same_graph(writes in proptest::collection::vec(write(), 1..40)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async {
            let db = common::sqlite_db();
            let (eco, _) = Ecosystem::load(store::open(&db.url).await.unwrap()).await.unwrap();
            for w in &writes {
                run(&eco, w).await;
            }
            let before = eco.read(|g| g.clone());
            let (again, _) = Ecosystem::load(store::open(&db.url).await.unwrap()).await.unwrap();
            let after = again.read(|g| g.clone());
            prop_assert!(before == after, "graph differs after reload for {writes:?}");
            Ok(())
        })?;
    }
}
