//! The watchlist, ranked once per listing and paged from memory.
//!
//! Ranking every account's active partners assesses each of them: at a million accounts that is
//! seconds of work under the graph's read lock. Recomputing it for every page would cost that much
//! per page and let the ranking shift between pages. A ranking is therefore kept, and a page's
//! cursor names the ranking it came from: the pages of one listing walk one ranking, computed
//! once. A listing started while the graph, the model and the threshold are unchanged reuses the
//! last ranking too; a write starts a new one.

use super::{Ecosystem, ServiceError};
use crate::conflict::Engine;
use crate::conflict::watch::{Predicted, scan_locked};
use chrono::Utc;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a ranking serves the pages of its listing. Past it, a cursor resumes at the same
/// position of a ranking computed afresh (the activity windows have moved on).
pub const RANKING_TTL: Duration = Duration::from_secs(300);

/// Rankings held at once (listings paged side by side with different thresholds or graph states).
const HELD: usize = 4;

/// A computed watchlist.
pub struct Ranking {
    /// Names this ranking in cursors.
    pub id: u64,
    /// The graph generation read before it was computed (a write during the scan makes the
    /// next listing compute afresh).
    generation: u64,
    /// The engine (rules and model) that assessed it.
    engine: Arc<Engine>,
    /// The probability floor it was computed with.
    min: f64,
    made: Instant,
    /// The predictions, most likely first.
    pub items: Vec<Predicted>,
}

impl Ranking {
    fn serves(&self, engine: &Arc<Engine>, min: f64) -> bool {
        self.made.elapsed() < RANKING_TTL && Arc::ptr_eq(&self.engine, engine) && self.min == min
    }
}

/// The rankings held, newest first.
#[derive(Default)]
pub struct Rankings {
    next_id: u64,
    held: VecDeque<Arc<Ranking>>,
}

impl Ecosystem {
    /// The ranking named by `named` (a cursor's) while it is held and fresh; else a held ranking of
    /// the current graph, model and floor; else a new one.
    pub async fn watchlist(
        &self,
        min: f64,
        named: Option<u64>,
    ) -> Result<Arc<Ranking>, ServiceError> {
        let engine = self.engine();
        let generation = self.read(|g| g.generation());
        {
            let rankings = self.watch.lock();
            let held = |want: &dyn Fn(&Ranking) -> bool| {
                rankings
                    .held
                    .iter()
                    .find(|r| r.serves(&engine, min) && want(r))
                    .cloned()
            };
            if let Some(r) = named.and_then(|id| held(&|r| r.id == id)) {
                return Ok(r);
            }
            if let Some(r) = held(&|r| r.generation == generation) {
                return Ok(r);
            }
        }
        let graph = self.graph.clone();
        let assessor = engine.clone();
        let items =
            tokio::task::spawn_blocking(move || scan_locked(&graph, &assessor, Utc::now(), min))
                .await
                .map_err(|e| ServiceError::Task(format!("watchlist: {e}")))?;
        let mut rankings = self.watch.lock();
        rankings.next_id += 1;
        let ranking = Arc::new(Ranking {
            id: rankings.next_id,
            generation,
            engine,
            min,
            made: Instant::now(),
            items,
        });
        rankings.held.push_front(ranking.clone());
        rankings.held.truncate(HELD);
        Ok(ranking)
    }
}
