//! ecograph: the partner-ecosystem intelligence service.
//!
//! `domain` holds the entity types, `graph` the in-memory property graph, `store` the durable
//! repository, `service` keeps the two in step, and `api` serves them over HTTP. The engine modules
//! (`domain`, `graph`, `generator`) import neither actix nor sqlx.

/// Fixed, fast hashing for maps whose keys are not chosen by users (static word lists, dense
/// indexes), asked in hot loops; maps keyed by user input keep a random state.
pub(crate) type FastHash = foldhash::fast::FixedState;

pub mod api;
pub mod conflict;
pub mod csvtext;
pub mod domain;
pub mod features;
pub mod generator;
pub mod graph;
pub mod import;
pub mod intel;
pub mod learn;
pub mod mapping;
pub mod matching;
pub mod progress;
pub mod registry;
pub mod service;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod training;
