//! API keys: issued with a random secret shown once, stored as a hash, checked in constant time.

use super::{Actor, ServiceError};
use crate::domain::{ApiKey, Id, Invalid, Role};
use crate::store::{Op, Repository};
use chrono::{DateTime, Utc};
use parking_lot::RwLock;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// Prefix of every issued token: `egk_<key id>_<secret>`.
pub const TOKEN_PREFIX: &str = "egk_";

/// A key request, checked.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// What the key is for.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The partner a `partner` key is scoped to (required for that role, refused for others).
    pub partner_id: Option<Id>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The API keys, held in memory and written through to the store.
///
/// Keys created or revoked by another process on the same store (`ecograph keys ...` beside a
/// running service) are picked up by [`KeyRing::refresh`]: the service refreshes on a token it
/// does not know (at most once a second) and every [`REFRESH_EVERY`].
pub struct KeyRing {
    keys: RwLock<BTreeMap<String, ApiKey>>,
    store: Arc<dyn Repository>,
    gate: tokio::sync::Mutex<()>,
    /// When [`KeyRing::refresh_if_older`] last read the store.
    refreshed_on_demand: parking_lot::Mutex<Option<Instant>>,
}

/// How often a running service re-reads the keys from the store, so that a key revoked from the
/// command line stops working within this time.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

impl KeyRing {
    /// Loads every key from the store.
    pub async fn load(store: Arc<dyn Repository>) -> Result<Self, ServiceError> {
        let keys = store
            .keys()
            .await?
            .into_iter()
            .map(|k| (k.id.clone(), k))
            .collect();
        Ok(KeyRing {
            keys: RwLock::new(keys),
            store,
            gate: tokio::sync::Mutex::new(()),
            refreshed_on_demand: parking_lot::Mutex::new(None),
        })
    }

    /// Re-reads every key from the store, taking in keys created or revoked by other processes.
    pub async fn refresh(&self) -> Result<(), ServiceError> {
        // Serialised with create and revoke, so a key written here meanwhile is not dropped.
        let _gate = self.gate.lock().await;
        let keys = self
            .store
            .keys()
            .await?
            .into_iter()
            .map(|k| (k.id.clone(), k))
            .collect();
        *self.keys.write() = keys;
        Ok(())
    }

    /// [`KeyRing::refresh`], unless this was last done less than `age` ago: a flood of unknown
    /// tokens reads the store at most once per `age`. Returns whether it read.
    pub async fn refresh_if_older(&self, age: Duration) -> Result<bool, ServiceError> {
        {
            let mut at = self.refreshed_on_demand.lock();
            if at.is_some_and(|t| t.elapsed() < age) {
                return Ok(false);
            }
            // Claimed before reading, so concurrent misses read the store once.
            *at = Some(Instant::now());
        }
        self.refresh().await.map(|()| true)
    }

    /// Issues a key; returns it and its token, which is not kept anywhere.
    pub async fn create(
        &self,
        req: NewKey,
        actor: &Actor,
    ) -> Result<(ApiKey, String), ServiceError> {
        match (req.role, &req.partner_id) {
            (Role::Partner, None) => {
                return Err(Invalid::new("partner_id", "is required for a partner key").into());
            }
            (r, Some(_)) if r != Role::Partner => {
                return Err(Invalid::new("partner_id", "is only allowed for a partner key").into());
            }
            _ => {}
        }
        if req.expires_at.is_some_and(|e| e <= Utc::now()) {
            return Err(Invalid::new("expires_at", "must be in the future").into());
        }
        let id = random_hex(6);
        let secret = random_hex(32);
        let key = ApiKey {
            id: id.clone(),
            name: req.name,
            role: req.role,
            partner_id: req.partner_id,
            secret_hash: hash(&secret),
            created_at: Utc::now(),
            expires_at: req.expires_at,
            revoked_at: None,
        };
        let _gate = self.gate.lock().await;
        let audit = actor.audit(1, std::iter::once(("key", id.as_str())));
        self.store.apply(&[Op::PutKey(key.clone()), audit]).await?;
        self.keys.write().insert(id.clone(), key.clone());
        Ok((key, format!("{TOKEN_PREFIX}{id}_{secret}")))
    }

    /// Revokes a key; it stops working on the next request.
    pub async fn revoke(&self, id: &str, actor: &Actor) -> Result<ApiKey, ServiceError> {
        let _gate = self.gate.lock().await;
        let mut key = self
            .get(id)
            .ok_or_else(|| ServiceError::NoSuchKey(id.into()))?;
        if key.revoked_at.is_none() {
            key.revoked_at = Some(Utc::now());
            let audit = actor.audit(1, std::iter::once(("key", id)));
            self.store.apply(&[Op::PutKey(key.clone()), audit]).await?;
            self.keys.write().insert(id.to_string(), key.clone());
        }
        Ok(key)
    }

    /// Ids of the keys bound to `partner` that work at `now`, in id order.
    pub fn live_for_partner(&self, partner: &str, now: DateTime<Utc>) -> Vec<String> {
        self.keys
            .read()
            .values()
            .filter(|k| k.partner_id.as_ref().is_some_and(|p| p.as_str() == partner))
            .filter(|k| k.is_live(now))
            .map(|k| k.id.clone())
            .collect()
    }

    /// A key by id.
    pub fn get(&self, id: &str) -> Option<ApiKey> {
        self.keys.read().get(id).cloned()
    }

    /// Every key, in id order.
    pub fn all(&self) -> Vec<ApiKey> {
        self.keys.read().values().cloned().collect()
    }

    /// Keys in id order after `after`, at most `limit`.
    pub fn list(&self, after: Option<&str>, limit: usize) -> Vec<ApiKey> {
        use std::ops::Bound;
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.keys
            .read()
            .range::<str, _>((lower, Bound::Unbounded))
            .take(limit)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// The live key a token belongs to, if any.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<ApiKey> {
        let rest = token.strip_prefix(TOKEN_PREFIX)?;
        let (id, secret) = rest.split_once('_')?;
        let key = self.get(id)?;
        let ok: bool = hash(secret)
            .as_bytes()
            .ct_eq(key.secret_hash.as_bytes())
            .into();
        (ok && key.is_live(now)).then_some(key)
    }
}

/// Compares two secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    // Hash first so the comparison time does not depend on the lengths either.
    hash(a).as_bytes().ct_eq(hash(b).as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
