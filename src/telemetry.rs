//! Logging and tracing set-up.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: human-readable lines on stderr, filtered by `filter`
/// (`RUST_LOG` syntax). Calling it twice is harmless.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// The process's resident memory in bytes, where the platform reports it (Linux `/proc`).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // Every Linux platform ecograph builds for uses 4 KiB pages.
    Some(pages * 4096)
}
