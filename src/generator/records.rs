//! Partner account lists (`partner_accounts/<partner_id>.csv`) and their truth
//! (`truth/account_identity.csv`).

use super::names::NameBook;
use super::noise::{CrmIds, HEADER, row};
use super::sample::{Stream, rng_for};
use super::world::World;
use super::{Progress, account_id};
use anyhow::Context;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Partners rendered per parallel batch: big enough to keep the cores busy, small enough that
/// the batch's truth rows stay a few megabytes.
const BATCH: usize = 64;

/// Writes every partner's CSV export and the identity truth; returns the number of rows.
pub(crate) fn write_lists(
    seed: u64,
    w: &World,
    out: &Path,
    progress: &Progress,
) -> anyhow::Result<usize> {
    let book = NameBook::new();
    let truth_path = out.join("truth/account_identity.csv");
    let mut truth = BufWriter::with_capacity(
        1 << 20,
        File::create(&truth_path).with_context(|| format!("creating {}", truth_path.display()))?,
    );
    truth.write_all(b"partner_id,record_id,account_id,true_entity\n")?;
    let bar = progress.bar("partner exports", w.partners.len() as u64);
    let mut total = 0;
    let indices: Vec<usize> = (0..w.partners.len()).collect();
    for batch in indices.chunks(BATCH) {
        // Each partner draws from its own stream, so the batch's order of work cannot change
        // the output; results are written back in partner order.
        let done: Vec<anyhow::Result<(Vec<u8>, usize)>> = batch
            .par_iter()
            .map(|&p| write_one(seed, w, &book, p, out))
            .collect();
        for r in done {
            let (rows, n) = r?;
            truth.write_all(&rows)?;
            total += n;
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish();
    truth.flush()?;
    Ok(total)
}

/// Writes one partner's export; returns its truth rows and row count.
fn write_one(
    seed: u64,
    w: &World,
    book: &NameBook,
    p: usize,
    out: &Path,
) -> anyhow::Result<(Vec<u8>, usize)> {
    let partner = &w.partners[p];
    let list = &w.lists[p];
    let mut rng = rng_for(seed, Stream::Noise, p as u64);
    let ids = CrmIds::for_partner(&mut rng);
    let path = out
        .join("partner_accounts")
        .join(format!("{}.csv", partner.id));
    let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut csv = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
    csv.write_record(HEADER)?;
    let mut truth = Vec::with_capacity(list.len() * 48);
    for (k, a) in list.iter().enumerate() {
        let r = row(
            &mut rng,
            seed,
            book,
            &w.companies[a.entity as usize],
            a,
            ids.id(k as u64),
        );
        csv.write_record(r.fields())?;
        let known = (a.entity as usize) < w.accounts;
        let entity = if known {
            account_id(a.entity)
        } else {
            format!("E-{:07}", a.entity as usize - w.accounts + 1)
        };
        writeln!(
            truth,
            "{},{},{},{}",
            partner.id,
            r.id,
            if known { entity.as_str() } else { "" },
            entity
        )?;
    }
    csv.flush()?;
    Ok((truth, list.len()))
}
