//! Stable cursor pagination: items in id order; the cursor names what the listing lists and the last
//! id returned (`partner:P-00100`), so text no listing returned is refused rather than read as a
//! position past the end.

use super::error::{ApiError, ApiResult, Code};
use crate::domain::Id;
use crate::graph::EcoGraph;
use crate::service::Ecosystem;
use actix_web::HttpResponse;
use actix_web::web::Data;
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

/// Reads a `limit` query parameter: any text that is not a whole number from 1 to `MAX_LIMIT` is
/// refused with the bounds, including numbers too large for any integer type.
pub fn page_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    match raw.parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Some(n)),
        _ => Err(serde::de::Error::custom(format!(
            "must be a whole number from 1 to {MAX_LIMIT}, got '{raw}'"
        ))),
    }
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

/// Runs a read that may walk much of the graph on the blocking pool, off the async workers.
/// `f` returns the JSON response body.
pub async fn blocking_read(
    eco: &Data<Ecosystem>,
    f: impl FnOnce(&EcoGraph) -> ApiResult<Vec<u8>> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let eco = eco.clone();
    let body = actix_web::web::block(move || eco.read(f))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

/// Serialises a response body.
pub fn json<T: Serialize>(value: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| ApiError::internal(&e))
}

/// The cursor that resumes a listing of `tag`s after the item with this id.
pub fn cursor_of(tag: &str, id: &str) -> String {
    format!("{tag}:{id}")
}

/// The id a cursor of a listing of `tag`s resumes after; a cursor this listing cannot have returned
/// is refused, naming `cursor`.
pub fn cursor_after<'a>(tag: &str, cursor: Option<&'a str>) -> ApiResult<Option<&'a str>> {
    let Some(c) = cursor else { return Ok(None) };
    c.strip_prefix(tag)
        .and_then(|rest| rest.strip_prefix(':'))
        .filter(|id| Id::parse("cursor", id).is_ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                Code::InvalidQuery,
                format!(
                    "cursor '{c}' is not one this listing returned; pass the `next_cursor` of the previous page"
                ),
            )
            .field("cursor")
        })
}

/// Pages a list of `tag`s already in id order: items after the cursor, up to the limit.
pub fn page_sorted<T>(
    tag: &str,
    items: Vec<T>,
    cursor: Option<&str>,
    n: usize,
    id: fn(&T) -> &Id,
) -> ApiResult<Page<T>> {
    let after = cursor_after(tag, cursor)?;
    let start = after.map_or(0, |c| items.partition_point(|t| id(t).as_str() <= c));
    let (items, next_cursor) = take(items.into_iter().skip(start), n, |t| {
        cursor_of(tag, id(t).as_str())
    });
    Ok(Page { items, next_cursor })
}
