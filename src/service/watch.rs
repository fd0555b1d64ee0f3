//! The watchlist, ranked once and paged from memory, kept fresh in the background.
//!
//! Ranking every account's active partners assesses each of them: at a million accounts that is a
//! minute of work. Recomputing it for every page would cost that much per page and let the
//! ranking shift between pages. A ranking is therefore kept, and a page's cursor names the ranking
//! it came from: the pages of one listing walk one ranking. A listing started while the graph and
//! the model are unchanged reuses the last ranking; after a write, a listing ranks afresh when
//! that is quick, and otherwise is served the last ranking (its `Last-Modified` says when it was
//! made) while the background ranks afresh, so that no one waits a minute for a first page.
//!
//! A ranking made with a probability floor serves every listing with that floor or a higher one
//! (it is filtered), so the one kept at the default floor (the `low` level) serves most.

use super::{Ecosystem, ServiceError};
use crate::conflict::Engine;
use crate::conflict::watch::{Predicted, scan_locked};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a ranking serves the pages of its listing. Past it, a cursor resumes at the same
/// position of a newer ranking (the activity windows have moved on).
pub const RANKING_TTL: Duration = Duration::from_secs(300);

/// A listing is served a ranking of an older graph, rather than waiting for a new one, when the
/// last scan took at least this long (a judgement: a second is as long as a first page should
/// wait; on the demo a scan takes milliseconds and every listing sees the latest write).
const INLINE_SCAN_SECONDS: f64 = 1.0;

/// The background keeps the default-floor ranking fresh while a listing was asked for within this
/// long (and after start-up): nobody pays for scans of a watchlist no one reads.
const IN_USE: Duration = Duration::from_secs(30 * 60);

/// Rankings held at once (listings paged side by side with different floors or graph states).
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
    /// When it was computed.
    pub ranked_at: DateTime<Utc>,
    /// How long the scan took.
    seconds: f64,
    /// The predictions, most likely first.
    items: Vec<Predicted>,
}

impl Ranking {
    /// Whether it can serve a listing with floor `min` under `engine`.
    fn covers(&self, engine: &Arc<Engine>, min: f64) -> bool {
        Arc::ptr_eq(&self.engine, engine) && self.min <= min
    }

    fn fresh(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.made) < RANKING_TTL
    }

    /// The predictions at least `min` likely, most likely first.
    pub fn above(&self, min: f64) -> impl Iterator<Item = &Predicted> {
        self.items
            .iter()
            .take_while(move |p| p.assessment.probability >= min)
    }
}

/// The rankings held, newest first.
pub struct Rankings {
    next_id: u64,
    held: VecDeque<Arc<Ranking>>,
    /// When a listing was last asked for (start-up counts as one).
    listed: Instant,
}

impl Default for Rankings {
    fn default() -> Self {
        Rankings {
            next_id: 0,
            held: VecDeque::new(),
            listed: Instant::now(),
        }
    }
}

impl Rankings {
    /// The held ranking a listing with floor `min` is served, if any: the one its cursor names
    /// while fresh; else one of the current graph while fresh; else, where scanning is slow, the
    /// newest, unless it is older than [`IN_USE`] (the watchlist went unread and the background
    /// stopped ranking it).
    fn choose(
        &self,
        engine: &Arc<Engine>,
        min: f64,
        generation: u64,
        named: Option<u64>,
        now: Instant,
    ) -> Option<Arc<Ranking>> {
        let held = |want: &dyn Fn(&Ranking) -> bool| {
            self.held
                .iter()
                .find(|r| r.covers(engine, min) && want(r))
                .cloned()
        };
        named
            .and_then(|id| held(&|r| r.id == id && r.fresh(now)))
            .or_else(|| held(&|r| r.generation == generation && r.fresh(now)))
            .or_else(|| {
                held(&|r| {
                    r.seconds >= INLINE_SCAN_SECONDS
                        && now.saturating_duration_since(r.made) < IN_USE
                })
            })
    }
}

impl Ecosystem {
    /// The ranking named by `named` (a cursor's) while it is held and fresh; else a held ranking of
    /// the current graph and model; else, when scanning is slow, the newest held one; else a new
    /// one. Every ranking returned covers `min`.
    pub async fn watchlist(
        &self,
        min: f64,
        named: Option<u64>,
    ) -> Result<Arc<Ranking>, ServiceError> {
        let engine = self.engine();
        let generation = self.read(|g| g.generation());
        {
            let mut rankings = self.watch.lock();
            rankings.listed = Instant::now();
            if let Some(r) = rankings.choose(&engine, min, generation, named, Instant::now()) {
                return Ok(r);
            }
        }
        self.rank(engine, min, false).await
    }

    /// Ranks afresh with floor `min` and holds the ranking; `paced` rests between chunks (for the
    /// background).
    async fn rank(
        &self,
        engine: Arc<Engine>,
        min: f64,
        paced: bool,
    ) -> Result<Arc<Ranking>, ServiceError> {
        let generation = self.read(|g| g.generation());
        let graph = self.graph.clone();
        let assessor = engine.clone();
        let started = Instant::now();
        let ranked_at = Utc::now();
        let items = tokio::task::spawn_blocking(move || {
            scan_locked(&graph, &assessor, ranked_at, min, paced)
        })
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
            ranked_at,
            seconds: started.elapsed().as_secs_f64(),
            items,
        });
        rankings.held.push_front(ranking.clone());
        rankings.held.truncate(HELD);
        Ok(ranking)
    }

    /// Ranks afresh at the default floor when the watchlist is in use and its ranking is stale
    /// (a write since, or older than [`RANKING_TTL`]); returns how long that took (`None` when
    /// there was nothing to do).
    pub async fn refresh_watchlist(&self) -> Result<Option<Duration>, ServiceError> {
        let engine = self.engine();
        let min = engine.rules.levels.low;
        let generation = self.read(|g| g.generation());
        {
            let rankings = self.watch.lock();
            let current = rankings.held.iter().any(|r| {
                r.covers(&engine, min) && r.generation == generation && r.fresh(Instant::now())
            });
            if current || rankings.listed.elapsed() > IN_USE {
                return Ok(None);
            }
        }
        let r = self.rank(engine, min, true).await?;
        tracing::info!(
            predictions = r.items.len(),
            seconds = format!("{:.3}", r.seconds),
            "watchlist ranked in the background"
        );
        Ok(Some(Duration::from_secs_f64(r.seconds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(
        id: u64,
        generation: u64,
        engine: &Arc<Engine>,
        min: f64,
        seconds: f64,
    ) -> Arc<Ranking> {
        Arc::new(Ranking {
            id,
            generation,
            engine: engine.clone(),
            min,
            made: Instant::now(),
            ranked_at: Utc::now(),
            seconds,
            items: Vec::new(),
        })
    }

    #[test]
    fn a_listing_gets_a_current_ranking_or_when_scanning_is_slow_the_newest() {
        let engine = Arc::new(Engine {
            rules: Default::default(),
            model: None,
        });
        let mut r = Rankings::default();
        let now = Instant::now();
        // Quick scans: only a ranking of the current graph serves a new listing.
        r.held.push_front(ranking(1, 10, &engine, 0.2, 0.01));
        assert_eq!(r.choose(&engine, 0.2, 10, None, now).map(|x| x.id), Some(1));
        assert_eq!(
            r.choose(&engine, 0.5, 10, None, now).map(|x| x.id),
            Some(1),
            "a higher floor is filtered"
        );
        assert!(
            r.choose(&engine, 0.1, 10, None, now).is_none(),
            "a lower floor is not covered"
        );
        assert!(
            r.choose(&engine, 0.2, 11, None, now).is_none(),
            "a write since: rank afresh"
        );
        // Its cursor still names it after the write.
        assert_eq!(
            r.choose(&engine, 0.2, 11, Some(1), now).map(|x| x.id),
            Some(1)
        );
        // A slow scan: the newest ranking serves after writes, while the background ranks.
        r.held.push_front(ranking(2, 12, &engine, 0.2, 60.0));
        assert_eq!(r.choose(&engine, 0.3, 15, None, now).map(|x| x.id), Some(2));
        // Unless it was made before the watchlist went unread; a cursor past its ranking's time
        // is not served it either.
        let later = Instant::now() + IN_USE;
        assert!(r.choose(&engine, 0.3, 15, None, later).is_none());
        assert!(r.choose(&engine, 0.2, 12, Some(2), later).is_none());
        // Another engine (a model reloaded) is served nothing held.
        let other = Arc::new(Engine {
            rules: Default::default(),
            model: None,
        });
        assert!(r.choose(&other, 0.2, 12, None, now).is_none());
    }
}
