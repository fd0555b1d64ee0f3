//! Access control vocabulary: roles, API keys as stored, and audit entries.

use super::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

vocabulary! {
    /// What a key may do; each route declares the roles it admits.
    Role {
        /// Everything, including keys and the audit log.
        Admin => "admin",
        /// The PRM integration: all domain data and scores.
        Prm => "prm",
        /// Partner recruiters: partners, IPPs, applicants and fit scores.
        Recruiter => "recruiter",
        /// The deal desk: registrations, conflicts; reads partners, accounts and deals.
        DealDesk => "deal_desk",
        /// One partner, through the PRM's portal: its own records only.
        Partner => "partner",
    }
}

/// An API key as stored: never the secret, only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiKey {
    /// Public key id (the part of the token before the secret).
    pub id: String,
    /// What the key is for.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The partner a `partner` key is scoped to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub partner_id: Option<Id>,
    /// Hex SHA-256 of the secret.
    #[serde(skip)]
    pub secret_hash: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if it does.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Whether the key works at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// One audited write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Time-ordered id.
    pub id: String,
    /// When the write was committed.
    pub at: DateTime<Utc>,
    /// The key that made it (`master`, `open` without a master key, or `cli`).
    pub key_id: String,
    /// The key's role.
    pub role: Role,
    /// Method and route pattern, e.g. `PUT /v1/partners/{id}`.
    pub route: String,
    /// How many records the write touched.
    pub records: u64,
    /// The records touched (at most [`AUDIT_MAX_IDS`] are kept per entry), as `kind:id`.
    pub record_ids: Vec<String>,
}

/// Record ids kept per audit entry; bulk writes record their count and the first ids.
pub const AUDIT_MAX_IDS: usize = 1000;
