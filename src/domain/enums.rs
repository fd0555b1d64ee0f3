//! Closed vocabularies. Each is accepted in any letter case (and with `-` for `_`) and written in its
//! canonical spelling.

/// Declares a closed vocabulary with case-insensitive parsing, serde and an OpenAPI schema.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses any letter case; `-` and spaces count as `_`.
            pub fn parse(s: &str) -> Option<Self> {
                let norm: String = s
                    .trim()
                    .chars()
                    .map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() })
                    .collect();
                $(if norm == $text.to_ascii_lowercase() { return Some($name::$variant); })+
                None
            }

            /// The accepted values, for error messages.
            pub fn expected() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::parse(s).ok_or_else(|| format!("unknown value '{}', expected one of: {}", s, $name::expected()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description(Some("Accepted in any letter case."))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

vocabulary! {
    /// How a partner creates value.
    PartnerType {
        /// System integrator.
        Si => "SI",
        /// Global system integrator.
        Gsi => "GSI",
        /// Independent software vendor.
        Isv => "ISV",
        /// Managed service provider.
        Msp => "MSP",
        /// Value-added reseller.
        Var => "VAR",
        /// Distributor.
        Distributor => "DISTRIBUTOR",
        /// Referral or influence partner.
        Referral => "REFERRAL",
    }
}

vocabulary! {
    /// Program level.
    Tier {
        /// Entry level.
        Registered => "registered",
        /// Second level.
        Silver => "silver",
        /// Third level.
        Gold => "gold",
        /// Top level.
        Platinum => "platinum",
    }
}

vocabulary! {
    /// Where a partner is in its lifecycle.
    PartnerStatus {
        /// A company the vendor may recruit, which has not applied.
        Prospect => "prospect",
        /// Applied, not yet accepted.
        Applicant => "applicant",
        /// Accepted, being enabled.
        Onboarding => "onboarding",
        /// Selling.
        Active => "active",
        /// Left the program; history kept.
        Offboarded => "offboarded",
    }
}

vocabulary! {
    /// Sales regions.
    Region {
        /// North America.
        Na => "NA",
        /// Latin America.
        Latam => "LATAM",
        /// Europe, Middle East and Africa.
        Emea => "EMEA",
        /// Asia Pacific.
        Apac => "APAC",
    }
}

vocabulary! {
    /// How a party knows an account: the populations compared in account mapping.
    Population {
        /// Buys today.
        Customer => "customer",
        /// Targeted, not buying.
        Prospect => "prospect",
        /// An open opportunity is in play.
        Opportunity => "opportunity",
    }
}

vocabulary! {
    /// How much of one population a partner shares in account mapping.
    SharingLevel {
        /// Nothing.
        Hidden => "hidden",
        /// Overlap counts only.
        Counts => "counts",
        /// The overlapping records.
        Records => "records",
    }
}

vocabulary! {
    /// A partner's role in a deal.
    PartnerRole {
        /// Brought the opportunity.
        Sourcing => "sourcing",
        /// Helped win it.
        Influencing => "influencing",
        /// Resells or distributes it.
        Transacting => "transacting",
        /// Delivers services.
        Services => "services",
        /// Referred it.
        Referral => "referral",
    }
}

vocabulary! {
    /// Sales stage of a deal.
    DealStage {
        /// Early discovery.
        Prospecting => "prospecting",
        /// Qualified.
        Qualification => "qualification",
        /// Proposal out.
        Proposal => "proposal",
        /// Negotiating terms.
        Negotiation => "negotiation",
        /// Closed and won.
        ClosedWon => "closed_won",
        /// Closed and lost.
        ClosedLost => "closed_lost",
    }
}

vocabulary! {
    /// The result of a deal, derived from its stage.
    DealOutcome {
        /// Still in play.
        Open => "open",
        /// Won.
        Won => "won",
        /// Lost.
        Lost => "lost",
    }
}

impl DealStage {
    /// The outcome this stage implies.
    pub fn outcome(self) -> DealOutcome {
        match self {
            DealStage::ClosedWon => DealOutcome::Won,
            DealStage::ClosedLost => DealOutcome::Lost,
            _ => DealOutcome::Open,
        }
    }
}

vocabulary! {
    /// What kind of interaction a touchpoint was.
    TouchpointKind {
        /// Referred the account.
        Referral => "referral",
        /// Made an introduction.
        Intro => "intro",
        /// Ran a demo.
        Demo => "demo",
        /// Technical validation or proof of concept.
        TechnicalValidation => "technical_validation",
        /// Co-marketing event.
        CoMarketingEvent => "co_marketing_event",
        /// MDF-funded campaign.
        MdfCampaign => "mdf_campaign",
        /// Services delivery.
        ServicesDelivery => "services_delivery",
    }
}

vocabulary! {
    /// The go-to-market motion a play packages.
    PlayMotion {
        /// Joint webinar.
        JointWebinar => "joint_webinar",
        /// Marketplace private offer.
        MarketplacePrivateOffer => "marketplace_private_offer",
        /// Co-sell account plan.
        CoSellAccountPlan => "co_sell_account_plan",
        /// MSP migration offer.
        MspMigrationOffer => "msp_migration_offer",
        /// Integration bundle.
        IntegrationBundle => "integration_bundle",
        /// MDF campaign.
        MdfCampaign => "mdf_campaign",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_types_parse_in_any_case() {
        assert_eq!(PartnerType::parse("si"), Some(PartnerType::Si));
        assert_eq!(
            PartnerType::parse("Distributor"),
            Some(PartnerType::Distributor)
        );
        assert_eq!(PartnerType::parse("reseller"), None);
        let t: PartnerType = serde_json::from_str("\"gsi\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"GSI\"");
    }

    #[test]
    fn unknown_values_name_the_accepted_ones() {
        let err = serde_json::from_str::<Tier>("\"diamond\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("registered, silver, gold, platinum"), "{err}");
    }

    #[test]
    fn dashes_count_as_underscores() {
        assert_eq!(DealStage::parse("closed-won"), Some(DealStage::ClosedWon));
        assert_eq!(DealStage::ClosedWon.outcome(), DealOutcome::Won);
    }
}

vocabulary! {
    /// A criterion of an Ideal Partner Profile.
    IppCriterion {
        /// The partner's type is one the profile names.
        PartnerType => "partner_type",
        /// It serves the profile's industries.
        Industries => "industries",
        /// It sells in the profile's regions.
        Regions => "regions",
        /// It holds the profile's certifications (unexpired).
        Certifications => "certifications",
        /// Its head count is within the profile's band.
        Size => "size",
        /// It has the profile's capabilities.
        Capabilities => "capabilities",
        /// It lists the vendor's target accounts as its customers.
        CustomerOverlap => "customer_overlap",
    }
}
