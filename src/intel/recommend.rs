//! Partners to bring into a deal or an account: candidates from the account's own links, from
//! resource-allocation diffusion over the snapshot, and from the region's most active partners;
//! each scored by a logistic model over relationship, diffusion, fit and co-selling features, with
//! the facts behind it.
//!
//! Work per request is bounded whatever the graph looks like: the walk follows at most
//! [`Bounds::hop_partners`] partners of the account, [`Bounds::hop_accounts`] accounts of each and
//! [`Bounds::hop_back`] partners of each of those, strongest links first.

use super::snapshot::{Link, RECENT_DAYS, Snapshot, day_number, role_ix};
use crate::domain::{PartnerRole, PartnerType, Population, SharingLevel};
use crate::learn::Logistic;
use serde::Serialize;
use std::collections::HashMap;

/// The per-request maps are keyed by dense partner indexes.
use crate::FastHash as Fast;
use utoipa::ToSchema;

/// The ranking model's features, in vector order.
pub const FEATURES: [&str; 18] = [
    "lists_as_customer",
    "lists_as_opportunity",
    "lists_as_prospect",
    "deals_on_account",
    "won_on_account",
    "touches_on_account",
    "diffusion",
    "serves_region",
    "serves_industry",
    "partner_deals",
    "partner_win_rate",
    "partner_recent_deals",
    "suits_open_role",
    "co_sold_with_deal_partners",
    "tier",
    "link_recency",
    "co_sold_with_account_partners",
    "diffusion_rank",
];
const N: usize = FEATURES.len();

/// How far a request may walk.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Partners of the account followed (strongest links first).
    pub hop_partners: usize,
    /// Accounts followed per such partner.
    pub hop_accounts: usize,
    /// Partners followed per such account.
    pub hop_back: usize,
    /// Candidates kept from the account's own links (strongest first).
    pub direct_candidates: usize,
    /// Candidates kept from the diffusion (highest first).
    pub diffusion_candidates: usize,
    /// Candidates added from the region's most active partners.
    pub popular_candidates: usize,
    /// Candidates added from the most active partners serving the account's region and industry.
    pub segment_candidates: usize,
    /// The account's partners (strongest links first) whose co-selling with a candidate counts.
    pub incumbents: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        // Sized by cost, not by any evaluation: at most 64 × 200 × 32 ≈ 410,000 steps a request
        // and 350 candidates, each looked up against at most 16 of the account's partners.
        Bounds {
            hop_partners: 64,
            hop_accounts: 200,
            hop_back: 32,
            direct_candidates: 200,
            diffusion_candidates: 100,
            popular_candidates: 20,
            segment_candidates: 30,
            incumbents: 16,
        }
    }
}

/// What a recommendation is for.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The account.
    pub account: u32,
    /// Partners already on the deal (left out, and their co-selling counts).
    pub on_deal: Vec<u32>,
    /// Roles the deal still lacks (`None` for an account: any role).
    pub open_roles: Option<Vec<PartnerRole>>,
}

/// Which roles a partner type can fill: a domain fact of channel programs (transacting needs a
/// reseller, services an integrator or MSP), not a fitted choice.
pub fn can_fill(t: PartnerType, role: PartnerRole) -> bool {
    use PartnerRole as R;
    use PartnerType as T;
    match role {
        R::Sourcing => true,
        R::Transacting => matches!(t, T::Var | T::Distributor | T::Msp),
        R::Services => matches!(t, T::Si | T::Gsi | T::Msp),
        R::Influencing => matches!(t, T::Isv | T::Si | T::Gsi | T::Referral),
        R::Referral => matches!(t, T::Referral),
    }
}

/// A scored candidate.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The partner.
    pub partner: u32,
    /// Its features.
    pub x: [f64; N],
    /// Its direct link to the account, if any.
    pub link: Option<Link>,
    /// Its diffusion score.
    pub diffusion: f64,
    /// Deals won with each partner already on the deal (index into the context's `on_deal`).
    pub co_won: Vec<(u32, u32)>,
    /// Deals sold together with the account's partners (its strongest links, at most
    /// [`Bounds::incumbents`] of them).
    pub co_sold_account: u32,
    /// Score by which it ranks.
    pub score: f64,
}

/// Resource-allocation diffusion from an account: one unit spread over its partners, each spreads
/// its share over its accounts, each of those over its partners (degrees are the true ones; the
/// walk is capped by `b`). Returns (partner, resource) with resource > 0.
pub fn diffusion(s: &Snapshot, account: u32, b: &Bounds) -> Vec<(u32, f64)> {
    let first = s.partners_of(account);
    if first.is_empty() {
        return Vec::new();
    }
    let mut score: HashMap<u32, f64, Fast> = HashMap::default();
    let r1 = 1.0 / first.len() as f64;
    for l1 in first.iter().take(b.hop_partners) {
        let accs = s.accounts_of(l1.other);
        let r2 = r1 / accs.len().max(1) as f64;
        for l2 in accs.iter().take(b.hop_accounts) {
            let back = s.partners_of(l2.other);
            let r3 = r2 / back.len().max(1) as f64;
            for l3 in back.iter().take(b.hop_back) {
                *score.entry(l3.other).or_insert(0.0) += r3;
            }
        }
    }
    let mut out: Vec<(u32, f64)> = score.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

fn has_region(s: &Snapshot, p: u32, account: u32) -> f64 {
    match s.accounts[account as usize].region {
        Some(r) => f64::from(s.partners[p as usize].regions & super::snapshot::region_bit(r) != 0),
        None => 0.5,
    }
}

fn has_industry(s: &Snapshot, p: u32, account: u32) -> f64 {
    match &s.accounts[account as usize].industry {
        Some(i) => f64::from(
            s.partners[p as usize]
                .industries
                .iter()
                .any(|x| x.eq_ignore_ascii_case(i)),
        ),
        None => 0.5,
    }
}

/// How lately the partner was active on the account: 1 for a deal or touchpoint on the day the
/// snapshot counts back from, halving about every [`RECENT_DAYS`] × ln 2 days; 0 without any.
fn link_recency(s: &Snapshot, l: &Link) -> f64 {
    match s.recent_to {
        Some(t) if l.last_active > 0 => {
            let days = f64::from(day_number(t).saturating_sub(l.last_active));
            (-days / RECENT_DAYS as f64).exp()
        }
        _ => 0.0,
    }
}

fn suits(s: &Snapshot, p: u32, ctx: &Context) -> f64 {
    let t = s.partners[p as usize].partner_type;
    match &ctx.open_roles {
        None => 1.0,
        Some(roles) => f64::from(roles.iter().any(|r| can_fill(t, *r))),
    }
}

/// Candidates for a context, with features (unscored), in partner order: the account's strongest
/// links, the highest diffusion scores, the region's most active partners and the most active
/// partners of the account's region and industry, each list capped by `b`. Partners already on the deal and partners that cannot be brought in now are left out.
pub fn candidates(s: &Snapshot, ctx: &Context, b: &Bounds) -> Vec<Candidate> {
    let a = ctx.account;
    let mut pool: HashMap<u32, (Option<Link>, f64), Fast> = HashMap::default();
    for l in s.partners_of(a).iter().take(b.direct_candidates) {
        pool.entry(l.other).or_default().0 = Some(*l);
    }
    let mut kept = 0;
    for (p, r) in diffusion(s, a, b) {
        if let Some(e) = pool.get_mut(&p) {
            e.1 = r;
        } else if kept < b.diffusion_candidates && s.partners[p as usize].recommendable() {
            pool.insert(p, (None, r));
            kept += 1;
        }
    }
    let mut kept = 0;
    for &p in &s.popular {
        if kept >= b.popular_candidates {
            break;
        }
        if s.partners[p as usize].recommendable() && has_region(s, p, a) > 0.0 {
            pool.entry(p).or_insert((None, 0.0));
            kept += 1;
        }
    }
    let mut kept = 0;
    for &p in &s.popular {
        if kept >= b.segment_candidates {
            break;
        }
        if s.partners[p as usize].recommendable()
            && has_region(s, p, a) == 1.0
            && has_industry(s, p, a) == 1.0
        {
            pool.entry(p).or_insert((None, 0.0));
            kept += 1;
        }
    }
    // The account's partners whose co-selling counts (strongest links first, bounded).
    let incumbents: Vec<u32> = s
        .partners_of(a)
        .iter()
        .take(b.incumbents)
        .map(|l| l.other)
        .collect();
    let mut out: Vec<Candidate> = pool
        .into_iter()
        .filter(|(p, _)| s.partners[*p as usize].recommendable() && !ctx.on_deal.contains(p))
        .map(|(p, (link, diffusion))| {
            let info = &s.partners[p as usize];
            let l = link.unwrap_or_default();
            let co_won: Vec<(u32, u32)> = ctx
                .on_deal
                .iter()
                .map(|q| (*q, s.cosold(p, *q).won))
                .filter(|(_, w)| *w > 0)
                .collect();
            let win_rate = (f64::from(info.won) + 1.0) / (f64::from(info.deals) + 2.0);
            let recent = f64::from(info.recent).ln_1p();
            let co_sold_account: u32 = incumbents
                .iter()
                .filter(|q| **q != p)
                .map(|q| s.cosold(p, *q).deals)
                .sum();
            let x = [
                f64::from(l.listed == Some(Population::Customer)),
                f64::from(l.listed == Some(Population::Opportunity)),
                f64::from(l.listed == Some(Population::Prospect)),
                f64::from(l.deals).ln_1p(),
                f64::from(l.won).ln_1p(),
                f64::from(l.touches).ln_1p(),
                (1000.0 * diffusion).ln_1p(),
                has_region(s, p, a),
                has_industry(s, p, a),
                f64::from(info.deals).ln_1p(),
                win_rate,
                recent,
                suits(s, p, ctx),
                f64::from(co_won.iter().map(|c| c.1).sum::<u32>()).ln_1p(),
                info.tier as usize as f64,
                link_recency(s, &l),
                f64::from(co_sold_account).ln_1p(),
                0.0,
            ];
            Candidate {
                partner: p,
                x,
                link,
                diffusion,
                co_won,
                co_sold_account,
                score: 0.0,
            }
        })
        .collect();
    // How the diffusion ranks each candidate within this query: 1 for the first, 1/2 for the next…
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|i, j| {
        out[*j]
            .diffusion
            .total_cmp(&out[*i].diffusion)
            .then(out[*i].partner.cmp(&out[*j].partner))
    });
    for (rank, i) in order.into_iter().enumerate() {
        out[i].x[N - 1] = 1.0 / (1.0 + rank as f64);
    }
    out.sort_by_key(|c| c.partner);
    out
}

/// How candidates are ordered.
#[derive(Debug, Clone, Copy)]
pub enum Ranker<'m> {
    /// The learned model.
    Model(&'m Logistic),
    /// Diffusion alone (the plain resource-allocation baseline).
    Diffusion,
}

/// Scores and orders candidates, best first (ties by partner index).
pub fn rank(s: &Snapshot, mut c: Vec<Candidate>, ranker: Ranker<'_>) -> Vec<Candidate> {
    for x in &mut c {
        x.score = match ranker {
            Ranker::Model(m) => m.probability(&x.x),
            Ranker::Diffusion => x.diffusion,
        };
    }
    c.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| {
            s.partners[a.partner as usize]
                .id
                .cmp(&s.partners[b.partner as usize].id)
        })
    });
    c
}

/// The role to bring a partner in for: one the deal lacks that its type can fill (its usual role
/// first), else its usual role, else the first its type can fill.
pub fn role_for(s: &Snapshot, p: u32, ctx: &Context) -> PartnerRole {
    let info = &s.partners[p as usize];
    let usual = info.usual_role();
    if let Some(open) = &ctx.open_roles {
        if let Some(u) = usual.filter(|u| open.contains(u) && can_fill(info.partner_type, *u)) {
            return u;
        }
        let mut fits: Vec<PartnerRole> = open
            .iter()
            .copied()
            .filter(|r| can_fill(info.partner_type, *r))
            .collect();
        fits.sort_by_key(|r| std::cmp::Reverse(info.roles[role_ix(*r)]));
        if let Some(r) = fits.first() {
            return *r;
        }
    }
    usual.unwrap_or_else(|| {
        PartnerRole::ALL
            .iter()
            .copied()
            .rev()
            .find(|r| *r != PartnerRole::Sourcing && can_fill(info.partner_type, *r))
            .unwrap_or(PartnerRole::Sourcing)
    })
}

/// One fact behind a recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Reason {
    /// What kind of fact it is: `account_list`, `deals_on_account`, `activity`, `recency`,
    /// `co_selling`, `similar_accounts`, `fit` or `track_record`.
    pub kind: &'static str,
    /// The fact in words.
    pub text: String,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The facts behind a candidate. A fact from a partner's account list is named row by row only
/// when that partner shares the population as records, stated as an overlap when it shares counts,
/// and not stated when it hides the population.
pub fn reasons(s: &Snapshot, c: &Candidate, ctx: &Context) -> Vec<Reason> {
    let mut out = Vec::new();
    let info = &s.partners[c.partner as usize];
    let acc = &s.accounts[ctx.account as usize];
    if let Some(l) = c.link {
        if let Some(pop) = l.listed {
            match info.sharing[super::snapshot::population_ix(pop)] {
                SharingLevel::Records => out.push(Reason {
                    kind: "account_list",
                    text: format!("lists {} as a {pop} in its account list", acc.id),
                }),
                SharingLevel::Counts => out.push(Reason {
                    kind: "account_list",
                    text: "its account list overlaps this account (shared as counts only)".into(),
                }),
                SharingLevel::Hidden => {}
            }
        }
        if l.deals > 0 {
            out.push(Reason {
                kind: "deals_on_account",
                text: format!(
                    "took part in {} on this account, {} won",
                    plural(u32::from(l.deals), "deal", "deals"),
                    l.won
                ),
            });
        }
        if l.touches > 0 {
            out.push(Reason {
                kind: "activity",
                text: format!(
                    "{} on this account",
                    plural(u32::from(l.touches), "touchpoint", "touchpoints")
                ),
            });
        }
        if let Some(day) = i32::try_from(l.last_active)
            .ok()
            .filter(|d| *d > 0)
            .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        {
            out.push(Reason {
                kind: "recency",
                text: format!("last active on this account on {day}"),
            });
        }
    }
    for (q, won) in &c.co_won {
        out.push(Reason {
            kind: "co_selling",
            text: format!(
                "won {} with {}, already on this deal",
                plural(*won, "deal", "deals"),
                s.partners[*q as usize].id
            ),
        });
    }
    if c.co_sold_account > 0 {
        // Deals are the vendor's records; the partners are not named (some are known only from
        // account lists they may not share).
        out.push(Reason {
            kind: "co_selling",
            text: format!(
                "sold {} together with partners already working this account",
                plural(c.co_sold_account, "deal", "deals")
            ),
        });
    }
    if c.link.is_none() && c.diffusion > 0.0 {
        out.push(Reason {
            kind: "similar_accounts",
            text: "works with accounts that share partners with this one".into(),
        });
    }
    let region = has_region(s, c.partner, ctx.account) == 1.0;
    let industry = has_industry(s, c.partner, ctx.account) == 1.0;
    match (region, industry, acc.region, &acc.industry) {
        (true, true, Some(r), Some(i)) => out.push(Reason {
            kind: "fit",
            text: format!("serves the account's region ({r}) and industry ({i})"),
        }),
        (true, _, Some(r), _) => out.push(Reason {
            kind: "fit",
            text: format!("serves the account's region ({r})"),
        }),
        (_, true, _, Some(i)) => out.push(Reason {
            kind: "fit",
            text: format!("serves the account's industry ({i})"),
        }),
        _ => {}
    }
    if info.deals > 0 {
        out.push(Reason {
            kind: "track_record",
            text: format!(
                "{} in the program, {} won",
                plural(info.deals, "deal", "deals"),
                info.won
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intel::snapshot::tests::Eco;
    use serde_json::json;

    /// Candidates for an account query on `s`, with the index of feature `name`.
    fn for_account(s: &Snapshot, account: &str, name: &str) -> (Context, Vec<Candidate>, usize) {
        let ctx = Context {
            account: s.account(account).unwrap(),
            ..Default::default()
        };
        let c = candidates(s, &ctx, &Bounds::default());
        let j = FEATURES.iter().position(|f| *f == name).unwrap();
        (ctx, c, j)
    }

    /// The candidate that is partner `id`.
    fn pick<'c>(s: &Snapshot, c: &'c [Candidate], id: &str) -> &'c Candidate {
        let p = s.partner(id).unwrap();
        c.iter().find(|x| x.partner == p).unwrap()
    }

    #[test]
    fn a_hub_account_and_hub_partners_give_a_bounded_candidate_list() {
        // 600 partners list one account, and each lists 300 others: a walk without bounds would take
        // 600 × 300 × 600 steps and return every partner.
        let mut e = Eco::new();
        e.account("A-HUB");
        for a in 0..300 {
            e.account(&format!("A-{a}"));
        }
        for p in 0..600 {
            let pid = format!("P-{p}");
            e.partner(&pid, json!({}));
            e.knows(&pid, "A-HUB", "customer");
        }
        for p in 0..600 {
            for a in 0..300 {
                if (p + a) % 2 == 0 {
                    let input = serde_json::from_value(
                        json!({"id": format!("r-{a}"), "relation": "prospect", "name": "x"}),
                    )
                    .unwrap();
                    e.0.upsert_record(
                        crate::domain::PartnerRecord::from_input(
                            crate::domain::Id::parse("id", &format!("P-{p}")).unwrap(),
                            crate::domain::Id::parse("id", &format!("A-{a}")).unwrap(),
                            input,
                        )
                        .unwrap(),
                    );
                }
            }
        }
        let s = Snapshot::build(&e.0, None);
        let b = Bounds::default();
        let ctx = Context {
            account: s.account("A-HUB").unwrap(),
            ..Default::default()
        };
        let c = candidates(&s, &ctx, &b);
        let most = b.direct_candidates
            + b.diffusion_candidates
            + b.popular_candidates
            + b.segment_candidates;
        assert!(c.len() <= most, "{} candidates, bound {most}", c.len());
        assert!(
            c.len() >= b.direct_candidates,
            "the strongest links are kept"
        );
    }

    #[test]
    fn the_partner_active_on_the_account_more_lately_reads_as_more_recent() {
        let mut e = Eco::new();
        e.partner("P-OLD", json!({}))
            .partner("P-NEW", json!({}))
            .partner("P-NONE", json!({}))
            .account("A-1")
            .account("A-2");
        e.knows("P-NONE", "A-1", "customer");
        e.deal("D-1", "A-1", "2024-01-01", None, &["P-OLD"]);
        e.deal("D-2", "A-1", "2024-06-01", None, &["P-OLD", "P-NEW"]);
        e.deal("D-3", "A-2", "2025-06-01", None, &["P-NEW"]);
        let s = Snapshot::build(&e.0, None);
        let (_, c, j) = for_account(&s, "A-1", "link_recency");
        let of = |id: &str| pick(&s, &c, id);
        // Both last touched A-1 on D-2 (2024-06-01), a year before the latest deal (D-3): the
        // feature reads the link's latest activity, not the partner's.
        let day = |d: &str| day_number(d.parse().unwrap());
        assert_eq!(of("P-OLD").link.unwrap().last_active, day("2024-06-01"));
        assert_eq!(of("P-NEW").link.unwrap().last_active, day("2024-06-01"));
        let expect = (-366.0 / RECENT_DAYS as f64).exp();
        assert!((of("P-OLD").x[j] - expect).abs() < 1e-12);
        // A list row alone is no activity.
        assert_eq!(of("P-NONE").x[j], 0.0);
        // As of D-2's day, D-1 is the latest activity on A-1 for P-OLD: five months back.
        let then = Snapshot::build(&e.0, Some("2024-06-01".parse().unwrap()));
        let (ctx, c, _) = for_account(&then, "A-1", "link_recency");
        let old = pick(&then, &c, "P-OLD");
        assert!((old.x[j] - (-152.0 / RECENT_DAYS as f64).exp()).abs() < 1e-12);
        let words = reasons(&then, old, &ctx);
        assert!(
            words
                .iter()
                .any(|r| r.text == "last active on this account on 2024-01-01"),
            "{words:?}"
        );
    }

    #[test]
    fn co_selling_with_the_accounts_partners_counts_and_is_explained() {
        let mut e = Eco::new();
        e.partner("P-INC", json!({}))
            .partner("P-ALLY", json!({}))
            .partner("P-LONE", json!({}))
            .account("A-1")
            .account("A-2")
            .account("A-3");
        // P-INC works A-1; P-ALLY sold two deals with it elsewhere, P-LONE none.
        e.deal("D-1", "A-1", "2024-01-01", None, &["P-INC"]);
        e.deal("D-2", "A-2", "2024-02-01", None, &["P-INC", "P-ALLY"]);
        e.deal("D-3", "A-3", "2024-03-01", None, &["P-ALLY", "P-INC"]);
        e.deal("D-4", "A-3", "2024-04-01", None, &["P-LONE"]);
        e.knows("P-LONE", "A-1", "customer");
        let s = Snapshot::build(&e.0, None);
        let (ctx, c, j) = for_account(&s, "A-1", "co_sold_with_account_partners");
        let of = |id: &str| pick(&s, &c, id);
        assert_eq!(of("P-ALLY").co_sold_account, 2);
        assert!((of("P-ALLY").x[j] - 3f64.ln()).abs() < 1e-12);
        // The incumbent's deals with itself do not count; it never sold with P-LONE.
        assert_eq!(of("P-INC").co_sold_account, 0);
        assert_eq!(of("P-LONE").co_sold_account, 0);
        assert_eq!(of("P-LONE").x[j], 0.0);
        let words = reasons(&s, of("P-ALLY"), &ctx);
        assert!(
            words.iter().any(|r| r.kind == "co_selling"
                && r.text == "sold 2 deals together with partners already working this account"),
            "{words:?}"
        );
        assert!(
            !reasons(&s, of("P-LONE"), &ctx)
                .iter()
                .any(|r| r.kind == "co_selling")
        );
    }

    #[test]
    fn types_fill_the_roles_channel_programs_give_them() {
        assert!(can_fill(PartnerType::Var, PartnerRole::Transacting));
        assert!(!can_fill(PartnerType::Isv, PartnerRole::Transacting));
        assert!(can_fill(PartnerType::Msp, PartnerRole::Services));
        assert!(!can_fill(PartnerType::Var, PartnerRole::Referral));
        assert!(
            PartnerType::ALL
                .iter()
                .all(|t| can_fill(*t, PartnerRole::Sourcing))
        );
    }
}
