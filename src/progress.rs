//! Progress bars for long commands (generate, import, match, dedupe), drawn on stderr only when
//! it is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Reports the progress of a long job in stages: `start` when a stage begins with the number of
/// items it has (0 when unknown), `advance` as items are done. The unit type reports nothing.
pub trait Progress: Sync {
    /// A stage named `stage` with `len` items begins.
    fn start(&self, stage: &str, len: u64) {
        let _ = (stage, len);
    }
    /// `n` more items of the current stage are done.
    fn advance(&self, n: u64) {
        let _ = n;
    }
}

impl Progress for () {}

impl Progress for ProgressBar {
    fn start(&self, stage: &str, len: u64) {
        self.set_message(stage.to_string());
        self.set_length(len);
        self.set_position(0);
    }

    fn advance(&self, n: u64) {
        self.inc(n);
    }
}

/// A bar named `what` over `len` items: drawn on stderr when `on`, hidden otherwise.
pub fn bar(on: bool, what: &str, len: u64) -> ProgressBar {
    let target = if on {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let pb = ProgressBar::with_draw_target(Some(len), target);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:>22} [{bar:30}] {human_pos}/{human_len} {elapsed}/{eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

/// Whether progress should be drawn: stderr is a terminal.
pub fn on_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_follows_its_stages() {
        let pb = bar(false, "x", 10);
        pb.advance(4);
        assert_eq!(pb.position(), 4);
        pb.start("next", 3);
        assert_eq!(
            (pb.position(), pb.length(), pb.message().as_str()),
            (0, Some(3), "next")
        );
        pb.advance(3);
        assert_eq!(pb.position(), 3);
    }
}
