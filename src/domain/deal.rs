//! Deals (opportunities) with their partner participants.

use super::{
    Amount, Currency, DealOutcome, DealStage, Id, Invalid, PartnerRole, clean_list, clean_opt,
    plausible_date, plausible_time,
};
use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most partners one deal may carry.
pub const MAX_PARTICIPANTS: usize = 32;

/// A partner's participation as the client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    /// The participating partner.
    pub partner_id: String,
    /// Its role in the deal.
    pub role: PartnerRole,
    /// When it registered the deal, if it did.
    #[serde(default)]
    pub registered_at: Option<DateTime<Utc>>,
}

/// A partner's participation in a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Participant {
    /// The participating partner.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// Its role in the deal.
    pub role: PartnerRole,
    /// When it registered the deal.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub registered_at: Option<DateTime<Utc>>,
}

/// A deal as the client sends it (`PUT /v1/deals/{id}`); the whole record is replaced.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealInput {
    /// The account the deal is for.
    pub account_id: String,
    /// Opportunity name.
    #[serde(default)]
    pub name: Option<String>,
    /// Deal value.
    pub amount: f64,
    /// ISO 4217 currency; USD when absent.
    #[serde(default)]
    pub currency: Option<String>,
    /// Sales stage.
    pub stage: DealStage,
    /// Vendor products in the deal.
    #[serde(default)]
    pub products: Vec<String>,
    /// When the opportunity was created.
    pub created_on: NaiveDate,
    /// Expected or actual close date.
    #[serde(default)]
    pub close_date: Option<NaiveDate>,
    /// The vendor's direct-sales owner.
    #[serde(default)]
    pub direct_owner: Option<String>,
    /// Partners in the deal with their roles.
    #[serde(default)]
    pub partners: Vec<ParticipantInput>,
}

/// An opportunity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Deal {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// The account the deal is for.
    #[schema(value_type = String)]
    pub account_id: Id,
    /// Opportunity name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub name: Option<Box<str>>,
    /// Deal value.
    #[schema(value_type = f64)]
    pub amount: Amount,
    /// ISO 4217 currency.
    #[schema(value_type = String)]
    pub currency: Currency,
    /// Sales stage.
    pub stage: DealStage,
    /// Vendor products in the deal.
    #[schema(value_type = Vec<String>)]
    pub products: Box<[CompactString]>,
    /// When the opportunity was created.
    pub created_on: NaiveDate,
    /// Expected or actual close date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub close_date: Option<NaiveDate>,
    /// The vendor's direct-sales owner.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub direct_owner: Option<CompactString>,
    /// Partners in the deal with their roles.
    #[schema(value_type = Vec<Participant>)]
    pub partners: Box<[Participant]>,
}

impl Deal {
    /// Builds a deal from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: DealInput) -> Result<Self, Invalid> {
        plausible_date("created_on", input.created_on)?;
        input
            .close_date
            .map(|d| plausible_date("close_date", d))
            .transpose()?;
        if let Some(close) = input.close_date
            && close < input.created_on
        {
            return Err(Invalid::new("close_date", "must not be before created_on"));
        }
        if input.partners.len() > MAX_PARTICIPANTS {
            return Err(Invalid::new(
                "partners",
                format!("at most {MAX_PARTICIPANTS} partners per deal"),
            ));
        }
        let mut partners: Vec<Participant> = Vec::with_capacity(input.partners.len());
        for (i, p) in input.partners.into_iter().enumerate() {
            let partner_id = Id::parse(&format!("partners[{i}].partner_id"), &p.partner_id)?;
            if partners
                .iter()
                .any(|q| q.partner_id == partner_id && q.role == p.role)
            {
                return Err(Invalid::new(
                    format!("partners[{i}]"),
                    format!("partner {partner_id} already has the role {}", p.role),
                ));
            }
            partners.push(Participant {
                partner_id,
                role: p.role,
                registered_at: p
                    .registered_at
                    .map(|t| plausible_time(&format!("partners[{i}].registered_at"), t))
                    .transpose()?,
            });
        }
        Ok(Deal {
            id,
            account_id: Id::parse("account_id", &input.account_id)?,
            name: clean_opt("name", input.name, 300)?.map(String::into_boxed_str),
            amount: Amount::parse("amount", input.amount)?,
            currency: match input.currency {
                Some(c) => Currency::parse("currency", &c)?,
                None => Currency::USD,
            },
            stage: input.stage,
            products: clean_list("products", input.products)?
                .into_iter()
                .map(CompactString::from)
                .collect(),
            created_on: input.created_on,
            close_date: input.close_date,
            direct_owner: clean_opt("direct_owner", input.direct_owner, 200)?
                .map(CompactString::from),
            partners: partners.into_boxed_slice(),
        })
    }

    /// Open, won or lost.
    pub fn outcome(&self) -> DealOutcome {
        self.stage.outcome()
    }
}
