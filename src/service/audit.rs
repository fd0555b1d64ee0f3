//! Who wrote what: every write carries an actor and commits an audit entry with its data.

use crate::domain::{AUDIT_MAX_IDS, AuditEntry, Role};
use crate::store::Op;
use chrono::Utc;
use std::sync::atomic::{AtomicU32, Ordering};

/// The caller behind a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The key id (`master`, `open` without a master key, `cli` for command-line imports).
    pub key_id: String,
    /// The key's role.
    pub role: Role,
    /// Method and route pattern, e.g. `PUT /v1/partners/{id}`.
    pub route: String,
}

impl Actor {
    /// The command line, acting as admin.
    pub fn cli(command: &str) -> Self {
        Actor {
            key_id: "cli".into(),
            role: Role::Admin,
            route: format!("ecograph {command}"),
        }
    }

    /// The audit operation for a write of `count` records, the first of which are listed as
    /// (kind, id) pairs.
    pub fn audit<'a>(&self, count: usize, ids: impl Iterator<Item = (&'a str, &'a str)>) -> Op {
        let now = Utc::now();
        static SEQ: AtomicU32 = AtomicU32::new(0);
        // Fixed-width hex of the time then a sequence number: text order is commit order.
        let id = format!(
            "{:016x}{:08x}",
            now.timestamp_micros().max(0),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        Op::Audit(AuditEntry {
            id,
            at: now,
            key_id: self.key_id.clone(),
            role: self.role,
            route: self.route.clone(),
            records: count as u64,
            record_ids: ids
                .take(AUDIT_MAX_IDS)
                .map(|(k, i)| format!("{k}:{i}"))
                .collect(),
        })
    }
}
