//! Stable cursor pagination: items in id order, the cursor is the last id returned.

use super::error::{ApiError, Code};
use serde::Serialize;
use utoipa::ToSchema;

/// Items returned when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit` accepted.
pub const MAX_LIMIT: usize = 1000;

/// One page of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items, in id order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Checks a requested page size.
pub fn limit(requested: Option<usize>) -> Result<usize, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::new(
            Code::InvalidQuery,
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )
        .field("limit")),
    }
}

/// Takes up to `limit` items from an iterator already positioned after the cursor.
pub fn take<T, I: Iterator<Item = T>>(
    mut it: I,
    limit: usize,
    id_of: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let items: Vec<T> = it.by_ref().take(limit).collect();
    let next = if items.len() == limit && it.next().is_some() {
        items.last().map(&id_of)
    } else {
        None
    };
    (items, next)
}
