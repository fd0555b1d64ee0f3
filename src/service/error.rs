//! Failures of service operations.

use crate::domain::{Invalid, Kind};
use crate::graph::MissingRef;
use crate::store::StoreError;

/// Why a service operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is malformed or breaks a rule.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The entity asked for does not exist.
    #[error("{kind} '{id}' does not exist")]
    NotFound {
        /// Its kind.
        kind: Kind,
        /// Its id.
        id: String,
    },
    /// No API key has this id.
    #[error("API key '{0}' does not exist")]
    NoSuchKey(String),
    /// The input refers to an entity that does not exist.
    #[error("{field} refers to {} '{}', which does not exist", .missing.kind, .missing.id)]
    UnknownReference {
        /// The first dangling reference.
        missing: MissingRef,
        /// The referring field.
        field: String,
    },
    /// The operation conflicts with the current state.
    #[error("{message}")]
    Conflict {
        /// A stable code.
        code: &'static str,
        /// What conflicts, and what to do.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A background task failed.
    #[error("background task failed: {0}")]
    Task(String),
}

impl From<MissingRef> for ServiceError {
    fn from(m: MissingRef) -> Self {
        ServiceError::UnknownReference {
            field: m.field.clone(),
            missing: m,
        }
    }
}
