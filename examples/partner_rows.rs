//! Writes the partner-recommendation candidates of a store as CSV, for trying other rankers
//! offline: every candidate of every query of the fitting window (the 180 days before the
//! hold-out) and of the held-out window, with its query, shape, label, diffusion score, the
//! ranker's features and a few columns it does not use (partner type, the account's partner
//! count, the partner's book, its deals in the account's region and segment, industries served,
//! tenure in days, recently active accounts of the region). A joiner that is not among the
//! candidates gets a row with partner -1, so that recall can count it. Read by
//! `benches/peers/rankers.py`. Development aid only.
//!
//! `cargo run --release --example partner_rows -- sqlite:///path/store.db out.csv`

use std::io::Write;

use ecograph::intel::holdout::{HOLDOUT_DAYS, MAX_QUERIES, TRAIN_DAYS, horizon, queries};
use ecograph::intel::recommend::{Bounds, FEATURES, candidates};
use ecograph::intel::snapshot::{RECENT_DAYS, Snapshot};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).expect("store URL");
    let out = args.get(2).expect("output CSV");
    let repo = ecograph::store::open_existing(url).await?;
    let (eco, _) = ecograph::service::Ecosystem::load(repo).await?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    write!(
        w,
        "window,shape,query,partner,label,ra,ptype,account_degree,book,region_deals,segment_deals,n_industries,tenure,recent_region"
    )?;
    for f in FEATURES {
        write!(w, ",{f}")?;
    }
    writeln!(w)?;
    eco.read(|g| -> anyhow::Result<()> {
        let h = horizon(g).expect("history");
        let cut = h - chrono::Days::new(HOLDOUT_DAYS as u64);
        let start = cut - chrono::Days::new(TRAIN_DAYS as u64);
        let b = Bounds::default();
        let mut qid = 0usize;
        for (window, from, to) in [("fit", start, cut), ("held", cut, h)] {
            let s = Snapshot::build(g, Some(from));
            let from_day = ecograph::intel::snapshot::day_number(from);
            let (acc, deals) = queries(g, &s, from, to, MAX_QUERIES);
            for (shape, qs) in [("account", &acc), ("deal", &deals)] {
                for q in qs.iter() {
                    qid += 1;
                    let cs = candidates(&s, &q.ctx, &b);
                    for c in &cs {
                        write!(
                            w,
                            "{window},{shape},{qid},{},{},{},{:?},{},{}",
                            c.partner,
                            u8::from(q.truth.contains(&c.partner)),
                            c.diffusion,
                            s.partners[c.partner as usize].partner_type,
                            s.partners_of(q.ctx.account).len(),
                            s.accounts_of(c.partner).len()
                        )?;
                        let acc = &s.accounts[q.ctx.account as usize];
                        let (mut rd, mut sd, mut rr) = (0u32, 0u32, 0u32);
                        for l in s.accounts_of(c.partner) {
                            let o = &s.accounts[l.other as usize];
                            if o.region == acc.region {
                                rd += u32::from(l.deals);
                                if o.industry == acc.industry {
                                    sd += u32::from(l.deals);
                                }
                                if l.deals > 0
                                    && u64::from(l.last_active) + RECENT_DAYS >= u64::from(from_day)
                                {
                                    rr += 1;
                                }
                            }
                        }
                        let pid = &s.partners[c.partner as usize].id;
                        let tenure = match g.partner(pid.as_str()).and_then(|p| p.joined_on) {
                            Some(j) => (from - j).num_days(),
                            None => -1,
                        };
                        write!(
                            w,
                            ",{rd},{sd},{},{tenure},{rr}",
                            s.partners[c.partner as usize].industries.len()
                        )?;
                        for x in &c.x {
                            write!(w, ",{x}")?;
                        }
                        writeln!(w)?;
                    }
                    // Truth outside the candidates still counts against recall.
                    let missed = q
                        .truth
                        .iter()
                        .filter(|t| !cs.iter().any(|c| c.partner == **t))
                        .count();
                    for _ in 0..missed {
                        write!(w, "{window},{shape},{qid},-1,1,0,,,,,,,,")?;
                        for _ in FEATURES {
                            write!(w, ",")?;
                        }
                        writeln!(w)?;
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(())
}
