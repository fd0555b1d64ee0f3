//! The hidden world: every company, every partner with its hidden factors, and which companies each
//! partner lists. Everything written to disk is a view of this world.

use super::catalog::{
    CAPABILITIES, CERTIFICATIONS, COUNTRIES, FIRST_NAMES, INDUSTRIES, PRODUCTS, SURNAMES,
    typical_capabilities, typical_certifications,
};
use super::names::{CompanyName, NameBook, domain, hash_str};
use super::sample::{Stream, lognormal, normal, pick, rng_for, skewed, weighted};
use super::{GenConfig, Progress};
use crate::domain::{
    Certification, PartnerStatus, PartnerType, Population, Region, Sharing, SharingLevel, Tier,
};
use chrono::{Days, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::collections::HashSet;

/// Marks an absent index (no rep, no owning partner).
pub(crate) const NIL: u32 = u32::MAX;

/// Position of a region in `Region::ALL`.
pub(crate) fn region_ix(r: Region) -> usize {
    Region::ALL.iter().position(|x| *x == r).unwrap_or(0)
}

/// Position of a partner type in `PartnerType::ALL`.
pub(crate) fn type_ix(t: PartnerType) -> usize {
    PartnerType::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// Whether a partner with `status` is outside the program (an applicant or a prospect).
pub(crate) fn outside_program(status: PartnerStatus) -> bool {
    matches!(status, PartnerStatus::Applicant | PartnerStatus::Prospect)
}

/// A real company: one of the vendor's accounts or a company only partners know.
#[derive(Debug)]
pub(crate) struct Company {
    /// Its name in parts.
    pub name: CompanyName,
    /// Its web domain, if it has one.
    pub domain: Option<Box<str>>,
    /// Headquarters (index into `COUNTRIES`).
    pub country: u8,
    /// Industry (index into `INDUSTRIES`).
    pub industry: u8,
    /// Head count.
    pub employees: u32,
    /// Yearly revenue in USD.
    pub revenue: f64,
}

impl Company {
    /// Its sales region.
    pub fn region(&self) -> Region {
        COUNTRIES[self.country as usize].region
    }

    /// Whether it is an enterprise: these buy bigger, slower, with more partners.
    pub fn enterprise(&self) -> bool {
        self.employees >= 5000
    }
}

/// The vendor's side of an account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VendorSide {
    /// The vendor's own relationship, if any.
    pub relation: Option<Population>,
    /// The region's sales rep covering it (index into the region's reps).
    pub rep: u32,
    /// Whether the rep is the recorded owner.
    pub direct_owned: bool,
    /// The partner that owns the account, or [`NIL`].
    pub owner_partner: u32,
}

/// A partner (or applicant, or prospect) with the hidden factors that drive its results.
#[derive(Debug)]
pub(crate) struct PartnerGen {
    /// Its id, `P-00017`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its type.
    pub ptype: PartnerType,
    /// Program tier.
    pub tier: Tier,
    /// Lifecycle status.
    pub status: PartnerStatus,
    /// Headquarters (index into `COUNTRIES`).
    pub country: u8,
    /// Regions it sells in, sorted, headquarters region included.
    pub regions: Vec<Region>,
    /// Industries it serves (indices into `INDUSTRIES`).
    pub industries: Vec<u8>,
    /// Authorised products (bit i = `PRODUCTS[i]`).
    pub products: u8,
    /// Head count.
    pub employees: u32,
    /// Web domain.
    pub domain: Option<Box<str>>,
    /// When it joined the program (applicants and prospects have not).
    pub joined_on: Option<NaiveDate>,
    /// When it left (hidden: the input carries only the status).
    pub offboarded_on: Option<NaiveDate>,
    /// Certifications over time.
    pub certifications: Vec<Certification>,
    /// Capabilities.
    pub capabilities: Vec<&'static str>,
    /// Yearly program spend, USD.
    pub annual_program_cost: Option<f64>,
    /// Account-mapping sharing.
    pub sharing: Sharing,
    /// Hidden: how good it is at winning (0..1); drives deals, win rates and play success.
    pub quality: f64,
    /// Hidden: how strictly it sticks to its industries when prospecting (0..1).
    pub focus: f64,
    /// Hidden: how readily it registers deals others are working (0..1); drives duplicate disputes.
    pub aggressiveness: f64,
    /// How many rows its account list has.
    pub target_records: u32,
}

impl PartnerGen {
    /// Whether it is outside the program: an applicant, or a prospect the vendor may recruit.
    /// Neither takes part in deals, touchpoints, registrations or play runs.
    pub fn candidate(&self) -> bool {
        outside_program(self.status)
    }

    /// Whether it can take part in a deal on `day`.
    pub fn eligible(&self, day: NaiveDate) -> bool {
        !self.candidate()
            && self.joined_on.is_some_and(|j| j <= day)
            && self.offboarded_on.is_none_or(|o| day < o)
    }

    /// Whether it sells in `r`.
    pub fn serves(&self, r: Region) -> bool {
        self.regions.contains(&r)
    }

    /// Whether it serves industry `i`.
    pub fn fits_industry(&self, i: u8) -> bool {
        self.industries.contains(&i)
    }
}

/// One row of a partner's account list, before noise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Assign {
    /// The company (index into `World::companies`; at or past `accounts` = unknown to the vendor).
    pub entity: u32,
    /// How the partner knows it.
    pub relation: Population,
    /// Whether the row is a subsidiary or regional division of the company.
    pub division: bool,
}

/// The whole hidden world.
pub(crate) struct World {
    /// First day of the simulated window.
    pub start: NaiveDate,
    /// The "today" of the data: the end of the window.
    pub as_of: NaiveDate,
    /// Known accounts first (`0..accounts`), then companies unknown to the vendor.
    pub companies: Vec<Company>,
    /// How many of `companies` are the vendor's accounts.
    pub accounts: usize,
    /// The vendor's side of each account.
    pub vendor: Vec<VendorSide>,
    /// Sales reps per region.
    pub reps: Vec<Vec<String>>,
    /// Partners, applicants and prospects.
    pub partners: Vec<PartnerGen>,
    /// Each partner's account list.
    pub lists: Vec<Vec<Assign>>,
    /// CSR offsets into `knowers` per account.
    pub know_off: Vec<u32>,
    /// Partners listing each account with their relation, by account then partner.
    pub knowers: Vec<(u32, Population)>,
    /// Partners in the program (not applicants or prospects) per region and type.
    pub pools: Vec<Vec<Vec<u32>>>,
    /// Accounts by size, largest first.
    pub by_size: Vec<u32>,
}

impl World {
    /// Partners listing account `a`, with their relation.
    pub fn knowers_of(&self, a: u32) -> &[(u32, Population)] {
        let (s, e) = (self.know_off[a as usize], self.know_off[a as usize + 1]);
        &self.knowers[s as usize..e as usize]
    }

    /// Whether partner `p` lists account `a` as its customer: it is the incumbent.
    pub fn incumbent(&self, p: u32, a: u32) -> bool {
        self.knowers_of(a)
            .iter()
            .any(|(q, r)| *q == p && *r == Population::Customer)
    }

    /// Builds the world for `cfg`.
    pub fn build(cfg: &GenConfig, progress: &Progress) -> World {
        let start = cfg.start;
        let as_of = start
            .checked_add_months(chrono::Months::new(12 * cfg.years.max(1)))
            .unwrap_or(start);
        let book = NameBook::new();
        let mut taken: HashSet<u64> = HashSet::with_capacity(cfg.accounts * 2 + cfg.partners);

        let bar = progress.bar("partners", cfg.partners as u64);
        let mut partners: Vec<PartnerGen> = (0..cfg.partners)
            .map(|i| {
                bar.inc(1);
                partner(cfg.seed, i, start, as_of, &book, &mut taken)
            })
            .collect();
        bar.finish();

        let unknown = (cfg.accounts * 15 / 100).max(10);
        let total = cfg.accounts + unknown;
        let bar = progress.bar("companies", total as u64);
        let mut rng = rng_for(cfg.seed, Stream::Companies, 0);
        let mut names: HashSet<u64> = HashSet::with_capacity(total);
        let mut companies = Vec::with_capacity(total);
        for i in 0..total {
            companies.push(company(&mut rng, &book, &mut names, &mut taken));
            if i % 4096 == 0 {
                bar.set_position(i as u64);
            }
        }
        drop(names);
        drop(taken);
        bar.finish();

        // Lists sorted largest first, so `skewed` can favour big companies cheaply.
        let nind = INDUSTRIES.len();
        let mut by_size: Vec<u32> = (0..cfg.accounts as u32).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(companies[i as usize].employees));
        let mut by_region: Vec<Vec<u32>> = vec![Vec::new(); 4];
        let mut by_region_industry: Vec<Vec<u32>> = vec![Vec::new(); 4 * nind];
        for &i in &by_size {
            let c = &companies[i as usize];
            let r = region_ix(c.region());
            by_region[r].push(i);
            by_region_industry[r * nind + c.industry as usize].push(i);
        }
        let mut unknown_by_region: Vec<Vec<u32>> = vec![Vec::new(); 4];
        for i in cfg.accounts..total {
            unknown_by_region[region_ix(companies[i].region())].push(i as u32);
        }
        for l in &mut unknown_by_region {
            l.sort_by_key(|&i| std::cmp::Reverse(companies[i as usize].employees));
        }

        normalise_targets(&mut partners, cfg.accounts * 2);
        let bar = progress.bar("account lists", cfg.partners as u64);
        let buckets = Buckets {
            by_region: &by_region,
            by_region_industry: &by_region_industry,
            unknown_by_region: &unknown_by_region,
        };
        let lists: Vec<Vec<Assign>> = partners
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let l = assign(cfg.seed, i, p, &buckets, &companies);
                bar.inc(1);
                l
            })
            .collect();
        bar.finish();

        let (know_off, knowers) = index_knowers(cfg.accounts, &lists);
        let reps = reps(cfg.seed, &by_region);
        let mut world = World {
            start,
            as_of,
            companies,
            accounts: cfg.accounts,
            vendor: Vec::new(),
            reps,
            partners,
            lists,
            know_off,
            knowers,
            pools: Vec::new(),
            by_size,
        };
        world.vendor = vendor_sides(cfg.seed, &world);
        world.pools = pools(&world.partners);
        world
    }
}

fn company(
    rng: &mut ChaCha8Rng,
    book: &NameBook,
    names: &mut HashSet<u64>,
    taken: &mut HashSet<u64>,
) -> Company {
    let industry = weighted(rng, &INDUSTRY_WEIGHTS);
    let country = weighted(rng, &COUNTRY_WEIGHTS);
    let employees = lognormal(rng, 120.0, 1.9).clamp(2.0, 500_000.0) as u32;
    let revenue = (f64::from(employees) * lognormal(rng, 180_000.0, 0.6) / 1000.0).round() * 1000.0;
    // Retry a few times on an exact name clash; the rest stay as real-world namesakes.
    let mut name = book.company(rng, industry, country);
    for _ in 0..4 {
        if names.insert(hash_str(&name.render())) {
            break;
        }
        name = book.company(rng, industry, country);
    }
    let domain = domain(rng, &name, country, taken);
    Company {
        name,
        domain,
        country: country as u8,
        industry: industry as u8,
        employees,
        revenue,
    }
}

/// Relative weights of `INDUSTRIES`, in order.
static INDUSTRY_WEIGHTS: std::sync::LazyLock<Vec<f64>> =
    std::sync::LazyLock::new(|| INDUSTRIES.iter().map(|(_, w)| *w).collect());

/// Relative weights of `COUNTRIES`, in order.
static COUNTRY_WEIGHTS: std::sync::LazyLock<Vec<f64>> =
    std::sync::LazyLock::new(|| COUNTRIES.iter().map(|c| c.weight).collect());

/// Lifecycle status mix. Prospects take their share from the active partners, so that the draw
/// leaves every other partner's status where it was before prospects existed.
const STATUS_MIX: [(PartnerStatus, f64); 5] = [
    (PartnerStatus::Applicant, 0.06),
    (PartnerStatus::Onboarding, 0.05),
    (PartnerStatus::Prospect, 0.08),
    (PartnerStatus::Active, 0.74),
    (PartnerStatus::Offboarded, 0.07),
];

/// How much better partners are bigger: log head count gains `SIZE_FROM_QUALITY` × (quality − ½),
/// a shift of about a fifth of a type's spread per standard deviation of quality.
const SIZE_FROM_QUALITY: f64 = 1.8;

/// Relative frequency of each partner type (order of `PartnerType::ALL`).
const TYPE_MIX: [f64; 7] = [22.0, 1.0, 18.0, 17.0, 22.0, 2.0, 18.0];

/// Median head count and log spread per type: GSIs are huge, referral partners tiny.
const TYPE_SIZE: [(f64, f64); 7] = [
    (250.0, 1.1),
    (60_000.0, 0.8),
    (120.0, 1.2),
    (80.0, 1.0),
    (60.0, 1.0),
    (1_500.0, 1.0),
    (8.0, 1.0),
];

fn partner(
    seed: u64,
    i: usize,
    start: NaiveDate,
    as_of: NaiveDate,
    book: &NameBook,
    taken: &mut HashSet<u64>,
) -> PartnerGen {
    let mut rng = rng_for(seed, Stream::Partners, i as u64);
    let ti = weighted(&mut rng, &TYPE_MIX);
    let ptype = PartnerType::ALL[ti];
    let country = weighted(&mut rng, &COUNTRY_WEIGHTS);
    let (median, sigma) = TYPE_SIZE[ti];
    let raw_employees = lognormal(&mut rng, median, sigma);
    let home = COUNTRIES[country].region;
    let mut regions = vec![home];
    let extra = match ptype {
        PartnerType::Gsi => 3,
        PartnerType::Distributor => rng.random_range(0..=2),
        _ => usize::from(rng.random_bool(0.2)) + usize::from(rng.random_bool(0.05)),
    };
    let mut others: Vec<Region> = Region::ALL.iter().copied().filter(|r| *r != home).collect();
    others.shuffle(&mut rng);
    regions.extend(others.into_iter().take(extra));
    regions.sort();

    let n_ind = match ptype {
        PartnerType::Gsi => rng.random_range(4..=7),
        PartnerType::Distributor => rng.random_range(3..=6),
        _ => rng.random_range(1..=3),
    };
    let mut weights: Vec<f64> = INDUSTRY_WEIGHTS.clone();
    let mut industries = Vec::with_capacity(n_ind);
    for _ in 0..n_ind {
        let k = weighted(&mut rng, &weights);
        weights[k] = 0.0;
        industries.push(k as u8);
    }
    industries.sort();

    // Bell-shaped around 0.5: most partners are average, a few excellent or poor.
    let quality = (rng.random::<f64>() + rng.random::<f64>() + rng.random::<f64>()) / 3.0;
    let focus = 0.35 + 0.55 * rng.random::<f64>();
    let aggressiveness = rng.random::<f64>().powi(2);
    let employees =
        (raw_employees * (SIZE_FROM_QUALITY * (quality - 0.5)).exp()).clamp(1.0, 400_000.0) as u32;

    let status = STATUS_MIX[weighted(&mut rng, &STATUS_MIX.map(|(_, w)| w))].0;
    let candidate = outside_program(status);
    let window = (as_of - start).num_days().max(1) as u64;
    let (joined_on, offboarded_on) = match status {
        PartnerStatus::Applicant | PartnerStatus::Prospect => (None, None),
        PartnerStatus::Onboarding => (Some(as_of - Days::new(rng.random_range(10..120))), None),
        PartnerStatus::Active => {
            if rng.random_bool(0.65) {
                (Some(start - Days::new(rng.random_range(0..2000))), None)
            } else {
                let d = rng.random_range(0..window.saturating_sub(90).max(1));
                (Some(start + Days::new(d)), None)
            }
        }
        PartnerStatus::Offboarded => {
            let joined = start - Days::new(rng.random_range(0..1500));
            let earliest = (joined + Days::new(180)).max(start + Days::new(60));
            let span = (as_of - Days::new(30) - earliest).num_days().max(1) as u64;
            (
                Some(joined),
                Some(earliest + Days::new(rng.random_range(0..span))),
            )
        }
    };

    let size_score = (f64::from(employees).ln() / 12.0).min(1.0);
    let score = 0.55 * quality + 0.45 * size_score + 0.08 * normal(&mut rng);
    let tier = if candidate {
        Tier::Registered
    } else if score > 0.72 {
        Tier::Platinum
    } else if score > 0.58 {
        Tier::Gold
    } else if score > 0.44 {
        Tier::Silver
    } else {
        Tier::Registered
    };

    let n_products = match ptype {
        PartnerType::Isv => rng.random_range(1..=2),
        PartnerType::Distributor | PartnerType::Gsi => rng.random_range(6..=8),
        PartnerType::Referral => rng.random_range(1..=3),
        _ => rng.random_range(2..=5),
    };
    let mut order: Vec<usize> = (0..PRODUCTS.len()).collect();
    order.shuffle(&mut rng);
    let products = order.iter().take(n_products).fold(0u8, |m, k| m | (1 << k));

    let certifications = certifications(&mut rng, ptype, quality, joined_on, start, as_of);
    let typical = typical_capabilities(ptype);
    let mut caps: Vec<&'static str> = Vec::new();
    // Better partners list more of their type's capabilities, mostly by chance.
    let spread = ((quality - 0.2) / 0.6).clamp(0.0, 1.0);
    let n_caps = 1 + (3.999 * (0.7 * rng.random::<f64>() + 0.3 * spread)) as usize;
    for _ in 0..n_caps {
        let c = CAPABILITIES[*pick(&mut rng, typical)];
        if !caps.contains(&c) {
            caps.push(c);
        }
    }
    if rng.random_bool(0.15) {
        let c = *pick(&mut rng, CAPABILITIES);
        if !caps.contains(&c) {
            caps.push(c);
        }
    }

    let annual_program_cost = (!candidate).then(|| {
        let base = match tier {
            Tier::Registered => 2_000.0,
            Tier::Silver => 10_000.0,
            Tier::Gold => 40_000.0,
            Tier::Platinum => 150_000.0,
        };
        (lognormal(&mut rng, base, 0.3) / 100.0).round() * 100.0
    });
    let level = |rng: &mut ChaCha8Rng| SharingLevel::ALL[weighted(rng, &[0.15, 0.55, 0.30])];
    let sharing = Sharing {
        customers: level(&mut rng),
        prospects: level(&mut rng),
        opportunities: level(&mut rng),
    };
    let name = book.partner(&mut rng, ti, country);
    let domain = domain(&mut rng, &name, country, taken);

    let type_factor = [1.0, 3.0, 0.8, 1.0, 1.2, 2.5, 0.6][ti];
    // Applicants and prospects share part of their CRM (through an account-mapping platform).
    let status_factor = if candidate { 0.4 } else { 1.0 };
    let weight = f64::from(employees).powf(0.55)
        * type_factor
        * status_factor
        * lognormal(&mut rng, 1.0, 0.5);

    PartnerGen {
        id: format!("P-{:05}", i + 1),
        name: name.render(),
        ptype,
        tier,
        status,
        country: country as u8,
        regions,
        industries,
        products,
        employees,
        domain,
        joined_on,
        offboarded_on,
        certifications,
        capabilities: caps,
        annual_program_cost,
        sharing,
        quality,
        focus,
        aggressiveness,
        // Holds the raw weight until `normalise_targets` turns it into a row count.
        target_records: (weight * 1000.0).min(f64::from(u32::MAX / 2)) as u32,
    }
}

/// Certifications earned over time: better partners hold more, with enough noise that the count
/// alone does not give quality away (correlation about 0.5 within a type); most lapse after two
/// years, so certification trends have something to show.
fn certifications(
    rng: &mut ChaCha8Rng,
    ptype: PartnerType,
    quality: f64,
    joined_on: Option<NaiveDate>,
    start: NaiveDate,
    as_of: NaiveDate,
) -> Vec<Certification> {
    let typical = typical_certifications(ptype);
    let l = typical.len() as f64;
    let n = (l * (1.2 * quality + 0.3 * normal(rng)) + rng.random::<f64>() - 0.3).max(0.0) as usize;
    let from = joined_on
        .unwrap_or(as_of - Days::new(365))
        .max(start - Days::new(730));
    let span = (as_of - from).num_days().max(1) as u64;
    let mut out: Vec<Certification> = Vec::with_capacity(n);
    for _ in 0..n {
        let name = CERTIFICATIONS[*pick(rng, typical)];
        let earned_on = from + Days::new(rng.random_range(0..span));
        let expires_on = rng.random_bool(0.85).then(|| earned_on + Days::new(730));
        out.push(Certification {
            name: name.to_string(),
            earned_on,
            expires_on,
        });
    }
    out.sort_by(|a, b| a.earned_on.cmp(&b.earned_on).then(a.name.cmp(&b.name)));
    out
}

/// Turns raw weights into row counts summing to about `total`. No list may exceed a tenth of
/// the total (a few GSIs would otherwise swallow small worlds); what the capped lists lose is
/// spread over the others, so the total holds.
fn normalise_targets(partners: &mut [PartnerGen], total: usize) {
    let weights: Vec<f64> = partners
        .iter()
        .map(|p| f64::from(p.target_records))
        .collect();
    let cap = (total / 10).max(50) as f64;
    let mut capped = vec![false; partners.len()];
    let mut scale = 0.0;
    for _ in 0..8 {
        let fixed = capped.iter().filter(|c| **c).count() as f64 * cap;
        let free: f64 = weights
            .iter()
            .zip(&capped)
            .filter(|(_, c)| !**c)
            .map(|(w, _)| *w)
            .sum();
        if free <= 0.0 {
            break;
        }
        scale = (total as f64 - fixed).max(0.0) / free;
        let mut changed = false;
        for (w, c) in weights.iter().zip(capped.iter_mut()) {
            if !*c && w * scale > cap {
                *c = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for ((p, w), c) in partners.iter_mut().zip(&weights).zip(&capped) {
        let n = if *c { cap } else { w * scale };
        p.target_records = (n.round() as u32).max(3);
    }
}

struct Buckets<'a> {
    by_region: &'a [Vec<u32>],
    by_region_industry: &'a [Vec<u32>],
    unknown_by_region: &'a [Vec<u32>],
}

/// Chooses the companies on one partner's list: mostly in its regions and (as far as its focus
/// goes) its industries, skewed to big companies for GSIs and distributors.
fn assign(
    seed: u64,
    i: usize,
    p: &PartnerGen,
    b: &Buckets<'_>,
    companies: &[Company],
) -> Vec<Assign> {
    let mut rng = rng_for(seed, Stream::Assign, i as u64);
    let nind = INDUSTRIES.len();
    let skew = match p.ptype {
        PartnerType::Gsi => 3.0,
        PartnerType::Distributor | PartnerType::Si => 1.8,
        PartnerType::Isv => 1.5,
        PartnerType::Msp | PartnerType::Var => 1.3,
        PartnerType::Referral => 1.0,
    };
    let (p_customer, p_opportunity) = match p.ptype {
        PartnerType::Msp | PartnerType::Distributor => (0.5, 0.12),
        PartnerType::Var => (0.45, 0.15),
        PartnerType::Si | PartnerType::Gsi => (0.4, 0.15),
        PartnerType::Isv => (0.35, 0.15),
        PartnerType::Referral => (0.1, 0.3),
    };
    // Better partners have more customers: the share of `customer` rows is their type's times
    // 0.6 + 0.8 × quality, so customer overlap with the vendor's accounts says something of quality.
    let p_customer = p_customer * (0.6 + 0.8 * p.quality);
    let p_unknown = if p.ptype == PartnerType::Referral {
        0.15
    } else {
        0.08
    };
    let home = COUNTRIES[p.country as usize].region;
    let n = p.target_records as usize;
    let mut seen: HashSet<u32> = HashSet::with_capacity(n);
    let mut out: Vec<Assign> = Vec::with_capacity(n + n / 50 + 1);
    for _ in 0..n {
        let mut chosen = None;
        let mut unknown = false;
        for attempt in 0..8 {
            let region = if p.regions.len() == 1 || rng.random_bool(0.7) {
                home
            } else {
                *pick(&mut rng, &p.regions)
            };
            let r = region_ix(region);
            unknown = rng.random_bool(p_unknown);
            let list: &[u32] = if unknown {
                &b.unknown_by_region[r]
            } else if rng.random_bool(p.focus) {
                let ind = *pick(&mut rng, &p.industries) as usize;
                let l = &b.by_region_industry[r * nind + ind];
                if l.is_empty() { &b.by_region[r] } else { l }
            } else {
                &b.by_region[r]
            };
            if list.is_empty() {
                continue;
            }
            // Later attempts draw uniformly: a skewed draw keeps hitting the same big companies
            // once a large partner has listed them.
            let e = list[skewed(&mut rng, list.len(), if attempt < 2 { skew } else { 1.0 })];
            if seen.insert(e) {
                chosen = Some(e);
                break;
            }
        }
        let Some(entity) = chosen else { continue };
        let pc = if unknown {
            p_customer * 0.5
        } else {
            p_customer
        };
        let u: f64 = rng.random();
        let relation = if u < pc {
            Population::Customer
        } else if u < pc + p_opportunity {
            Population::Opportunity
        } else {
            Population::Prospect
        };
        let division = companies[entity as usize].employees >= 2000 && rng.random_bool(0.12);
        out.push(Assign {
            entity,
            relation,
            division,
        });
        // Real exports carry the odd duplicate row of one company, spelt differently.
        if rng.random_bool(0.01) {
            out.push(Assign {
                entity,
                relation,
                division: false,
            });
        }
    }
    out
}

/// Indexes, per known account, the partners listing it (strongest relation kept per partner).
fn index_knowers(accounts: usize, lists: &[Vec<Assign>]) -> (Vec<u32>, Vec<(u32, Population)>) {
    let strength = |r: Population| match r {
        Population::Customer => 2,
        Population::Opportunity => 1,
        Population::Prospect => 0,
    };
    let mut pairs: Vec<(u32, u32, Population)> = Vec::new();
    for (p, list) in lists.iter().enumerate() {
        for a in list {
            if (a.entity as usize) < accounts {
                pairs.push((a.entity, p as u32, a.relation));
            }
        }
    }
    pairs.sort_by_key(|&(a, p, r)| (a, p, std::cmp::Reverse(strength(r))));
    pairs.dedup_by_key(|&mut (a, p, _)| (a, p));
    let mut off = vec![0u32; accounts + 1];
    for &(a, _, _) in &pairs {
        off[a as usize + 1] += 1;
    }
    for i in 0..accounts {
        off[i + 1] += off[i];
    }
    let knowers = pairs.into_iter().map(|(_, p, r)| (p, r)).collect();
    (off, knowers)
}

/// Sales reps per region, about one per 400 accounts.
fn reps(seed: u64, by_region: &[Vec<u32>]) -> Vec<Vec<String>> {
    let mut rng = rng_for(seed, Stream::Accounts, u64::MAX);
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    by_region
        .iter()
        .map(|accounts| {
            let n = (accounts.len() / 400).clamp(3, 600);
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                let f = rng.random_range(0..FIRST_NAMES.len());
                let s = rng.random_range(0..SURNAMES.len());
                if used.insert((f, s)) || used.len() >= FIRST_NAMES.len() * SURNAMES.len() {
                    out.push(format!("{} {}", FIRST_NAMES[f], SURNAMES[s]));
                }
            }
            out
        })
        .collect()
}

/// The vendor's relation to each account and who owns it: bigger companies are more often
/// customers; a fifth of accounts with an active incumbent partner are partner-owned.
fn vendor_sides(seed: u64, w: &World) -> Vec<VendorSide> {
    let mut rng = rng_for(seed, Stream::Accounts, 0);
    (0..w.accounts)
        .map(|a| {
            let c = &w.companies[a];
            let size = (f64::from(c.employees).ln() / 12.0).min(1.0);
            let u: f64 = rng.random();
            let p_customer = 0.12 + 0.25 * size;
            let relation = if u < p_customer {
                Some(Population::Customer)
            } else if u < p_customer + 0.45 {
                Some(Population::Prospect)
            } else {
                None
            };
            let reps = &w.reps[region_ix(c.region())];
            let rep = rng.random_range(0..reps.len()) as u32;
            let incumbent = w.knowers_of(a as u32).iter().find(|(p, r)| {
                *r == Population::Customer
                    && w.partners[*p as usize].status == PartnerStatus::Active
            });
            let owner_partner = match incumbent {
                Some((p, _)) if rng.random_bool(0.2) => *p,
                _ => NIL,
            };
            let direct_owned = owner_partner == NIL
                && if relation.is_some() {
                    rng.random_bool(0.92)
                } else {
                    rng.random_bool(0.1)
                };
            VendorSide {
                relation,
                rep,
                direct_owned,
                owner_partner,
            }
        })
        .collect()
}

/// Partners in the program by region and type, for filling deal roles.
fn pools(partners: &[PartnerGen]) -> Vec<Vec<Vec<u32>>> {
    let mut pools = vec![vec![Vec::new(); PartnerType::ALL.len()]; Region::ALL.len()];
    for (i, p) in partners.iter().enumerate() {
        if p.candidate() {
            continue;
        }
        for r in &p.regions {
            pools[region_ix(*r)][type_ix(p.ptype)].push(i as u32);
        }
    }
    pools
}
