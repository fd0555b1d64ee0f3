//! Explanations attached to every match.

use serde::{Deserialize, Serialize};

pub use super::distinct::Relation;

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
    /// Name evidence only: the distinctive tokens present in one of the two names only, and what
    /// each cost (their shares of the one-side disagreement term and, when each name holds a
    /// word of the list that the other lacks, of the swapped-word term; included in
    /// `contribution`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_side: Vec<OneSide>,
    /// Name evidence only: when one name wholly opens the other and the rest is legal,
    /// geographic, descriptor or domain words, whether it names the same company or a division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
}

/// Which record of a scored pair holds a token: the first (the left record of a match, the query
/// of a resolution) or the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairSide {
    /// The first record of the pair.
    First,
    /// The second record of the pair.
    Second,
}

/// A name token present on one side only, and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneSide {
    /// The normalised token.
    pub token: String,
    /// The record whose name holds it.
    pub side: PairSide,
    /// Its share of the match logit (negative when disagreement counts against a match).
    pub cost: f64,
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
