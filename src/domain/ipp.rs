//! Ideal Partner Profiles: what a partner that succeeds in a role looks like.

use super::{Id, Invalid, Name, PartnerType, Region, clean_list, clean_opt, head_count};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An IPP as the client sends it (`PUT /v1/ipps/{id}`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IppInput {
    /// Profile name, e.g. "Healthcare SI, EMEA".
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// What the role is.
    #[serde(default)]
    pub description: Option<String>,
    /// Partner types that fit.
    #[serde(default)]
    pub partner_types: Vec<PartnerType>,
    /// Industries that fit.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Regions that fit.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// Certifications a fitting partner holds.
    #[serde(default)]
    pub certifications: Vec<String>,
    /// Capabilities a fitting partner has.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Smallest fitting head count.
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(maximum = 10_000_000)]
    pub min_employees: Option<u32>,
    /// Largest fitting head count.
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(maximum = 10_000_000)]
    pub max_employees: Option<u32>,
}

/// An Ideal Partner Profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ipp {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// Profile name.
    #[schema(value_type = String)]
    pub name: Name,
    /// What the role is.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// Partner types that fit.
    pub partner_types: Vec<PartnerType>,
    /// Industries that fit.
    pub industries: Vec<String>,
    /// Regions that fit.
    pub regions: Vec<Region>,
    /// Certifications a fitting partner holds.
    pub certifications: Vec<String>,
    /// Capabilities a fitting partner has.
    pub capabilities: Vec<String>,
    /// Smallest fitting head count.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub min_employees: Option<u32>,
    /// Largest fitting head count.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max_employees: Option<u32>,
}

impl Ipp {
    /// Builds an IPP from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: IppInput) -> Result<Self, Invalid> {
        if let (Some(lo), Some(hi)) = (input.min_employees, input.max_employees)
            && lo > hi
        {
            return Err(Invalid::new(
                "max_employees",
                "must not be below min_employees",
            ));
        }
        let mut partner_types = input.partner_types;
        partner_types.sort();
        partner_types.dedup();
        let mut regions = input.regions;
        regions.sort();
        regions.dedup();
        Ok(Ipp {
            id,
            name: Name::parse("name", &input.name)?,
            description: clean_opt("description", input.description, 4000)?,
            partner_types,
            industries: clean_list("industries", input.industries)?,
            regions,
            certifications: clean_list("certifications", input.certifications)?,
            capabilities: clean_list("capabilities", input.capabilities)?,
            min_employees: head_count("min_employees", input.min_employees)?,
            max_employees: head_count("max_employees", input.max_employees)?,
        })
    }
}
