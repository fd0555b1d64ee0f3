//! Partner account records: the rows of a partner's CRM export, each linked to one account.

use super::{Id, Invalid, Name, Population, clean_opt};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The columns of a partner account-list CSV, in the order exports are written. Only `id`, `name`
/// and (unless given per upload) `relation` are required; `account_id` is optional and last.
pub const RECORD_CSV_COLUMNS: [&str; 14] = [
    "id",
    "relation",
    "name",
    "domain",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "region",
    "postal_code",
    "country",
    "industry",
    "account_id",
];

/// One row of a partner's account list, as uploaded (CSV columns or NDJSON fields).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerRecordInput {
    /// The partner's own id for the row.
    pub id: String,
    /// How the partner knows the company.
    pub relation: Population,
    /// Company name as the partner spells it.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// Web domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Website URL.
    #[serde(default)]
    pub website: Option<String>,
    /// A contact e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State or region.
    #[serde(default)]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Country, as written.
    #[serde(default)]
    pub country: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// The account it is, when the partner already knows (skips resolution).
    #[serde(default)]
    pub account_id: Option<String>,
}

/// A partner's record of a company, linked to the account it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PartnerRecord {
    /// The partner's own id for the row.
    #[schema(value_type = String)]
    pub id: Id,
    /// The partner whose record it is.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// The account it resolved to.
    #[schema(value_type = String)]
    pub account_id: Id,
    /// How the partner knows the company.
    pub relation: Population,
    /// Company name as the partner spells it.
    #[schema(value_type = String)]
    pub name: Name,
    /// Web domain as given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub domain: Option<String>,
    /// Website URL as given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub website: Option<String>,
    /// Contact e-mail as given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub email: Option<String>,
    /// Phone as given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phone: Option<String>,
    /// Street address.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub city: Option<String>,
    /// State or region.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub postal_code: Option<String>,
    /// Country as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// Industry.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub industry: Option<String>,
}

impl PartnerRecord {
    /// Builds a record from its input; the account it links to is decided by resolution.
    pub fn from_input(
        partner_id: Id,
        account_id: Id,
        input: PartnerRecordInput,
    ) -> Result<Self, Invalid> {
        Ok(PartnerRecord {
            id: Id::parse("id", &input.id)?,
            partner_id,
            account_id,
            relation: input.relation,
            name: Name::parse("name", &input.name)?,
            domain: clean_opt("domain", input.domain, 2048)?,
            website: clean_opt("website", input.website, 2048)?,
            email: clean_opt("email", input.email, 320)?,
            phone: clean_opt("phone", input.phone, 64)?,
            address: clean_opt("address", input.address, 500)?,
            city: clean_opt("city", input.city, 200)?,
            region: clean_opt("region", input.region, 200)?,
            postal_code: clean_opt("postal_code", input.postal_code, 32)?,
            country: clean_opt("country", input.country, 100)?,
            industry: clean_opt("industry", input.industry, 200)?,
        })
    }
}
