//! The service's side of partner intelligence: the snapshot recommendations read (rebuilt when what
//! it reads has changed: see [`Snapshot::source_generation`]) and the models that serve.

use super::{Ecosystem, ServiceError};
use crate::intel::recruit::Coverage;
use crate::intel::snapshot::Snapshot;
use crate::learn::Logistic;
use chrono::{DateTime, Utc};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A snapshot is rebuilt inline when a request finds it stale and the last build took less than
/// this; a longer build is left to the periodic refresh, and the stale snapshot serves meanwhile.
const INLINE_REBUILD_SECONDS: f64 = 0.05;

/// A snapshot of the graph with what is derived from it once.
#[derive(Debug)]
pub struct Picture {
    /// The snapshot.
    pub snapshot: Snapshot,
    /// Coverage of the vendor's demand, computed on first use.
    coverage: OnceLock<Coverage>,
    /// Play outcomes and partner profiles, gathered on first use.
    plays: OnceLock<PlayState>,
    /// When it was built.
    pub built_at: DateTime<Utc>,
    /// How long the build took.
    pub seconds: f64,
}

impl Picture {
    fn build(graph: &parking_lot::RwLock<crate::graph::EcoGraph>) -> Picture {
        let started = Instant::now();
        let snapshot = Snapshot::build_locked(graph, None);
        Picture {
            snapshot,
            coverage: OnceLock::new(),
            plays: OnceLock::new(),
            built_at: Utc::now(),
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// Play outcomes as known now, for play recommendations (gathered from `g` on first use; `g`
    /// must be the graph the snapshot was built from or a later one).
    pub fn plays(&self, g: &crate::graph::EcoGraph) -> &PlayState {
        self.plays.get_or_init(|| {
            let (plays, runs, profiles) = crate::intel::plays::facts(g, &self.snapshot);
            let types = |p: u32| profiles.get(&p).map(|x| x.partner_type);
            PlayState {
                book: crate::intel::plays::Book::build(plays, &runs, &types, None),
            }
        })
    }

    /// Where the vendor has demand and how well active partners cover it.
    pub fn coverage(&self) -> &Coverage {
        self.coverage.get_or_init(|| Coverage::of(&self.snapshot))
    }
}

/// What play recommendations read, gathered once per snapshot.
#[derive(Debug)]
pub struct PlayState {
    /// Outcome statistics of every run known now.
    pub book: crate::intel::plays::Book,
}

/// A model version that serves.
#[derive(Debug, Clone)]
pub struct Served {
    /// Its version id (`default` for the committed one).
    pub version: String,
    /// The model.
    pub model: Logistic,
}

/// The partner-intelligence models that serve.
#[derive(Debug, Clone, Default)]
pub struct IntelModels {
    /// The partner-recommendation ranker.
    pub partners: Option<Served>,
    /// The IPP success model.
    pub success: Option<Served>,
    /// The play-outcome model.
    pub plays: Option<Served>,
}

impl IntelModels {
    /// Logs which version of each model serves (`none` where none does), with `what` happened.
    pub fn log(&self, what: &str) {
        let v = |s: &Option<Served>| {
            s.as_ref()
                .map_or("none", |m| m.version.as_str())
                .to_string()
        };
        tracing::info!(
            partners_model = v(&self.partners),
            ipp_success_model = v(&self.success),
            plays_model = v(&self.plays),
            "{what}"
        );
    }
}

impl Ecosystem {
    /// The current snapshot: rebuilt now if the graph changed and building is quick, else the last
    /// one (the periodic refresh replaces it).
    pub async fn picture(&self) -> Result<Arc<Picture>, ServiceError> {
        let current = self.picture.read().clone();
        let generation = self.read(Snapshot::source_generation);
        match current {
            Some(p) if p.snapshot.generation == generation => Ok(p),
            Some(p) if p.seconds >= INLINE_REBUILD_SECONDS => Ok(p),
            _ => self.rebuild_picture().await,
        }
    }

    /// Rebuilds the snapshot if the graph has changed since the last one (or there is none);
    /// returns how long the rebuild took (`None` when there was none).
    pub async fn refresh_picture(&self) -> Result<Option<Duration>, ServiceError> {
        let stale = match &*self.picture.read() {
            Some(p) => p.snapshot.generation != self.read(Snapshot::source_generation),
            None => true,
        };
        if stale {
            let p = self.rebuild_picture().await?;
            return Ok(Some(Duration::from_secs_f64(p.seconds)));
        }
        Ok(None)
    }

    async fn rebuild_picture(&self) -> Result<Arc<Picture>, ServiceError> {
        let graph = self.graph.clone();
        let picture = tokio::task::spawn_blocking(move || Arc::new(Picture::build(&graph)))
            .await
            .map_err(|e| ServiceError::Task(format!("snapshot build: {e}")))?;
        let mut slot = self.picture.write();
        // A slower build of an older graph must not replace a newer snapshot.
        if slot
            .as_ref()
            .is_none_or(|p| p.snapshot.generation <= picture.snapshot.generation)
        {
            *slot = Some(picture.clone());
        }
        Ok(slot.clone().unwrap_or(picture))
    }

    /// Whether a snapshot has been built.
    pub fn picture_ready(&self) -> bool {
        self.picture.try_read().is_some_and(|p| p.is_some())
    }

    /// The partner-intelligence models that serve.
    pub fn intel_models(&self) -> Arc<IntelModels> {
        self.intel.read().clone()
    }

    /// Replaces the partner-intelligence models that serve.
    pub fn set_intel_models(&self, models: IntelModels) {
        *self.intel.write() = Arc::new(models);
    }
}
