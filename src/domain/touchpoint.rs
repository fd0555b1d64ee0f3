//! Touchpoints: one partner interaction with an account (and optionally a deal) at a time.

use super::{Id, Invalid, TouchpointKind, clean_opt, plausible_time};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A touchpoint as the client sends it (`PUT /v1/touchpoints/{id}`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TouchpointInput {
    /// The partner that made it.
    pub partner_id: String,
    /// The account it concerned.
    pub account_id: String,
    /// The deal it concerned, if any; must be a deal of the same account.
    #[serde(default)]
    pub deal_id: Option<String>,
    /// What kind of interaction.
    pub kind: TouchpointKind,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A partner interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Touchpoint {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// The partner that made it.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// The account it concerned.
    #[schema(value_type = String)]
    pub account_id: Id,
    /// The deal it concerned.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub deal_id: Option<Id>,
    /// What kind of interaction.
    pub kind: TouchpointKind,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Free-text notes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Box<str>>,
}

impl Touchpoint {
    /// Builds a touchpoint from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: TouchpointInput) -> Result<Self, Invalid> {
        Ok(Touchpoint {
            id,
            partner_id: Id::parse("partner_id", &input.partner_id)?,
            account_id: Id::parse("account_id", &input.account_id)?,
            deal_id: input
                .deal_id
                .map(|d| Id::parse("deal_id", &d))
                .transpose()?,
            kind: input.kind,
            occurred_at: plausible_time("occurred_at", input.occurred_at)?,
            notes: clean_opt("notes", input.notes, 4000)?.map(String::into_boxed_str),
        })
    }
}
