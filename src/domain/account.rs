//! Accounts: one per real company.

use super::{
    Amount, CountryCode, DomainName, Id, Invalid, Name, Population, Region, clean_opt, head_count,
};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who owns an account on the vendor's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AccountOwner {
    /// The vendor's direct sales team, optionally a named rep.
    Direct {
        /// The rep who owns it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep: Option<String>,
    },
    /// A partner owns the relationship.
    Partner {
        /// The owning partner.
        #[schema(value_type = String)]
        partner_id: Id,
    },
}

/// An account as the client sends it (`PUT /v1/accounts/{id}`); the whole record is replaced.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// Company name.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000]*[\p{L}\p{N}][^\u0000]*$"
    )]
    pub name: String,
    /// Web domain or URL.
    #[serde(default)]
    pub domain: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// Country (ISO 3166 alpha-2).
    #[serde(default)]
    pub country: Option<String>,
    /// Sales region.
    #[serde(default)]
    pub region: Option<Region>,
    /// Head count.
    #[serde(default, deserialize_with = "super::whole_number")]
    #[schema(maximum = 10_000_000)]
    pub employees: Option<u32>,
    /// Yearly revenue in the reporting currency.
    #[serde(default)]
    pub annual_revenue: Option<f64>,
    /// Owner: direct sales or a partner.
    #[serde(default)]
    pub owner: Option<AccountOwner>,
    /// The vendor's own relationship with the account, if any.
    #[serde(default)]
    pub vendor_relation: Option<Population>,
}

/// A company in the ecosystem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// Company name.
    #[schema(value_type = String)]
    pub name: Name,
    /// Web domain.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub domain: Option<DomainName>,
    /// Industry.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub industry: Option<CompactString>,
    /// Country.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub country: Option<CountryCode>,
    /// Sales region.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<Region>,
    /// Head count.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub employees: Option<u32>,
    /// Yearly revenue.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<f64>)]
    pub annual_revenue: Option<Amount>,
    /// Owner: direct sales or a partner.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub owner: Option<AccountOwner>,
    /// The vendor's own relationship with the account.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub vendor_relation: Option<Population>,
}

impl Account {
    /// Builds an account from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: AccountInput) -> Result<Self, Invalid> {
        let owner = match input.owner {
            Some(AccountOwner::Direct { rep }) => Some(AccountOwner::Direct {
                rep: clean_opt("owner.rep", rep, 200)?,
            }),
            other => other,
        };
        Ok(Account {
            id,
            name: Name::parse("name", &input.name)?,
            domain: clean_opt("domain", input.domain, 2048)?
                .map(|d| DomainName::parse("domain", &d))
                .transpose()?,
            industry: clean_opt("industry", input.industry, 200)?.map(CompactString::from),
            country: clean_opt("country", input.country, 2)?
                .map(|c| CountryCode::parse("country", &c))
                .transpose()?,
            region: input.region,
            employees: head_count("employees", input.employees)?,
            annual_revenue: input
                .annual_revenue
                .map(|v| Amount::parse("annual_revenue", v))
                .transpose()?,
            owner,
            vendor_relation: input.vendor_relation,
        })
    }

    /// The partner that owns the account, if a partner does.
    pub fn owner_partner(&self) -> Option<&Id> {
        match &self.owner {
            Some(AccountOwner::Partner { partner_id }) => Some(partner_id),
            _ => None,
        }
    }
}
