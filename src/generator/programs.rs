//! The vendor's GTM plays and Ideal Partner Profiles: a fixed catalogue, the same for every seed.

use super::Ndjson;
use crate::domain::{PartnerType, PlayMotion, Region};
use serde::Serialize;
use std::path::Path;

/// A play of the catalogue, as `plays.ndjson` writes it; play runs read the same entries.
#[derive(Serialize)]
pub(crate) struct PlayOut {
    pub id: &'static str,
    name: &'static str,
    pub motion: PlayMotion,
    description: &'static str,
    /// The partner types it suits (all when empty).
    pub partner_types: &'static [PartnerType],
    /// The industries it suits (all when empty).
    pub industries: &'static [&'static str],
    /// The regions it is offered in (all when empty).
    pub regions: &'static [Region],
}

#[derive(Serialize)]
struct IppOut {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    partner_types: &'static [PartnerType],
    industries: &'static [&'static str],
    regions: &'static [Region],
    certifications: &'static [&'static str],
    capabilities: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    min_employees: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_employees: Option<u32>,
}

use PartnerType as T;
use Region as R;

/// The play catalogue.
pub(crate) static PLAYS: &[PlayOut] = &[
    PlayOut {
        id: "PL-01",
        name: "Joint webinar: modern data platform",
        motion: PlayMotion::JointWebinar,
        description: "Co-hosted webinar with a live DataVault demo; leads shared with the partner.",
        partner_types: &[T::Isv, T::Si],
        industries: &["Technology", "Financial Services"],
        regions: &[],
    },
    PlayOut {
        id: "PL-02",
        name: "Healthcare compliance webinar series",
        motion: PlayMotion::JointWebinar,
        description: "Three-part series on compliant data handling for providers and payers.",
        partner_types: &[T::Si, T::Gsi],
        industries: &["Healthcare", "Life Sciences"],
        regions: &[R::Na, R::Emea],
    },
    PlayOut {
        id: "PL-03",
        name: "Marketplace private offer: CloudOps Suite",
        motion: PlayMotion::MarketplacePrivateOffer,
        description: "Partner-priced private offer on the cloud marketplaces, drawing down commits.",
        partner_types: &[T::Isv, T::Msp],
        industries: &[],
        regions: &[],
    },
    PlayOut {
        id: "PL-04",
        name: "Reseller marketplace offer",
        motion: PlayMotion::MarketplacePrivateOffer,
        description: "Private offers transacted by resellers and distributors.",
        partner_types: &[T::Var, T::Distributor],
        industries: &["Retail", "Manufacturing"],
        regions: &[],
    },
    PlayOut {
        id: "PL-05",
        name: "Strategic co-sell account plan",
        motion: PlayMotion::CoSellAccountPlan,
        description: "Joint account plan for top-200 accounts with a named partner executive.",
        partner_types: &[T::Gsi, T::Si],
        industries: &["Financial Services", "Public Sector", "Telecommunications"],
        regions: &[],
    },
    PlayOut {
        id: "PL-06",
        name: "Mid-market co-sell",
        motion: PlayMotion::CoSellAccountPlan,
        description: "Territory-based co-selling with resellers for mid-market accounts.",
        partner_types: &[T::Var, T::Si],
        industries: &["Manufacturing", "Retail", "Logistics"],
        regions: &[R::Na, R::Latam],
    },
    PlayOut {
        id: "PL-07",
        name: "MSP migration offer: legacy backup",
        motion: PlayMotion::MspMigrationOffer,
        description: "Funded migration from legacy backup to DataVault, run as a managed service.",
        partner_types: &[T::Msp],
        industries: &[],
        regions: &[],
    },
    PlayOut {
        id: "PL-08",
        name: "MSP security bundle migration",
        motion: PlayMotion::MspMigrationOffer,
        description: "Sentinel Security plus IdentityHub, migrated and operated by the MSP.",
        partner_types: &[T::Msp, T::Var],
        industries: &["Healthcare", "Education", "Public Sector"],
        regions: &[R::Emea, R::Apac],
    },
    PlayOut {
        id: "PL-09",
        name: "Integration bundle: identity and CRM",
        motion: PlayMotion::IntegrationBundle,
        description: "Certified IdentityHub and Atlas CRM integration sold as one SKU.",
        partner_types: &[T::Isv],
        industries: &["Technology", "Media"],
        regions: &[],
    },
    PlayOut {
        id: "PL-10",
        name: "Manufacturing IoT integration bundle",
        motion: PlayMotion::IntegrationBundle,
        description: "EdgeConnect with the partner's shop-floor integration.",
        partner_types: &[T::Isv, T::Si],
        industries: &["Manufacturing", "Energy"],
        regions: &[R::Emea, R::Apac],
    },
    PlayOut {
        id: "PL-11",
        name: "MDF demand-generation campaign",
        motion: PlayMotion::MdfCampaign,
        description: "Market development funds for digital campaigns, paid on proof of execution.",
        partner_types: &[T::Var, T::Distributor, T::Referral],
        industries: &[],
        regions: &[],
    },
    PlayOut {
        id: "PL-12",
        name: "MDF event sponsorship: public sector",
        motion: PlayMotion::MdfCampaign,
        description: "Funded presence at public-sector events with joint messaging.",
        partner_types: &[T::Si, T::Var],
        industries: &["Public Sector", "Education"],
        regions: &[R::Na, R::Emea],
    },
];

static IPPS: &[IppOut] = &[
    IppOut {
        id: "IPP-01",
        name: "Healthcare SI, EMEA",
        description: "Delivers compliant data projects for providers and life-sciences firms in EMEA.",
        partner_types: &[T::Si, T::Gsi],
        industries: &["Healthcare", "Life Sciences"],
        regions: &[R::Emea],
        certifications: &["Cloud Architect", "Security Practitioner"],
        capabilities: &["industry consulting", "data migration"],
        min_employees: Some(50),
        max_employees: Some(5000),
    },
    IppOut {
        id: "IPP-02",
        name: "Cloud MSP, North America",
        description: "Runs the platform for mid-market customers around the clock.",
        partner_types: &[T::Msp],
        industries: &[],
        regions: &[R::Na],
        certifications: &["Managed Services Operator"],
        capabilities: &["24x7 support", "managed security"],
        min_employees: Some(20),
        max_employees: Some(2000),
    },
    IppOut {
        id: "IPP-03",
        name: "Global SI for strategic accounts",
        description: "Leads multi-year transformations at the largest accounts in every region.",
        partner_types: &[T::Gsi],
        industries: &["Financial Services", "Public Sector", "Telecommunications"],
        regions: &[R::Na, R::Latam, R::Emea, R::Apac],
        certifications: &["Cloud Architect", "Data Platform Specialist"],
        capabilities: &["system integration", "industry consulting"],
        min_employees: Some(10_000),
        max_employees: None,
    },
    IppOut {
        id: "IPP-04",
        name: "Manufacturing VAR, APAC",
        description: "Resells and fulfils to manufacturers and logistics firms in APAC.",
        partner_types: &[T::Var],
        industries: &["Manufacturing", "Logistics"],
        regions: &[R::Apac],
        certifications: &["Sales Professional"],
        capabilities: &["licensing", "logistics and fulfilment"],
        min_employees: Some(10),
        max_employees: Some(1000),
    },
    IppOut {
        id: "IPP-05",
        name: "Integration ISV",
        description: "Builds and sells a certified integration with the platform.",
        partner_types: &[T::Isv],
        industries: &["Technology"],
        regions: &[],
        certifications: &["Integration Developer"],
        capabilities: &["system integration", "custom development"],
        min_employees: None,
        max_employees: None,
    },
    IppOut {
        id: "IPP-06",
        name: "LATAM referral partner",
        description: "Small advisory firm introducing mid-market accounts in Latin America.",
        partner_types: &[T::Referral],
        industries: &[],
        regions: &[R::Latam],
        certifications: &[],
        capabilities: &["industry consulting"],
        min_employees: None,
        max_employees: Some(100),
    },
];

/// Writes the plays; returns how many.
pub(crate) fn write_plays(path: &Path) -> anyhow::Result<usize> {
    let mut f = Ndjson::create(path)?;
    for p in PLAYS {
        f.line(p)?;
    }
    f.finish()
}

/// Writes the IPPs; returns how many.
pub(crate) fn write_ipps(path: &Path) -> anyhow::Result<usize> {
    let mut f = Ndjson::create(path)?;
    for i in IPPS {
        f.line(i)?;
    }
    f.finish()
}
