//! Explanations attached to every match.

use serde::{Deserialize, Serialize};

/// How one field contributed to a match score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Record field ("name", "domain", "phone", "postal_code", "address", "city", "country").
    pub field: String,
    /// Headline similarity of the field in [0, 1] (0 when a side is missing).
    pub similarity: f64,
    /// Whether either record lacks the field: then nothing was compared, and the contribution is
    /// what the model learned absence to be worth.
    #[serde(default)]
    pub missing: bool,
    /// Sum of weight * feature over the field's features: its additive share of the logit.
    pub contribution: f64,
}

/// A matched pair of records, by position in the input slices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPair {
    /// Index into the left list.
    pub left: usize,
    /// Index into the right list.
    pub right: usize,
    /// Match probability.
    pub score: f64,
    /// Per-field evidence.
    pub evidence: Vec<Evidence>,
}
