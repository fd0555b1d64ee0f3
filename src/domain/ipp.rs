//! Ideal Partner Profiles: what a partner that succeeds in a role looks like.

use super::{
    Id, Invalid, IppCriterion, Name, PartnerType, Region, clean_list, clean_opt, head_count,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many of the vendor's target accounts a partner must list as customers for the overlap
/// criterion to count fully, when the profile does not say.
pub const DEFAULT_TARGET_CUSTOMERS: u32 = 10;
/// The fit score below which an applicant is flagged, when the profile does not say.
pub const DEFAULT_MIN_SCORE: f64 = 50.0;

/// How much each criterion counts in the fit score, from 0 (ignored) to 10; 1 when absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IppWeights {
    /// Partner type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub partner_type: Option<f64>,
    /// Industries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub industries: Option<f64>,
    /// Regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub regions: Option<f64>,
    /// Certifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub certifications: Option<f64>,
    /// Head-count band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub size: Option<f64>,
    /// Capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub capabilities: Option<f64>,
    /// Customer overlap with the vendor's target accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10)]
    pub customer_overlap: Option<f64>,
}

impl IppWeights {
    /// The weight of a criterion (1 when not set).
    pub fn of(&self, c: IppCriterion) -> f64 {
        match c {
            IppCriterion::PartnerType => self.partner_type,
            IppCriterion::Industries => self.industries,
            IppCriterion::Regions => self.regions,
            IppCriterion::Certifications => self.certifications,
            IppCriterion::Size => self.size,
            IppCriterion::Capabilities => self.capabilities,
            IppCriterion::CustomerOverlap => self.customer_overlap,
        }
        .unwrap_or(1.0)
    }

    fn check(&self) -> Result<(), Invalid> {
        for c in IppCriterion::ALL {
            let w = self.of(*c);
            if !w.is_finite() || !(0.0..=10.0).contains(&w) {
                return Err(Invalid::new(
                    format!("weights.{c}"),
                    "must be a number from 0 to 10",
                ));
            }
        }
        Ok(())
    }
}

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
    /// How much each criterion counts; every one 1 when absent.
    #[serde(default, deserialize_with = "weights_object")]
    pub weights: Option<IppWeights>,
    /// Criteria a partner must meet whatever its score (hard requirements).
    #[serde(default)]
    pub required: Vec<IppCriterion>,
    /// Target accounts a partner must list as customers for the overlap criterion to count fully
    /// (10 when absent).
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub target_customers: Option<u32>,
    /// Fit score (0-100) below which an applicant is flagged at application (50 when absent).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub min_score: Option<f64>,
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
    /// How much each criterion counts.
    #[serde(default)]
    pub weights: IppWeights,
    /// Hard requirements.
    #[serde(default)]
    pub required: Vec<IppCriterion>,
    /// Target accounts listed as customers for the overlap criterion to count fully.
    #[serde(default = "default_target_customers")]
    pub target_customers: u32,
    /// Fit score below which an applicant is flagged.
    #[serde(default = "default_min_score")]
    pub min_score: f64,
}

/// Reads `weights` only from a JSON object (serde would also take a struct from an array).
fn weights_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<IppWeights>, D::Error> {
    use serde::de::Error;
    let map: Option<serde_json::Map<String, serde_json::Value>> = Option::deserialize(d)?;
    map.map(|m| serde_json::from_value(serde_json::Value::Object(m)).map_err(D::Error::custom))
        .transpose()
}

fn default_target_customers() -> u32 {
    DEFAULT_TARGET_CUSTOMERS
}

fn default_min_score() -> f64 {
    DEFAULT_MIN_SCORE
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
        let weights = input.weights.unwrap_or_default();
        weights.check()?;
        let mut required = input.required;
        required.sort();
        required.dedup();
        let target_customers = input.target_customers.unwrap_or(DEFAULT_TARGET_CUSTOMERS);
        if !(1..=1_000_000).contains(&target_customers) {
            return Err(Invalid::new(
                "target_customers",
                "must be from 1 to 1000000",
            ));
        }
        let min_score = input.min_score.unwrap_or(DEFAULT_MIN_SCORE);
        if !min_score.is_finite() || !(0.0..=100.0).contains(&min_score) {
            return Err(Invalid::new("min_score", "must be a number from 0 to 100"));
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
            weights,
            required,
            target_customers,
            min_score,
        })
    }
}
