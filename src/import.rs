//! `ecograph import DIR`: loads a generated (or exported) ecosystem directory through the same parsing
//! and service code the REST API uses.

use crate::api::extract::parse_ndjson_with_id;
use crate::api::records::parse_csv;
use crate::domain::{
    Account, AccountInput, Deal, DealInput, Id, Invalid, Ipp, IppInput, Kind, Partner,
    PartnerInput, Play, PlayInput, PlayRun, PlayRunInput, Touchpoint, TouchpointInput,
};
use crate::graph::Node;
use crate::service::{
    AccountList, Actor, BulkReport, Ecosystem, Linking, ListWrite, Rejection, Rows,
};
use serde::de::DeserializeOwned;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Lines written per transaction, to bound memory on large files.
const BATCH_LINES: usize = 100_000;
/// Partner account-list files read and parsed in parallel at a time.
const PARSE_CHUNK_FILES: usize = 64;
/// Rows of partner account lists resolved and written per transaction.
const LIST_GROUP_ROWS: usize = 50_000;

/// Writes a group of partner account lists (each replacing the partner's list) and merges their
/// reports into `total`.
async fn write_lists(
    eco: &Ecosystem,
    group: Vec<AccountList>,
    linking: Linking,
    total: &mut BulkReport,
) -> anyhow::Result<()> {
    if group.is_empty() {
        return Ok(());
    }
    let reports = eco
        .put_lists(
            group,
            ListWrite {
                replace: true,
                all_or_nothing: false,
                linking,
            },
            &Actor::cli("import"),
        )
        .await
        .map_err(|e| anyhow::anyhow!("partner account lists: {e}"))?;
    for r in reports {
        merge(total, r, 0);
    }
    Ok(())
}

/// What an import did with one file (or one group of files).
#[derive(Debug)]
pub struct FileReport {
    /// The file's name within the directory.
    pub name: String,
    /// The merged report of its batches.
    pub report: BulkReport,
    /// Wall time spent on it, in seconds.
    pub seconds: f64,
}

/// What an import did, per file.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// One entry per file read, in the order they were imported.
    pub files: Vec<FileReport>,
    /// Wall time in seconds.
    pub seconds: f64,
}

impl ImportReport {
    /// Rows read in all files.
    pub fn rows(&self) -> usize {
        self.files.iter().map(|f| f.report.rows).sum()
    }

    /// Rows rejected in all files.
    pub fn rejected(&self) -> usize {
        self.files.iter().map(|f| f.report.rejected.len()).sum()
    }

    /// Rows accepted in all files.
    pub fn accepted(&self) -> usize {
        self.files.iter().map(|f| f.report.accepted).sum()
    }
}

fn merge(into: &mut BulkReport, r: BulkReport, row_offset: usize) {
    into.rows += r.rows;
    into.accepted += r.accepted;
    into.committed |= r.committed;
    into.rejected.extend(r.rejected.into_iter().map(|mut x| {
        x.row += row_offset;
        x
    }));
    if let Some(n) = r.accounts_created {
        *into.accounts_created.get_or_insert(0) += n;
    }
    if let Some(n) = r.records_removed {
        *into.records_removed.get_or_insert(0) += n;
    }
}

/// Reads and parses partner account-list files in parallel, in the background. Each file is named
/// after its partner.
fn parse_lists(files: Vec<PathBuf>) -> tokio::task::JoinHandle<anyhow::Result<Vec<AccountList>>> {
    tokio::task::spawn_blocking(move || {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|f| {
                let partner = f
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
                    .to_string();
                let bytes = std::fs::read(f)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
                let rows = parse_csv(&bytes, None, None)
                    .map_err(|e| anyhow::anyhow!("{}: {}", f.display(), e.message))?;
                Ok((partner, rows))
            })
            .collect()
    })
}

/// Registrations assessed and written per transaction by an import.
const REGISTRATION_BATCH: usize = 50_000;

/// Imports a registration history. The file is read whole and ordered by registration time, so
/// that each batch is assessed after every earlier registration is in the graph.
async fn import_registrations(
    eco: &Ecosystem,
    path: &Path,
    progress: bool,
) -> anyhow::Result<BulkReport> {
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let mut rows = tokio::task::spawn_blocking(move || {
        crate::api::extract::parse_ndjson::<crate::domain::RegistrationInput>(&bytes)
    })
    .await?;
    rows.sort_by_key(|(_, r)| r.as_ref().ok().map(|i| i.registered_at));
    let pb = crate::progress::bar(progress, "registrations", rows.len() as u64);
    let mut total = BulkReport::default();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(REGISTRATION_BATCH).collect();
        let n = batch.len() as u64;
        let report = eco
            .import_registrations(batch, false, &Actor::cli("import"))
            .await?;
        // Row numbers are the file's already: no offset.
        merge(&mut total, report, 0);
        pb.inc(n);
    }
    pb.finish_and_clear();
    Ok(total)
}

async fn import_ndjson<I: DeserializeOwned + Send + 'static>(
    eco: &Ecosystem,
    path: &Path,
    kind: Kind,
    build: fn(Id, I) -> Result<Node, Invalid>,
    progress: bool,
) -> anyhow::Result<BulkReport> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let len = file.metadata()?.len();
    let pb = crate::progress::bar(progress, &format!("{kind}s"), len);
    // Batches are read and parsed on a blocking thread while the previous one is written; the
    // channel holds one parsed batch, which bounds memory to about two batches.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, Rows<Node>)>(1);
    let reader_pb = pb.clone();
    let reader = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut reader = BufReader::new(file);
        loop {
            let mut chunk = Vec::new();
            let mut lines = 0;
            while lines < BATCH_LINES {
                let n = reader.read_until(b'\n', &mut chunk)?;
                if n == 0 {
                    break;
                }
                reader_pb.inc(n as u64);
                lines += 1;
            }
            if lines == 0 {
                return Ok(());
            }
            let rows = parse_ndjson_with_id::<I>(&chunk)
                .into_iter()
                .map(|(row, parsed)| {
                    let node = parsed.and_then(|(raw, input)| {
                        let id = Id::parse("id", &raw)
                            .map_err(|e| Rejection::invalid(row, Some(raw.clone()), e))?;
                        build(id, input).map_err(|e| Rejection::invalid(row, Some(raw), e))
                    });
                    (row, node)
                })
                .collect::<Vec<_>>();
            if tx.blocking_send((lines, rows)).is_err() {
                // The writer stopped (it failed); its error is the one to report.
                return Ok(());
            }
        }
    });
    let mut total = BulkReport::default();
    let mut offset = 0usize;
    while let Some((lines, rows)) = rx.recv().await {
        let report = eco
            .upsert_many(kind, rows, false, &Actor::cli("import"))
            .await?;
        merge(&mut total, report, offset);
        offset += lines;
    }
    reader.await??;
    pb.finish_and_clear();
    Ok(total)
}

/// Imports every file of an ecosystem directory, in reference order. Files that are absent are
/// skipped; rejected rows are reported, not fatal.
pub async fn import_dir(
    eco: &Ecosystem,
    dir: &Path,
    progress: bool,
) -> anyhow::Result<ImportReport> {
    import_dir_with(eco, dir, progress, Linking::Fuzzy).await
}

/// [`import_dir`], choosing how account-list rows that name no account are linked.
pub async fn import_dir_with(
    eco: &Ecosystem,
    dir: &Path,
    progress: bool,
    linking: Linking,
) -> anyhow::Result<ImportReport> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    let started = Instant::now();
    let mut out = ImportReport::default();
    macro_rules! ndjson {
        ($file:literal, $kind:expr, $input:ty, $variant:ident, $entity:ty) => {
            let p = dir.join($file);
            if p.exists() {
                let t = Instant::now();
                let build: fn(Id, $input) -> Result<Node, Invalid> =
                    |id, i| Ok(Node::$variant(Box::new(<$entity>::from_input(id, i)?)));
                let r = import_ndjson::<$input>(eco, &p, $kind, build, progress).await?;
                out.files.push(FileReport {
                    name: $file.to_string(),
                    report: r,
                    seconds: t.elapsed().as_secs_f64(),
                });
            }
        };
    }
    ndjson!(
        "partners.ndjson",
        Kind::Partner,
        PartnerInput,
        Partner,
        Partner
    );
    ndjson!(
        "accounts.ndjson",
        Kind::Account,
        AccountInput,
        Account,
        Account
    );
    let lists = dir.join("partner_accounts");
    if lists.is_dir() {
        let t = Instant::now();
        let mut files: Vec<_> = std::fs::read_dir(&lists)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        files.sort();
        let pb = crate::progress::bar(progress, "partner account lists", files.len() as u64);
        let mut total = BulkReport::default();
        // Files are read and parsed in parallel, a chunk at a time, and written in groups of about
        // LIST_GROUP_ROWS rows: one resolution pass and one transaction per group, not per partner.
        let mut group: Vec<AccountList> = Vec::new();
        let mut group_rows = 0;
        // The next chunk is parsed while the current one is written; the first while the
        // resolution index is built.
        let mut chunks = files.chunks(PARSE_CHUNK_FILES).map(<[PathBuf]>::to_vec);
        let mut next = chunks.next().map(parse_lists);
        if linking == Linking::Fuzzy {
            eco.warm_resolution().await?;
        }
        while let Some(parsing) = next.take() {
            let parsed = parsing.await??;
            next = chunks.next().map(parse_lists);
            for list in parsed {
                group_rows += list.1.len();
                group.push(list);
                if group_rows >= LIST_GROUP_ROWS {
                    let n = group.len() as u64;
                    write_lists(eco, std::mem::take(&mut group), linking, &mut total).await?;
                    group_rows = 0;
                    pb.inc(n);
                }
            }
        }
        let n = group.len() as u64;
        write_lists(eco, group, linking, &mut total).await?;
        pb.inc(n);
        pb.finish_and_clear();
        out.files.push(FileReport {
            name: "partner_accounts/*.csv".to_string(),
            report: total,
            seconds: t.elapsed().as_secs_f64(),
        });
    }
    ndjson!("deals.ndjson", Kind::Deal, DealInput, Deal, Deal);
    ndjson!(
        "touchpoints.ndjson",
        Kind::Touchpoint,
        TouchpointInput,
        Touchpoint,
        Touchpoint
    );
    ndjson!("plays.ndjson", Kind::Play, PlayInput, Play, Play);
    ndjson!("ipps.ndjson", Kind::Ipp, IppInput, Ipp, Ipp);
    ndjson!(
        "play_runs.ndjson",
        Kind::PlayRun,
        PlayRunInput,
        PlayRun,
        PlayRun
    );
    let p = dir.join("registrations.ndjson");
    if p.exists() {
        let t = Instant::now();
        let r = import_registrations(eco, &p, progress).await?;
        out.files.push(FileReport {
            name: "registrations.ndjson".to_string(),
            report: r,
            seconds: t.elapsed().as_secs_f64(),
        });
    }
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}
