//! GTM plays: pre-packaged go-to-market motions.

use super::{Id, Invalid, Name, PartnerType, PlayMotion, Region, clean_list, clean_opt};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A play as the client sends it (`PUT /v1/plays/{id}`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlayInput {
    /// Play name.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// The motion it packages.
    pub motion: PlayMotion,
    /// What it is and how to run it.
    #[serde(default)]
    pub description: Option<String>,
    /// Partner types it suits.
    #[serde(default)]
    pub partner_types: Vec<PartnerType>,
    /// Industries it suits.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Regions it is offered in; all when empty.
    #[serde(default)]
    pub regions: Vec<Region>,
}

/// A go-to-market play.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Play {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// Play name.
    #[schema(value_type = String)]
    pub name: Name,
    /// The motion it packages.
    pub motion: PlayMotion,
    /// What it is and how to run it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// Partner types it suits.
    pub partner_types: Vec<PartnerType>,
    /// Industries it suits.
    pub industries: Vec<String>,
    /// Regions it is offered in.
    pub regions: Vec<Region>,
}

impl Play {
    /// Builds a play from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: PlayInput) -> Result<Self, Invalid> {
        let mut partner_types = input.partner_types;
        partner_types.sort();
        partner_types.dedup();
        let mut regions = input.regions;
        regions.sort();
        regions.dedup();
        Ok(Play {
            id,
            name: Name::parse("name", &input.name)?,
            motion: input.motion,
            description: clean_opt("description", input.description, 4000)?,
            partner_types,
            industries: clean_list("industries", input.industries)?,
            regions,
        })
    }
}
