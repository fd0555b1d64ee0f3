//! Features computed as of an instant, for every model that learns from the store.
//!
//! Only events dated before the instant count: touchpoints, deals (by their creation and close
//! dates), registrations and the decisions taken on them. Facts without dates — partners' account
//! lists and profiles, accounts' regions — are read as they are now; each model card says so.

pub mod conflict;
