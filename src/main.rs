//! The `ecograph` command line: serve, import, and write the OpenAPI document.

use clap::{Args, Parser, Subcommand};
use ecograph::settings::{DEFAULT_ADDR, DEFAULT_DATABASE_URL, FileSettings, LogFormat, Settings};
use std::net::SocketAddr;
use std::path::PathBuf;

// Millions of small graph allocations: mimalloc keeps both resident memory and load time lower than
// the system allocator does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same value in its v2 and v3 headers;
/// the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Returns freed memory to the OS at once instead of after mimalloc's default 10 ms delay. Loading
/// the graph and building the resolution index free large batches of parse buffers from many
/// threads, and with the delay much of it stayed resident: at a million accounts, 1,923 MiB after
/// start-up with the delay, 1,799 MiB without (the same start-up was no slower). Only the service
/// sets it: a batch command's footprint ends with it, and an import spent about 4% of its time
/// faulting in pages that had just been handed back.
fn purge_freed_memory_at_once() {
    // SAFETY: sets one of mimalloc's process-wide options, which it reads atomically.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// ecograph: partner-ecosystem intelligence service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the REST API.
    Serve(ServeArgs),
    /// Write a synthetic ecosystem with ground truth, deterministic for a seed.
    Generate(GenerateArgs),
    /// Load an ecosystem directory (as written by `generate`) into the store.
    Import(ImportArgs),
    /// Print the OpenAPI document (the committed openapi.yaml is this output).
    Openapi,
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Match two CSV lists of company records; write the matched pairs.
    Match(MatchArgs),
    /// Cluster the records of one CSV list into entities.
    Dedupe(DedupeArgs),
    /// Train or evaluate the company matcher on the labelled development sets.
    #[command(subcommand)]
    Matcher(MatcherCommand),
    /// Train a model on what the store holds and register it as a new version; without a model
    /// name, every model the store has data for.
    Train(TrainArgs),
}

#[derive(Debug, Args)]
struct TrainArgs {
    /// The model to train; all of them when absent.
    #[command(subcommand)]
    model: Option<TrainCommand>,
    /// Database URL, as for `serve`.
    #[arg(long, env = "ECOGRAPH_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    /// The settings file, as for `serve`: its `[rules_of_engagement]` decide the windows the
    /// conflict features use.
    #[arg(long, env = "ECOGRAPH_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Measure only: do not save the new version.
    #[arg(long, global = true)]
    dry_run: bool,
    /// Log filter, as for `serve`.
    #[arg(long, env = "ECOGRAPH_LOG", default_value = "warn", global = true)]
    log: String,
}

#[derive(Debug, Subcommand)]
enum TrainCommand {
    /// The channel-conflict model: every registration in the store, its features as of its own
    /// registration, labelled by whether it received a dispute; the latest 20% held out.
    Conflict(TrainConflictArgs),
    /// The partner-recommendation ranker: deals of the last 180 days, features as of their start;
    /// measured first on the last 90 days with a model fitted on the 180 before them.
    Partners(TrainAlsoArgs),
    /// The IPP success model: partners that joined at least 180 days ago, labelled by a won deal
    /// within 180 days of joining; the latest quarter of joiners held out.
    #[command(name = "ipp_success", alias = "ipp-success")]
    IppSuccess(TrainAlsoArgs),
    /// The play-outcome model: runs whose outcome became known in the last 365 days, statistics as
    /// of that window's start; measured first on the last 90 days with a model fitted before them.
    Plays(TrainOutArgs),
}

#[derive(Debug, Args)]
struct TrainConflictArgs {
    /// Also write every registration's features, label and split to this CSV.
    #[arg(long)]
    export_features: Option<PathBuf>,
    /// Write the new model as JSON to this file too (how the committed default is made).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Registrations the fit reads at most: past it, all disputed ones and an even sample of the
    /// rest, with the intercept corrected for the sampling.
    #[arg(long, default_value_t = ecograph::conflict::train::MAX_FIT_ROWS)]
    max_fit_rows: usize,
    /// Also read the registrations of this store (repeatable): each store is split in time on its
    /// own, the fit reads the training parts together and the metrics cover the held-out parts
    /// together. How the committed default is trained on several generated histories. The new
    /// version is saved in `--database-url`'s store only.
    #[arg(long = "also-database-url", value_name = "URL")]
    also: Vec<String>,
}

#[derive(Debug, Args, Default)]
struct TrainAlsoArgs {
    /// Write the new model as JSON to this file too (how the committed default is made).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also learn from this store (repeatable): each store is split on its own clock, the fits
    /// read every store's rows together and each store's held-out part is reported on its own.
    /// How the committed default is trained on several generated histories. The new version is
    /// saved in `--database-url`'s store only.
    #[arg(long = "also-database-url", value_name = "URL")]
    also: Vec<String>,
}

#[derive(Debug, Args, Default)]
struct TrainOutArgs {
    /// Write the new model as JSON to this file too (how the committed default is made).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct MatchArgs {
    /// Left list (CSV with a header; id and name required).
    #[arg(long)]
    left: PathBuf,
    /// Right list.
    #[arg(long)]
    right: PathBuf,
    /// Where to write left_id,right_id,score,status.
    #[arg(long)]
    out: PathBuf,
    /// Match probability threshold [default: the model's, fixed at training].
    #[arg(long)]
    threshold: Option<f64>,
    /// Write every pair above the threshold, for review: those not chosen get status
    /// `candidate`. Without it, only decided pairs: `match`, and `ambiguous` for a record whose
    /// two best candidates are different companies too close to call.
    #[arg(long)]
    all_pairs: bool,
    /// Candidates compared per right record at most, those sharing the rarest blocking keys
    /// [default: the model's, 200].
    #[arg(long)]
    max_candidates: Option<usize>,
}

#[derive(Debug, Args)]
struct DedupeArgs {
    /// The list (CSV with a header; id and name required).
    #[arg(long)]
    input: PathBuf,
    /// Where to write id,cluster_id.
    #[arg(long)]
    out: PathBuf,
    /// Match probability threshold [default: the model's].
    #[arg(long)]
    threshold: Option<f64>,
    /// Whether a bare brand name ("PHILIPS N.V.") joins the clusters whose names carry it
    /// ("Koninklijke Philips Electronics", "N.V. Philips' Gloeilampenfabrieken") when no domain,
    /// phone, postal code or country contradicts it. `join` also joins a subsidiary that keeps
    /// its parent's brand; `separate` leaves every merge to the match model.
    #[arg(long, value_enum, default_value_t = ecograph::matching::Brands::Join)]
    brands: ecograph::matching::Brands,
}

#[derive(Debug, Subcommand)]
enum MatcherCommand {
    /// Train with leave-one-dataset-out evaluation; write matcher.json and its model card.
    Train {
        /// The team's shared directory (holds data/er).
        #[arg(long, default_value_os_t = ecograph::matching::devsets::default_shared_dir())]
        shared: PathBuf,
        /// Where to write the model and card.
        #[arg(long, default_value = "models")]
        models: PathBuf,
    },
    /// Write a dense stress world (shared roots, descriptors and cities; 40% of right records
    /// without a counterpart; bare brands; divisions) as left.csv, right.csv and truth.csv.
    StressWorld {
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Left (vendor) records.
        #[arg(long, default_value_t = 1_000_000)]
        left: usize,
        /// Right (partner) records.
        #[arg(long, default_value_t = 100_000)]
        right: usize,
        /// Output directory (created).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the shipped model's metrics on every development set.
    Eval {
        /// The team's shared directory (holds data/er).
        #[arg(long, default_value_os_t = ecograph::matching::devsets::default_shared_dir())]
        shared: PathBuf,
    },
}

fn check_threshold(t: Option<f64>, m: &ecograph::matching::Matcher) -> anyhow::Result<f64> {
    match t {
        Some(t) if !(0.0..=1.0).contains(&t) || t.is_nan() => {
            anyhow::bail!("--threshold must be between 0 and 1")
        }
        Some(t) => Ok(t),
        None => Ok(m.threshold()),
    }
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create a key and print its token (shown once). A running service accepts it at once.
    Create(KeyCreateArgs),
    /// List the keys (never their secrets).
    List(KeyStoreArgs),
    /// Revoke a key; a running service refuses it within 5 seconds.
    Revoke {
        /// The key id (the part after `egk_` and before the next `_` of its token).
        id: String,
        #[command(flatten)]
        store: KeyStoreArgs,
    },
}

#[derive(Debug, Args)]
struct KeyStoreArgs {
    /// Database URL, as for `serve`; the database must exist.
    #[arg(long, env = "ECOGRAPH_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Debug, Args)]
struct KeyCreateArgs {
    /// admin, prm, recruiter, deal_desk or partner.
    #[arg(long)]
    role: ecograph::domain::Role,
    /// For a partner key: the partner it is confined to.
    #[arg(long)]
    partner: Option<String>,
    /// What the key is for.
    #[arg(long, default_value = "created from the command line")]
    name: String,
    /// When it stops working (RFC 3339).
    #[arg(long)]
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Database URL, as for `serve`; the database must exist.
    #[arg(long, env = "ECOGRAPH_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "ECOGRAPH_ADDR")]
    addr: Option<SocketAddr>,
    /// Database URL: sqlite://PATH (embedded, default sqlite://ecograph.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "ECOGRAPH_DATABASE_URL")]
    database_url: Option<String>,
    /// Load the committed demo ecosystem into an empty store (creating the database if missing).
    #[arg(long, env = "ECOGRAPH_DEMO")]
    demo: bool,
    /// Create the SQLite database if it does not exist (without it, a URL naming no file is refused).
    #[arg(long, env = "ECOGRAPH_CREATE_DB")]
    create_db: bool,
    /// Directory of the demo ecosystem [default: fixtures/demo in the working directory, else in
    /// the source tree the binary was built from].
    #[arg(long, env = "ECOGRAPH_DEMO_DIR")]
    demo_dir: Option<PathBuf>,
    /// HTTP worker threads [default: number of cores].
    #[arg(long, env = "ECOGRAPH_WORKERS")]
    workers: Option<usize>,
    /// Largest JSON entity body in bytes [default: 1 MiB].
    #[arg(long, env = "ECOGRAPH_JSON_LIMIT")]
    json_limit: Option<usize>,
    /// Largest bulk (NDJSON or CSV) body in bytes [default: 64 MiB].
    #[arg(long, env = "ECOGRAPH_BULK_LIMIT")]
    bulk_limit: Option<usize>,
    /// Log filter, e.g. info or ecograph=debug [default: info].
    #[arg(long, env = "ECOGRAPH_LOG")]
    log: Option<String>,
    /// Master key; without one the API is open and only loopback addresses may be used.
    #[arg(long, env = "ECOGRAPH_MASTER_KEY", hide_env_values = true)]
    master_key: Option<String>,
    /// Log lines as text or JSON [default: text].
    #[arg(long, env = "ECOGRAPH_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    /// A token (at least 16 characters) that may read /metrics and nothing else.
    #[arg(long, env = "ECOGRAPH_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Failed authentications one client address may make in a minute before its failing attempts
    /// and the master key get 429 (issued keys always work) [default: 100].
    #[arg(long, env = "ECOGRAPH_AUTH_FAILURES_PER_ADDRESS",
          value_parser = clap::value_parser!(u32).range(1..))]
    auth_failures_per_address: Option<u32>,
    /// Failed authentications one presented credential may make in a minute before it is answered
    /// 429 without being checked [default: 10].
    #[arg(long, env = "ECOGRAPH_AUTH_FAILURES_PER_CREDENTIAL",
          value_parser = clap::value_parser!(u32).range(1..))]
    auth_failures_per_credential: Option<u32>,
    /// Optional TOML file with any of the settings above (flags and environment win).
    #[arg(long, env = "ECOGRAPH_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Random seed; the same seed writes the same files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of partners.
    #[arg(long, default_value_t = 10_000)]
    partners: usize,
    /// Number of vendor accounts.
    #[arg(long, default_value_t = 1_000_000)]
    accounts: usize,
    /// First day of the simulated history.
    #[arg(long, default_value = "2023-01-01")]
    start: chrono::NaiveDate,
    /// Years of history.
    #[arg(long, default_value_t = 3)]
    years: u32,
    /// Output directory (created; its partner_accounts/ is replaced).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The ecosystem directory.
    dir: PathBuf,
    /// Database URL, as for `serve`.
    #[arg(long, env = "ECOGRAPH_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// How partner account-list rows that name no account are linked: `fuzzy` (company domain, else
    /// the matcher for rows without one) or `exact` (domain only; faster, creates more accounts).
    #[arg(long, value_enum, default_value = "fuzzy")]
    linking: LinkingArg,
    /// Log filter, as for `serve` (`ecograph=debug` shows per-table load and per-group write timings).
    #[arg(long, env = "ECOGRAPH_LOG", default_value = "info")]
    log: String,
    /// Log lines as text or JSON, as for `serve`.
    #[arg(long, env = "ECOGRAPH_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
}

/// `--linking` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LinkingArg {
    /// Company web domain; a row without one, the matcher's one clear candidate.
    Fuzzy,
    /// Exact web domain only.
    Exact,
}

/// `fixtures/demo` under the working directory when there is one (a checkout), else the one in
/// the source tree this binary was built from, so that `serve --demo` works from anywhere.
fn default_demo_dir() -> PathBuf {
    let here = PathBuf::from("fixtures/demo");
    if here.is_dir() {
        return here;
    }
    let built = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo"));
    if built.is_dir() { built } else { here }
}

fn resolve(args: ServeArgs) -> anyhow::Result<Settings> {
    let file = match &args.config {
        Some(p) => FileSettings::read(p)?,
        None => FileSettings::default(),
    };
    let limits = ecograph::api::extract::Limits::default();
    Ok(Settings {
        addr: args
            .addr
            .or(file.addr)
            .unwrap_or_else(|| DEFAULT_ADDR.parse().expect("valid default address")),
        database_url: args
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
        demo: args.demo || file.demo.unwrap_or(false),
        create_db: args.create_db || file.create_db.unwrap_or(false),
        demo_dir: args.demo_dir.unwrap_or_else(default_demo_dir),
        workers: args
            .workers
            .or(file.workers)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        json_limit: args.json_limit.or(file.json_limit).unwrap_or(limits.json),
        bulk_limit: args.bulk_limit.or(file.bulk_limit).unwrap_or(limits.bulk),
        log: args.log.or(file.log).unwrap_or_else(|| "info".to_string()),
        master_key: args
            .master_key
            .or(file.master_key)
            .filter(|k| !k.is_empty()),
        rules: file.rules_of_engagement.unwrap_or_default(),
        expiry_every: std::time::Duration::from_secs(60),
        log_format: args.log_format.or(file.log_format).unwrap_or_default(),
        metrics_token: args
            .metrics_token
            .or(file.metrics_token)
            .filter(|t| !t.is_empty()),
        auth_failures: ecograph::api::auth::FailureLimits {
            per_credential: args
                .auth_failures_per_credential
                .or(file.auth_failures_per_credential)
                .unwrap_or(ecograph::api::auth::DEFAULT_FAILURES_PER_CREDENTIAL),
            per_address: args
                .auth_failures_per_address
                .or(file.auth_failures_per_address)
                .unwrap_or(ecograph::api::auth::DEFAULT_FAILURES_PER_ADDRESS),
        },
    })
}

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The chain of causes, one line, without a backtrace: these are the user's errors
            // (a missing file, a bad column), not ours.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Reads a record CSV for `match` or `dedupe`, and says on stderr what it had to make of it.
fn read_record_file(
    path: &std::path::Path,
) -> anyhow::Result<ecograph::matching::csvio::RecordFile> {
    let file = ecograph::matching::csvio::read_records_path(path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let p = path.display();
    if file.encoding != "UTF-8" {
        eprintln!("note: {p}: read as {}", file.encoding);
    }
    if file.separator != ',' {
        eprintln!("note: {p}: fields separated by {:?}", file.separator);
    }
    if !file.skipped.is_empty() {
        eprintln!(
            "warning: {p}: {} row(s) without an id or a name, not matched",
            file.skipped.len()
        );
        for s in file.skipped.iter().take(5) {
            eprintln!("    row {}: {}", s.row, s.reason);
        }
    }
    let dup = file.duplicate_ids();
    if !dup.is_empty() {
        eprintln!(
            "warning: {p}: {} id(s) given to more than one row (first: '{}'); the output cannot tell those rows apart",
            dup.len(),
            dup[0]
        );
    }
    Ok(file)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            purge_freed_memory_at_once();
            let settings = resolve(args)?;
            ecograph::telemetry::init(&settings.log, settings.log_format);
            let running = ecograph::startup::build(&settings).await?;
            ecograph::startup::serve(running).await?;
        }
        Command::Generate(args) => {
            if args.partners == 0 || args.accounts == 0 || args.years == 0 {
                anyhow::bail!("--partners, --accounts and --years must be at least 1");
            }
            let cfg = ecograph::generator::GenConfig {
                seed: args.seed,
                partners: args.partners,
                accounts: args.accounts,
                start: args.start,
                years: args.years,
            };
            let s =
                ecograph::generator::generate(&cfg, &args.out, ecograph::progress::on_terminal())?;
            println!(
                "wrote {} partners, {} accounts, {} partner records, {} deals, {} touchpoints, {} registrations ({} disputes), {} plays, {} play runs, {} IPPs to {} in {:.1} s",
                s.partners,
                s.accounts,
                s.partner_records,
                s.deals,
                s.touchpoints,
                s.registrations,
                s.disputes,
                s.plays,
                s.play_runs,
                s.ipps,
                args.out.display(),
                s.seconds
            );
        }
        Command::Import(args) => {
            ecograph::telemetry::init(&args.log, args.log_format);
            let repo =
                ecograph::store::open_for(&args.database_url, ecograph::store::Workload::Bulk)
                    .await?;
            let (eco, _) = ecograph::service::Ecosystem::load(repo).await?;
            ecograph::training::use_serving_engine(&eco, ecograph::conflict::Rules::default())
                .await?;
            let report = ecograph::import::import_dir_with(
                &eco,
                &args.dir,
                ecograph::progress::on_terminal(),
                match args.linking {
                    LinkingArg::Fuzzy => ecograph::service::Linking::Fuzzy,
                    LinkingArg::Exact => ecograph::service::Linking::Exact,
                },
            )
            .await?;
            for f in &report.files {
                let r = &f.report;
                println!(
                    "{:<24} rows {:>9}  accepted {:>9}  rejected {:>7}  {:>7.1} s {:>8.0} rows/s",
                    f.name,
                    r.rows,
                    r.accepted,
                    r.rejected.len(),
                    f.seconds,
                    r.rows as f64 / f.seconds.max(1e-9)
                );
                for rej in r.rejected.iter().take(5) {
                    println!(
                        "    row {}: {} {} {}",
                        rej.row,
                        rej.code,
                        rej.field.as_deref().unwrap_or(""),
                        rej.message
                    );
                }
            }
            let secs = report.seconds.max(1e-9);
            println!(
                "imported {} of {} rows ({} rejected) in {:.1} s, {:.0} rows/s",
                report.accepted(),
                report.rows(),
                report.rejected(),
                report.seconds,
                report.rows() as f64 / secs
            );
        }
        Command::Openapi => print!("{}", ecograph::api::openapi_yaml()),
        Command::Train(args) => train(args).await?,
        Command::Match(args) => {
            let mut m = ecograph::matching::card::shipped();
            if let Some(k) = args.max_candidates {
                anyhow::ensure!(k >= 1, "--max-candidates must be at least 1");
                m.blocking.max_candidates = k;
            }
            let threshold = check_threshold(args.threshold, &m)?;
            let left = read_record_file(&args.left)?.records;
            let right = read_record_file(&args.right)?.records;
            let t = std::time::Instant::now();
            let pb = ecograph::progress::bar(ecograph::progress::on_terminal(), "matching", 0);
            let (decided, stats, above) =
                m.match_and_decide(&left, &right, threshold, args.all_pairs, &pb);
            pb.finish_and_clear();
            ecograph::matching::csvio::write_pairs(&args.out, &left, &right, &decided)
                .map_err(|e| anyhow::anyhow!("{}: {e}", args.out.display()))?;
            let count = |want: ecograph::matching::decide::Status| {
                let mut rights: Vec<usize> = decided
                    .iter()
                    .filter(|(_, s)| *s == want)
                    .map(|(p, _)| p.right)
                    .collect();
                rights.dedup();
                rights.len()
            };
            let matched = count(ecograph::matching::decide::Status::Match);
            let ambiguous = count(ecograph::matching::decide::Status::Ambiguous);
            if stats.windowed_records > 0 {
                eprintln!(
                    "note: {} right records share a blocking key with more left records than its cap; they were compared only with the left records nearest their name",
                    stats.windowed_records
                );
            }
            println!(
                "matched {} left x {} right records at threshold {threshold}: {} candidates compared ({:.1} per right record, reduction ratio {:.5}), {above} pairs above the threshold, {matched} right records matched, {ambiguous} ambiguous, in {:.1} s -> {}",
                left.len(),
                right.len(),
                stats.candidate_pairs,
                stats.candidate_pairs as f64 / right.len().max(1) as f64,
                stats.reduction_ratio,
                t.elapsed().as_secs_f64(),
                args.out.display()
            );
        }
        Command::Dedupe(args) => {
            let m = ecograph::matching::card::shipped();
            let threshold = check_threshold(args.threshold, &m)?;
            let file = read_record_file(&args.input)?;
            let records = &file.records;
            let t = std::time::Instant::now();
            let pb = ecograph::progress::bar(ecograph::progress::on_terminal(), "deduplicating", 0);
            let (clusters, stats) = m.dedupe_with(records, threshold, args.brands, &pb);
            pb.finish_and_clear();
            let mut w = csv::Writer::from_path(&args.out)
                .map_err(|e| anyhow::anyhow!("{}: {e}", args.out.display()))?;
            w.write_record(["id", "cluster_id"])?;
            for (r, c) in records.iter().zip(&clusters) {
                w.write_record([r.id.as_str(), &c.to_string()])?;
            }
            // A row with an id but no name is an entity of its own: every id read is written.
            let first_free = clusters.iter().max().map_or(0, |c| c + 1);
            let nameless: Vec<&str> = file
                .skipped
                .iter()
                .filter_map(|s| s.id.as_deref())
                .collect();
            for (c, id) in (first_free..).zip(&nameless) {
                w.write_record([*id, &c.to_string()])?;
            }
            w.flush()?;
            let n: std::collections::HashSet<_> = clusters.iter().collect();
            println!(
                "clustered {} records into {} entities (and {} nameless row(s) as entities of their own) from {} candidate pairs compared ({:.1} per record, reduction ratio {:.5}) in {:.1} s -> {}",
                records.len(),
                n.len(),
                nameless.len(),
                stats.candidate_pairs,
                stats.candidate_pairs as f64 / records.len().max(1) as f64,
                stats.reduction_ratio,
                t.elapsed().as_secs_f64(),
                args.out.display()
            );
        }
        Command::Matcher(MatcherCommand::Train { shared, models }) => {
            let out = ecograph::matching::card::train_and_write(&shared, &models)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            print!("{out}");
        }
        Command::Matcher(MatcherCommand::StressWorld {
            seed,
            left,
            right,
            out,
        }) => {
            anyhow::ensure!(
                left >= 1 && right >= 1,
                "--left and --right must be at least 1"
            );
            let t = std::time::Instant::now();
            let w = ecograph::matching::stress::generate(seed, left, right)
                .map_err(anyhow::Error::msg)?;
            std::fs::create_dir_all(&out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
            for (file, records) in [("left.csv", &w.left), ("right.csv", &w.right)] {
                let mut csv = csv::Writer::from_path(out.join(file))?;
                csv.write_record(["id", "name", "website", "phone", "city", "country"])?;
                for r in records {
                    csv.write_record([
                        r.id.as_str(),
                        r.name.as_str(),
                        r.website.as_deref().unwrap_or(""),
                        r.phone.as_deref().unwrap_or(""),
                        r.city.as_deref().unwrap_or(""),
                        r.country.as_deref().unwrap_or(""),
                    ])?;
                }
                csv.flush()?;
            }
            let mut csv = csv::Writer::from_path(out.join("truth.csv"))?;
            csv.write_record(["left_id", "right_id"])?;
            for (l, r) in &w.truth {
                csv.write_record([l, r])?;
            }
            csv.flush()?;
            println!(
                "stress world of seed {seed}: {} left, {} right records, {} true pairs, in {:.1} s -> {}",
                w.left.len(),
                w.right.len(),
                w.truth.len(),
                t.elapsed().as_secs_f64(),
                out.display()
            );
        }
        Command::Matcher(MatcherCommand::Eval { shared }) => {
            let out = ecograph::matching::card::eval_report(
                &ecograph::matching::card::shipped(),
                &shared,
            )
            .map_err(|e| anyhow::anyhow!(e))?;
            print!("{out}");
        }
        Command::Keys(KeysCommand::Create(args)) => {
            let repo = ecograph::store::open_existing(&args.database_url).await?;
            let partner_id = args
                .partner
                .map(|p| ecograph::domain::Id::parse("partner", &p))
                .transpose()?;
            if let Some(p) = &partner_id {
                let (eco, _) = ecograph::service::Ecosystem::load(repo.clone()).await?;
                if !eco.read(|g| g.contains(ecograph::domain::Kind::Partner, p.as_str())) {
                    anyhow::bail!("partner '{p}' does not exist");
                }
            }
            let keys = ecograph::service::KeyRing::load(repo).await?;
            let req = ecograph::service::NewKey {
                name: args.name,
                role: args.role,
                partner_id,
                expires_at: args.expires_at,
            };
            let (key, token) = keys
                .create(req, &ecograph::service::Actor::cli("keys create"))
                .await?;
            eprintln!(
                "created {} key {} (the token below is shown once)",
                key.role, key.id
            );
            println!("{token}");
        }
        Command::Keys(KeysCommand::List(store)) => {
            let repo = ecograph::store::open_existing(&store.database_url).await?;
            let keys = ecograph::service::KeyRing::load(repo).await?;
            let now = chrono::Utc::now();
            println!("id\trole\tpartner\tstate\tcreated_at\texpires_at\tname");
            for k in keys.all() {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else if k.is_live(now) {
                    "live"
                } else {
                    "expired"
                };
                let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map_or_else(|| "-".to_string(), |t| t.to_rfc3339())
                };
                println!(
                    "{}\t{}\t{}\t{state}\t{}\t{}\t{}",
                    k.id,
                    k.role,
                    k.partner_id.as_ref().map_or("-", |p| p.as_str()),
                    k.created_at.to_rfc3339(),
                    when(k.expires_at),
                    k.name
                );
            }
        }
        Command::Keys(KeysCommand::Revoke { id, store }) => {
            let repo = ecograph::store::open_existing(&store.database_url).await?;
            let keys = ecograph::service::KeyRing::load(repo).await?;
            let key = keys
                .revoke(&id, &ecograph::service::Actor::cli("keys revoke"))
                .await?;
            eprintln!(
                "revoked {} key {} ({}); a running service refuses it within {} seconds",
                key.role,
                key.id,
                key.name,
                ecograph::service::REFRESH_EVERY.as_secs()
            );
        }
    }
    Ok(())
}

/// `ecograph train [NAME]`: loads the graph once and trains the named model, or every model the
/// store has data for.
async fn train(args: TrainArgs) -> anyhow::Result<()> {
    ecograph::telemetry::init(&args.log, LogFormat::Text);
    let rules = match &args.config {
        Some(p) => FileSettings::read(p)?
            .rules_of_engagement
            .unwrap_or_default(),
        None => ecograph::conflict::Rules::default(),
    };
    rules.validate().map_err(anyhow::Error::msg)?;
    let started = std::time::Instant::now();
    let repo = ecograph::store::open_existing(&args.database_url).await?;
    let (eco, loaded) = ecograph::service::Ecosystem::load(repo).await?;
    eprintln!("loaded the graph in {:.1} s", loaded.seconds);
    let save = !args.dry_run;
    let source = ecograph::store::display_url(&args.database_url);
    match &args.model {
        Some(TrainCommand::Conflict(c)) => train_conflict(&eco, &rules, &source, c, save).await?,
        Some(TrainCommand::Partners(o)) => train_partners(&eco, &source, o, save).await?,
        Some(TrainCommand::IppSuccess(o)) => train_success(&eco, &source, o, save).await?,
        Some(TrainCommand::Plays(o)) => train_plays(&eco, o, save).await?,
        None => {
            let none = TrainOutArgs::default();
            let conflict = TrainConflictArgs {
                export_features: None,
                out: None,
                max_fit_rows: ecograph::conflict::train::MAX_FIT_ROWS,
                also: Vec::new(),
            };
            // Each model is trained when the store holds what it learns from; a model without
            // enough data is reported and skipped, not an error for the others.
            let runs: [(&str, anyhow::Result<()>); 4] = [
                (
                    "conflict",
                    train_conflict(&eco, &rules, &source, &conflict, save).await,
                ),
                (
                    "partners",
                    train_partners(&eco, &source, &TrainAlsoArgs::default(), save).await,
                ),
                (
                    "ipp_success",
                    train_success(&eco, &source, &TrainAlsoArgs::default(), save).await,
                ),
                ("plays", train_plays(&eco, &none, save).await),
            ];
            let mut trained = 0;
            for (name, r) in runs {
                match r {
                    Ok(()) => trained += 1,
                    Err(e) => println!("{name}: skipped: {e:#}"),
                }
            }
            anyhow::ensure!(
                trained > 0,
                "the store holds nothing any model can learn from"
            );
        }
    }
    println!("total {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `ecograph train conflict`.
async fn train_conflict(
    eco: &ecograph::service::Ecosystem,
    rules: &ecograph::conflict::Rules,
    source: &str,
    args: &TrainConflictArgs,
    save: bool,
) -> anyhow::Result<()> {
    use ecograph::conflict::Metrics;
    println!("== conflict");
    let also = load_also(&args.also).await?;
    let also: Vec<(&str, &ecograph::service::Ecosystem)> =
        also.iter().map(|(s, e)| (s.as_str(), e)).collect();
    let run = ecograph::training::train_conflict(
        eco,
        &also,
        rules,
        source,
        args.export_features.as_deref(),
        save,
        args.max_fit_rows,
    )
    .await?;
    let m = &run.trained.model;
    let c = &m.card;
    println!(
        "registrations {}  trained on {} (fit on {})  held out {} (registered from {})",
        c.registrations, c.trained_on, c.fit_on, c.held_out, c.split_at
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>8} {:>10} {:>8}",
        "held-out", "ROC AUC", "PR AUC", "Brier", "ECE", "P@high", "R@high"
    );
    let row = |name: &str, x: &Metrics| {
        println!(
            "{:<22} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>10.4} {:>8.4}",
            name, x.roc_auc, x.pr_auc, x.brier, x.ece, x.precision_at_high, x.recall_at_high
        )
    };
    row("new model", &c.metrics);
    row("rules only", &c.rules_baseline);
    if let (Some(cur), Some(v)) = (&run.trained.current, &run.current_version) {
        row(&format!("current ({v})"), cur);
    }
    write_model(args.out.as_deref(), m)?;
    if let Some(p) = &args.export_features {
        println!("features written to {}", p.display());
    }
    match &run.saved_as {
        Some(v) => println!(
            "saved as version {v}; a running service serves it after POST /v1/models/reload or a restart"
        ),
        None => println!("not saved (--dry-run)"),
    }
    println!(
        "features {:.1} s, fit {:.1} s",
        run.feature_seconds, run.fit_seconds
    );
    Ok(())
}

fn write_model<T: serde::Serialize>(out: Option<&std::path::Path>, m: &T) -> anyhow::Result<()> {
    if let Some(p) = out {
        std::fs::write(p, serde_json::to_string_pretty(m)? + "\n")
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
        println!("model written to {}", p.display());
    }
    Ok(())
}

/// Saves an intelligence model `name` with its card (unless a dry run) and writes it to `--out`.
async fn keep(
    eco: &ecograph::service::Ecosystem,
    name: &str,
    model: ecograph::learn::Logistic,
    card: &impl serde::Serialize,
    out: Option<&std::path::Path>,
    save: bool,
) -> anyhow::Result<()> {
    let versioned = ecograph::intel::Versioned {
        name: name.into(),
        model,
        card: serde_json::to_value(card)?,
    };
    write_model(out, &versioned)?;
    if save {
        let v = ecograph::registry::save(&**eco.store(), name, &versioned).await?;
        println!(
            "saved as version {v}; a running service serves it after POST /v1/models/reload or a restart"
        );
    } else {
        println!("not saved (--dry-run)");
    }
    Ok(())
}

/// Opens and loads the stores named by `--also-database-url`, with their display URLs.
async fn load_also(urls: &[String]) -> anyhow::Result<Vec<(String, ecograph::service::Ecosystem)>> {
    let mut also = Vec::new();
    for url in urls {
        let repo = ecograph::store::open_existing(url).await?;
        let (other, loaded) = ecograph::service::Ecosystem::load(repo).await?;
        eprintln!(
            "loaded {} in {:.1} s",
            ecograph::store::display_url(url),
            loaded.seconds
        );
        also.push((ecograph::store::display_url(url), other));
    }
    Ok(also)
}

/// Runs `f` over the graphs of `eco` (named `source`) and of the `--also-database-url` stores,
/// each with its name, read at once.
fn read_stores<R>(
    eco: &ecograph::service::Ecosystem,
    source: &str,
    also: &[(String, ecograph::service::Ecosystem)],
    f: impl FnOnce(&[(&str, &ecograph::graph::EcoGraph)]) -> R,
) -> R {
    let mut ecos = vec![eco];
    ecos.extend(also.iter().map(|(_, e)| e));
    ecograph::service::Ecosystem::read_many(&ecos, |gs| {
        let mut stores = vec![(source, gs[0])];
        stores.extend(
            also.iter()
                .zip(&gs[1..])
                .map(|((s, _), g)| (s.as_str(), *g)),
        );
        f(&stores)
    })
}

/// `ecograph train partners`.
async fn train_partners(
    eco: &ecograph::service::Ecosystem,
    source: &str,
    args: &TrainAlsoArgs,
    save: bool,
) -> anyhow::Result<()> {
    use ecograph::intel::holdout::{RankScore, ShapeReport};
    println!("== partners");
    let current =
        ecograph::registry::serving_intel(&**eco.store(), ecograph::intel::PARTNERS).await?;
    let also = load_also(&args.also).await?;
    let t = std::time::Instant::now();
    let (model, card) = read_stores(eco, source, &also, |stores| {
        ecograph::intel::holdout::train_stores(stores, current.as_ref().map(|c| &c.model))
    })?;
    println!(
        "fitted on the {} days before each store's hold-out: {} rows; served model: {} rows",
        ecograph::intel::holdout::TRAIN_DAYS,
        card.measured_fit_rows,
        card.fit_rows
    );
    let score = |x: Option<&RankScore>| match x {
        Some(x) => format!("{:>7.4} {:>7.4}", x.recall, x.ndcg),
        None => format!("{:>7} {:>7}", "-", "-"),
    };
    let table = |source: &str, from, to, accounts: &ShapeReport, deals: &ShapeReport| {
        println!("{source}: held out deals created {from} .. {to}");
        println!(
            "{:<9} {:>7} {:>7} {:>8} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7}",
            "shape",
            "queries",
            "cand/q",
            "cand rec",
            "model R",
            "NDCG",
            "curr R",
            "NDCG",
            "RA R",
            "NDCG",
            "pop R",
            "NDCG",
            "rpop R",
            "NDCG"
        );
        for (name, r) in [("accounts", accounts), ("deals", deals)] {
            println!(
                "{:<9} {:>7} {:>7.1} {:>8.4} | {} | {} | {} | {} | {}",
                name,
                r.queries,
                r.candidates_per_query,
                r.candidate_recall,
                score(Some(&r.model)),
                score(r.current.as_ref()),
                score(Some(&r.resource_allocation)),
                score(Some(&r.popularity)),
                score(Some(&r.regional_popularity)),
            );
        }
    };
    table(
        source,
        card.held_out_from,
        card.horizon,
        &card.accounts,
        &card.deals,
    );
    for h in &card.also {
        table(&h.source, h.held_out_from, h.horizon, &h.accounts, &h.deals);
    }
    if let Some(c) = &current {
        println!("curr = the model served before this run ({})", c.version);
    }
    println!("fit and measure {:.1} s", t.elapsed().as_secs_f64());
    keep(
        eco,
        ecograph::intel::PARTNERS,
        model,
        &card,
        args.out.as_deref(),
        save,
    )
    .await
}

/// `ecograph train ipp_success`.
async fn train_success(
    eco: &ecograph::service::Ecosystem,
    source: &str,
    args: &TrainAlsoArgs,
    save: bool,
) -> anyhow::Result<()> {
    println!("== ipp_success");
    let current =
        ecograph::registry::serving_intel(&**eco.store(), ecograph::intel::SUCCESS).await?;
    let also = load_also(&args.also).await?;
    let t = std::time::Instant::now();
    let (model, card) = read_stores(eco, source, &also, |stores| {
        ecograph::intel::success::train_stores(stores, current.as_ref().map(|c| &c.model))
    })?;
    let curr = |c: Option<(f64, f64)>| match (c, &current) {
        (Some((auc, ece)), Some(v)) => {
            format!(
                "; served before ({}): ROC AUC {auc:.4}, ECE {ece:.4}",
                v.version
            )
        }
        _ => String::new(),
    };
    println!(
        "{source}: partners with an outcome {} ({} succeeded); held out the {} that joined from {}",
        card.partners,
        card.succeeded,
        card.held_out,
        card.held_out_from
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into())
    );
    println!(
        "success model: ROC AUC {:.4}, ECE {:.4}{}",
        card.roc_auc,
        card.ece,
        curr(card.current)
    );
    for c in &card.criteria {
        println!(
            "  {:<10} criteria only ROC AUC {:.4}   blended {:.4}",
            c.ipp_id, c.roc_auc, c.blended_roc_auc
        );
    }
    for a in &card.also {
        println!(
            "{}: partners with an outcome {} ({} succeeded); held out {}",
            a.source, a.partners, a.succeeded, a.held_out
        );
        println!(
            "success model: ROC AUC {:.4}, ECE {:.4}{}",
            a.roc_auc,
            a.ece,
            curr(a.current)
        );
    }
    println!("fit and measure {:.1} s", t.elapsed().as_secs_f64());
    keep(
        eco,
        ecograph::intel::SUCCESS,
        model,
        &card,
        args.out.as_deref(),
        save,
    )
    .await
}

/// `ecograph train plays`.
async fn train_plays(
    eco: &ecograph::service::Ecosystem,
    out: &TrainOutArgs,
    save: bool,
) -> anyhow::Result<()> {
    println!("== plays");
    let t = std::time::Instant::now();
    let (model, card) = eco.read(ecograph::intel::plays::train_graph)?;
    println!(
        "fitted on {} runs; held out {} runs whose outcome became known {} .. {}",
        card.measured_fit_rows, card.held_out, card.held_out_from, card.horizon
    );
    println!(
        "model ROC AUC {:.4}, ECE {:.4}; the play's own success rate alone ROC AUC {:.4}",
        card.roc_auc, card.ece, card.play_rate_roc_auc
    );
    println!(
        "{} partners ran two or more plays in the hold-out: the model's pick succeeded {:.4}, the most popular play {:.4} (lift {:.3})",
        card.partners_compared, card.top_pick_success, card.popular_pick_success, card.lift
    );
    println!("fit and measure {:.1} s", t.elapsed().as_secs_f64());
    keep(
        eco,
        ecograph::intel::PLAYS,
        model,
        &card,
        out.out.as_deref(),
        save,
    )
    .await
}
