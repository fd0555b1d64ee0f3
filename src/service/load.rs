//! Start-up: rebuilding the graph from the store.

use super::Ecosystem;
use crate::domain::{Kind, PartnerRecord};
use crate::graph::{EcoGraph, Node};
use crate::store::{Repository, StoreError, Table};
use futures_util::TryStreamExt;
use parking_lot::RwLock;
use rayon::prelude::*;
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
    pub entities: [usize; 6],
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

impl Ecosystem {
    /// Rebuilds the graph from everything in the store.
    pub async fn load(store: Arc<dyn Repository>) -> anyhow::Result<(Self, LoadSummary)> {
        let started = Instant::now();
        let mut graph = EcoGraph::new();
        let parsers: [NodeParser; 6] = [
            |s| Ok(Node::Partner(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Account(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Deal(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Touchpoint(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Play(Box::new(serde_json::from_str(s)?))),
            |s| Ok(Node::Ipp(Box::new(serde_json::from_str(s)?))),
        ];
        for (kind, parse) in Kind::ALL.into_iter().zip(parsers) {
            let nodes = scan_parsed(&*store, Table::Entity(kind), parse).await?;
            for batch in nodes {
                for n in batch {
                    graph.upsert(n);
                }
            }
        }
        for batch in scan_parsed(&*store, Table::Records, |s| {
            serde_json::from_str::<PartnerRecord>(s)
        })
        .await?
        {
            for r in batch {
                graph.upsert_record(r);
            }
        }
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
        };
        Ok((eco, summary))
    }
}

/// Reads a table in batches, parsing each batch on the rayon pool while the next is read.
async fn scan_parsed<T: Send + 'static>(
    store: &dyn Repository,
    table: Table,
    parse: fn(&str) -> Result<T, serde_json::Error>,
) -> anyhow::Result<Vec<Vec<T>>> {
    let mut stream = store.scan(table);
    let mut pending: Vec<tokio::task::JoinHandle<Result<Vec<T>, CorruptDocument>>> = Vec::new();
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
            pending.push(spawn(std::mem::replace(
                &mut buf,
                Vec::with_capacity(LOAD_BATCH),
            )));
        }
    }
    if !buf.is_empty() {
        pending.push(spawn(buf));
    }
    let mut out = Vec::with_capacity(pending.len());
    for p in pending {
        out.push(p.await??);
    }
    Ok(out)
}
