//! Partners, applicants and prospects.

use super::{
    Amount, CountryCode, DomainName, Id, Invalid, Name, PartnerStatus, PartnerType, Region,
    SharingLevel, Tier, clean_list, clean_opt, head_count, plausible_date,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A certification a partner holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    /// Certification name, e.g. "Cloud Architect".
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// When it was earned.
    pub earned_on: NaiveDate,
    /// When it lapses, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
}

/// What a partner shares in account mapping, per population of its own list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sharing {
    /// Its customers.
    pub customers: SharingLevel,
    /// Its prospects.
    pub prospects: SharingLevel,
    /// Its open opportunities.
    pub opportunities: SharingLevel,
}

impl Default for Sharing {
    fn default() -> Self {
        Sharing {
            customers: SharingLevel::Counts,
            prospects: SharingLevel::Counts,
            opportunities: SharingLevel::Counts,
        }
    }
}

/// A partner as the client sends it (`PUT /v1/partners/{id}`); the whole record is replaced.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// Legal or trading name.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// Partner type.
    #[serde(rename = "type")]
    pub partner_type: PartnerType,
    /// Program tier; `registered` when absent.
    #[serde(default)]
    pub tier: Option<Tier>,
    /// Lifecycle status; `active` when absent.
    #[serde(default)]
    pub status: Option<PartnerStatus>,
    /// Regions it sells in.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// Industries it serves.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Certifications with their dates.
    #[serde(default)]
    pub certifications: Vec<Certification>,
    /// Capabilities, e.g. "data migration".
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Vendor products it is authorised to sell.
    #[serde(default)]
    pub products: Vec<String>,
    /// Head count.
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(maximum = 10_000_000)]
    pub employees: Option<u32>,
    /// Web domain or URL.
    #[serde(default)]
    pub domain: Option<String>,
    /// Headquarters country (ISO 3166 alpha-2).
    #[serde(default)]
    pub country: Option<String>,
    /// When it joined the program.
    #[serde(default)]
    pub joined_on: Option<NaiveDate>,
    /// What the program spends on it per year, in the reporting currency.
    #[serde(default)]
    pub annual_program_cost: Option<f64>,
    /// Account-mapping sharing settings; counts only when absent.
    #[serde(default)]
    pub sharing: Option<Sharing>,
}

/// A partner, applicant or prospect in the ecosystem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Partner {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// Legal or trading name.
    #[schema(value_type = String)]
    pub name: Name,
    /// Partner type.
    #[serde(rename = "type")]
    pub partner_type: PartnerType,
    /// Program tier.
    pub tier: Tier,
    /// Lifecycle status.
    pub status: PartnerStatus,
    /// Regions it sells in.
    pub regions: Vec<Region>,
    /// Industries it serves.
    pub industries: Vec<String>,
    /// Certifications with their dates.
    pub certifications: Vec<Certification>,
    /// Capabilities.
    pub capabilities: Vec<String>,
    /// Vendor products it is authorised to sell.
    pub products: Vec<String>,
    /// Head count.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub employees: Option<u32>,
    /// Web domain.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub domain: Option<DomainName>,
    /// Headquarters country.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub country: Option<CountryCode>,
    /// When it joined the program.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub joined_on: Option<NaiveDate>,
    /// Yearly program spend on it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<f64>)]
    pub annual_program_cost: Option<Amount>,
    /// Account-mapping sharing settings.
    pub sharing: Sharing,
    /// When it was offboarded, if it was.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub offboarded_at: Option<DateTime<Utc>>,
}

impl Partner {
    /// Builds a partner from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: PartnerInput) -> Result<Self, Invalid> {
        let mut certifications = input.certifications;
        for (i, c) in certifications.iter_mut().enumerate() {
            let field = format!("certifications[{i}]");
            c.name = Name::parse(&format!("{field}.name"), &c.name)?.into();
            plausible_date(&format!("{field}.earned_on"), c.earned_on)?;
            c.expires_on
                .map(|d| plausible_date(&format!("{field}.expires_on"), d))
                .transpose()?;
            if let Some(exp) = c.expires_on
                && exp < c.earned_on
            {
                return Err(Invalid::new(
                    format!("{field}.expires_on"),
                    "must not be before earned_on",
                ));
            }
        }
        let status = input.status.unwrap_or(PartnerStatus::Active);
        let mut regions = input.regions;
        regions.sort();
        regions.dedup();
        Ok(Partner {
            id,
            name: Name::parse("name", &input.name)?,
            partner_type: input.partner_type,
            tier: input.tier.unwrap_or(Tier::Registered),
            status,
            regions,
            industries: clean_list("industries", input.industries)?,
            certifications,
            capabilities: clean_list("capabilities", input.capabilities)?,
            products: clean_list("products", input.products)?,
            employees: head_count("employees", input.employees)?,
            domain: clean_opt("domain", input.domain, 2048)?
                .map(|d| DomainName::parse("domain", &d))
                .transpose()?,
            country: clean_opt("country", input.country, 2)?
                .map(|c| CountryCode::parse("country", &c))
                .transpose()?,
            joined_on: input
                .joined_on
                .map(|d| plausible_date("joined_on", d))
                .transpose()?,
            annual_program_cost: input
                .annual_program_cost
                .map(|v| Amount::parse("annual_program_cost", v))
                .transpose()?,
            sharing: input.sharing.unwrap_or_default(),
            offboarded_at: None,
        })
    }
}
