//! The ecosystem service: the graph and the store kept in step.
//!
//! Every write is validated against the graph, committed to the store in one transaction, and only
//! then applied to the graph under its write lock, so a reader sees a write whole or not at all and
//! nothing is acknowledged before it is durable. Writers are serialised by a gate so that the graph
//! and the store apply writes in the same order.

mod audit;
mod error;
mod intel;
mod keys;
mod load;
mod records;
mod registrations;
mod resolve;
mod watch;
mod write;

pub use audit::Actor;
pub use error::ServiceError;
pub use intel::{IntelModels, Picture, Served};
pub use keys::{KeyRing, NewKey, REFRESH_EVERY, TOKEN_PREFIX, same_secret};
pub use load::LoadSummary;
pub use records::{AccountList, Linking, ListWrite, RESOLVED_ACCOUNT_PREFIX};
pub use registrations::{
    EXPIRE_BATCH, NewRegistration, Registered, RegistrationDoc, RegistrationFilter,
};
pub use resolve::{Resolution, account_record};
pub use watch::Ranking;
pub use write::{BulkReport, MAX_LISTED_REJECTIONS, Rejection, Rows, Upserted};

use crate::graph::EcoGraph;
use crate::store::Repository;
use parking_lot::RwLock;
use std::sync::Arc;

/// The graph, its store and the write gate.
pub struct Ecosystem {
    graph: Arc<RwLock<EcoGraph>>,
    store: Arc<dyn Repository>,
    gate: tokio::sync::Mutex<()>,
    resolver: Arc<RwLock<Option<crate::matching::Index>>>,
    conflict: RwLock<Arc<crate::conflict::Engine>>,
    picture: RwLock<Option<Arc<Picture>>>,
    intel: RwLock<Arc<IntelModels>>,
    watch: parking_lot::Mutex<watch::Rankings>,
}

impl Ecosystem {
    /// Runs a read against a consistent view of the graph.
    ///
    /// Keep `f` short: writers wait while it runs.
    pub fn read<R>(&self, f: impl FnOnce(&EcoGraph) -> R) -> R {
        f(&self.graph.read())
    }

    /// Runs a read against consistent views of several ecosystems' graphs at once (each read lock
    /// taken in the order given).
    pub fn read_many<R>(ecos: &[&Ecosystem], f: impl FnOnce(&[&EcoGraph]) -> R) -> R {
        let guards: Vec<_> = ecos.iter().map(|e| e.graph.read()).collect();
        let graphs: Vec<&EcoGraph> = guards.iter().map(|g| &**g).collect();
        f(&graphs)
    }

    /// The store behind the graph.
    pub fn store(&self) -> &Arc<dyn Repository> {
        &self.store
    }
}
