//! Entity resolution for company records: normalisation, blocking, a learned pairwise match
//! model with per-field evidence, anti-chaining clustering and an incremental index.
//! No web framework or database here, so the tree can move into the service as-is.

pub mod blocking;
pub mod card;
pub mod cluster;
pub mod country;
pub mod csvio;
pub mod decide;
pub mod devsets;
pub mod distinct;
pub mod domain;
pub mod eval;
pub mod evidence;
pub mod families;
pub mod features;
pub mod index;
pub mod model;
pub mod normalize;
pub mod record;
pub mod similarity;
pub mod stress;
pub mod synth;
pub mod train;

pub use blocking::{BlockingConfig, BlockingStats};
pub use cluster::Brands;
pub use evidence::{Evidence, MatchPair, OneSide, PairSide, Relation};
pub use index::{Candidate, Index};
pub use model::{Matcher, ModelError};
pub use record::{Prepared, Record, prepare};
