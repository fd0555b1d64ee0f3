//! Logging, tracing and metrics set-up.

mod escape;
mod metrics;

pub use escape::EscapedFields;
pub use metrics::Metrics;

use crate::settings::LogFormat;
use std::io::IsTerminal;
use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber: lines on stderr in `format`, filtered by `filter` (`RUST_LOG`
/// syntax), coloured only when stderr is a terminal. Calling it twice is harmless.
pub fn init(filter: &str, format: LogFormat) {
    let ansi = std::io::stderr().is_terminal();
    let _ = subscriber(filter, format, std::io::stderr, ansi).try_init();
}

/// The subscriber [`init`] installs, writing to `writer`.
///
/// Text lines escape control characters in every field (see [`EscapedFields`]); JSON lines carry
/// the fields of every enclosing span, so each line of a request names its request id.
pub fn subscriber<W>(
    filter: &str,
    format: LogFormat,
    writer: W,
    ansi: bool,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false);
    match format {
        LogFormat::Text => Box::new(builder.with_ansi(ansi).fmt_fields(EscapedFields).finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(true)
                .finish(),
        ),
    }
}

/// The process's resident memory in bytes, where the platform reports it (Linux `/proc`).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // Every Linux platform ecograph builds for uses 4 KiB pages.
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer that keeps what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Logs, in `format`, what a request for an id holding a line break would log.
    fn log_a_forged_id(format: LogFormat) -> String {
        let out = Captured::default();
        let sink = out.clone();
        let sub = subscriber("info", format, move || sink.clone(), false);
        tracing::subscriber::with_default(sub, || {
            let span = tracing::error_span!("request", request_id = %"r-1");
            let _in = span.enter();
            let id = "P-1\nINFO forged line";
            tracing::info!(id = %id, "partner {id} does not exist");
        });
        out.text()
    }

    #[test]
    fn a_line_break_in_a_logged_value_cannot_start_a_new_text_line() {
        let text = log_a_forged_id(LogFormat::Text);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains(r"id=P-1\nINFO forged line"), "{text}");
        assert!(text.contains(r"partner P-1\nINFO forged line does not exist"));
        assert!(text.contains("request{request_id=r-1}"), "{text}");
    }

    #[test]
    fn json_lines_parse_and_carry_the_request_span() {
        let text = log_a_forged_id(LogFormat::Json);
        assert_eq!(text.lines().count(), 1, "{text}");
        let line: serde_json::Value = serde_json::from_str(text.trim_end()).expect("one JSON line");
        assert_eq!(line["id"], "P-1\nINFO forged line");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["spans"][0]["name"], "request");
        assert_eq!(line["spans"][0]["request_id"], "r-1");
    }

    #[test]
    fn text_lines_carry_no_colour_codes_when_asked_not_to() {
        let text = log_a_forged_id(LogFormat::Text);
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}
