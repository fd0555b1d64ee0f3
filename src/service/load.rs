//! Start-up: rebuilding the graph from the store.

use super::Ecosystem;
use crate::domain::{Kind, PartnerRecord};
use crate::graph::{BulkIds, Capacity, EcoGraph, Node};
use crate::store::{Repository, StoreError, Table};
use futures_util::TryStreamExt;
use parking_lot::RwLock;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

/// Documents parsed per parallel batch while loading.
const LOAD_BATCH: usize = 50_000;

/// Parses one stored document into a node.
type NodeParser = fn(&str) -> Result<Node, serde_json::Error>;

/// What start-up loaded, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadSummary {
    /// Entities per kind, in [`Kind::ALL`] order.
    pub entities: [usize; Kind::ALL.len()],
    /// Partner account records.
    pub records: usize,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// A document in the store that does not parse: the store was written by something else.
#[derive(Debug, thiserror::Error)]
#[error("corrupt {table} document: {source}")]
pub struct CorruptDocument {
    table: &'static str,
    source: serde_json::Error,
}

/// A parsed batch on its way to the thread that builds the graph, or the end of a table.
enum Batch {
    Nodes(Vec<Node>),
    Records(Vec<PartnerRecord>),
    /// Every batch of the table has been sent; it took this long to read and parse.
    End(Table, f64),
}

/// Parse batches in flight at once: enough to keep both the reader and the parsers busy, few
/// enough that memory holds only a couple of batches of documents.
const IN_FLIGHT: usize = 2;

impl Ecosystem {
    /// Rebuilds the graph from everything in the store.
    ///
    /// Three stages run at once: the store streams documents, the rayon pool parses them in
    /// batches, and one thread inserts the parsed batches into the graph in table order (partners
    /// and accounts before the deals, touchpoints, play runs and records that refer to them).
    pub async fn load(store: Arc<dyn Repository>) -> anyhow::Result<(Self, LoadSummary)> {
        let started = Instant::now();
        let capacity = capacity(&*store).await?;
        let (tx, rx) = tokio::sync::mpsc::channel::<Batch>(IN_FLIGHT);
        let builder = std::thread::Builder::new()
            .name("graph-load".into())
            .spawn(move || build(rx, capacity))?;
        let parsers: [NodeParser; Kind::ALL.len()] = [
            |s| Ok(Node::Partner(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Account(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Deal(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Touchpoint(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Play(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Ipp(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::PlayRun(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Registration(Box::new(serde_json::from_str(s)?))),
        ];
        let read = async {
            for (kind, parse) in Kind::ALL.into_iter().zip(parsers) {
                let table = Table::Entity(kind);
                let t = Instant::now();
                scan_parsed(&*store, table, parse, Batch::Nodes, &tx).await?;
                send(&tx, Batch::End(table, t.elapsed().as_secs_f64())).await?;
            }
            let t = Instant::now();
            scan_parsed(
                &*store,
                Table::Records,
                |s| serde_json::from_str::<PartnerRecord>(s),
                Batch::Records,
                &tx,
            )
            .await?;
            send(&tx, Batch::End(Table::Records, t.elapsed().as_secs_f64())).await
        };
        let read: anyhow::Result<()> = read.await;
        drop(tx);
        let graph = tokio::task::spawn_blocking(move || builder.join())
            .await?
            .map_err(|_| anyhow::anyhow!("the graph-building thread panicked"))?;
        read?;
        let summary = LoadSummary {
            entities: Kind::ALL.map(|k| graph.count(k)),
            records: graph.record_count(),
            seconds: started.elapsed().as_secs_f64(),
        };
        let eco = Ecosystem {
            graph: Arc::new(RwLock::new(graph)),
            store,
            gate: tokio::sync::Mutex::new(()),
            resolver: Arc::new(RwLock::new(None)),
            conflict: RwLock::new(Arc::new(crate::conflict::Engine::default())),
            picture: RwLock::new(None),
            intel: RwLock::new(Arc::new(super::IntelModels::default())),
            watch: Default::default(),
        };
        Ok((eco, summary))
    }
}

/// Room to make in the graph for what the store holds. Edges are estimated from the rows: one per
/// record, and for deals, touchpoints, registrations and play runs the relations they usually
/// carry (over-reserving costs address space, not resident memory, until it is used).
async fn capacity(store: &dyn Repository) -> anyhow::Result<Capacity> {
    let mut rows = [0usize; Kind::ALL.len()];
    for kind in Kind::ALL {
        rows[kind as usize] = usize::try_from(store.count(Table::Entity(kind)).await?)?;
    }
    let records = usize::try_from(store.count(Table::Records).await?)?;
    let [
        partners,
        accounts,
        deals,
        touchpoints,
        plays,
        ipps,
        play_runs,
        registrations,
    ] = rows;
    Ok(Capacity {
        nodes: partners + accounts + deals + touchpoints + plays + ipps + play_runs + registrations,
        edges: records
            + accounts / 8
            + deals * 5
            + touchpoints * 3
            + play_runs * 3
            + registrations * 3,
        records,
        accounts,
    })
}

/// Hands a batch to the graph-building thread, waiting while it is busy.
async fn send(tx: &tokio::sync::mpsc::Sender<Batch>, b: Batch) -> anyhow::Result<()> {
    tx.send(b)
        .await
        .map_err(|_| anyhow::anyhow!("the graph-building thread stopped"))
}

/// The graph-building stage: inserts batches in the order they arrive.
fn build(mut rx: tokio::sync::mpsc::Receiver<Batch>, capacity: Capacity) -> EcoGraph {
    let mut graph = EcoGraph::with_capacity(capacity);
    let mut insert_seconds = 0.0;
    // The table being loaded: its entities are indexed by id when it ends.
    let mut bulk: Option<BulkIds> = None;
    while let Some(batch) = rx.blocking_recv() {
        let t = Instant::now();
        match batch {
            Batch::Nodes(nodes) => {
                for n in nodes {
                    let b = bulk.get_or_insert_with(|| graph.bulk(n.kind()));
                    graph.bulk_push(b, n);
                }
            }
            Batch::Records(records) => {
                for r in records {
                    graph.upsert_record(r);
                }
            }
            Batch::End(table, read_seconds) => {
                if let Some(b) = bulk.take() {
                    graph.bulk_finish(b);
                    insert_seconds += t.elapsed().as_secs_f64();
                }
                let rows = match table {
                    Table::Entity(kind) => graph.count(kind),
                    Table::Records => graph.record_count(),
                };
                tracing::debug!(
                    table = table.name(),
                    rows,
                    read_seconds = format!("{read_seconds:.3}"),
                    insert_seconds = format!("{insert_seconds:.3}"),
                    resident_mib = crate::telemetry::resident_bytes().map(|b| b >> 20),
                    "table loaded"
                );
                insert_seconds = 0.0;
                continue;
            }
        }
        insert_seconds += t.elapsed().as_secs_f64();
    }
    graph
}

/// Reads a table in batches, parsing each batch on the rayon pool while the next is read, and sends
/// the parsed batches (wrapped by `wrap`) to the graph-building thread in the order they were read.
async fn scan_parsed<T: Send + 'static>(
    store: &dyn Repository,
    table: Table,
    parse: fn(&str) -> Result<T, serde_json::Error>,
    wrap: fn(Vec<T>) -> Batch,
    tx: &tokio::sync::mpsc::Sender<Batch>,
) -> anyhow::Result<()> {
    let mut stream = store.scan(table);
    let mut pending: VecDeque<tokio::task::JoinHandle<Result<Vec<T>, CorruptDocument>>> =
        VecDeque::new();
    let mut buf: Vec<String> = Vec::with_capacity(LOAD_BATCH);
    let spawn = |docs: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            docs.par_iter()
                .map(|d| {
                    parse(d).map_err(|source| CorruptDocument {
                        table: table.name(),
                        source,
                    })
                })
                .collect::<Result<Vec<T>, _>>()
        })
    };
    while let Some(doc) = stream
        .try_next()
        .await
        .map_err(|e: StoreError| anyhow::anyhow!(e))?
    {
        buf.push(doc);
        if buf.len() == LOAD_BATCH {
            if pending.len() == IN_FLIGHT
                && let Some(oldest) = pending.pop_front()
            {
                send(tx, wrap(oldest.await??)).await?;
            }
            pending.push_back(spawn(std::mem::replace(
                &mut buf,
                Vec::with_capacity(LOAD_BATCH),
            )));
        }
    }
    if !buf.is_empty() {
        pending.push_back(spawn(buf));
    }
    for p in pending {
        send(tx, wrap(p.await??)).await?;
    }
    Ok(())
}
