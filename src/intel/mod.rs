//! Partner intelligence: partners to bring into a deal or an account, Ideal-Partner-Profile fit
//! with a learned success model, ranked recruiting candidates and GTM play recommendations.
//!
//! Every model here learns from what the store holds, split in time, and is a version in the
//! registry under its name ([`PARTNERS`], [`SUCCESS`], [`PLAYS`]); the service serves the newest
//! usable version, else the default committed under `models/`, else a documented fallback.

pub mod fit;
pub mod holdout;
pub mod plays;
pub mod recommend;
pub mod recruit;
pub mod snapshot;
pub mod success;

use crate::learn::Logistic;
use serde::{Deserialize, Serialize};

/// The registry name of the partner-recommendation ranker.
pub const PARTNERS: &str = "partners";
/// The registry name of the IPP success model.
pub const SUCCESS: &str = "ipp_success";
/// The registry name of the play-outcome model.
pub const PLAYS: &str = "plays";

/// A trained model of this module with its card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versioned {
    /// The registry name.
    pub name: String,
    /// The fitted model.
    pub model: Logistic,
    /// How it was trained and how it measured (free-form, shown by `GET /v1/models`).
    pub card: serde_json::Value,
}
