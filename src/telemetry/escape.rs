//! Field formatting for text logs that keeps every event on one line.
//!
//! The text formatter writes a field given with `%` (Display), and the message, as they are. An id
//! decoded from `%0A` in a path, or an error that quotes a request, would then break the line, and
//! what follows the break reads as a log line of its own, forged by the client. Here every value is
//! written with its control characters escaped (`\n`, `\r`, `\u{1b}`), whichever way it was given.

use std::fmt::{self, Write};
use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::format::Writer;

/// Formats fields as `name=value` (the message bare), escaping control characters in every value.
#[derive(Debug, Default, Clone, Copy)]
pub struct EscapedFields;

impl<'w> MakeVisitor<Writer<'w>> for EscapedFields {
    type Visitor = Visitor<'w>;

    fn make_visitor(&self, target: Writer<'w>) -> Visitor<'w> {
        Visitor {
            writer: target,
            result: Ok(()),
            first: true,
        }
    }
}

/// Writes one event's or span's fields for [`EscapedFields`].
pub struct Visitor<'w> {
    writer: Writer<'w>,
    result: fmt::Result,
    first: bool,
}

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        // Strings are quoted, as the default formatter does, except the message.
        if field.name() == "message" {
            self.record_debug(field, &format_args!("{value}"));
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let name = field.name();
        // `log` records bridged into tracing carry their metadata as fields the line shows already.
        if self.result.is_err() || name.starts_with("log.") {
            return;
        }
        let pad = if self.first { "" } else { " " };
        self.first = false;
        let mut out = Escaping(&mut self.writer);
        self.result = match name {
            "message" => write!(out, "{pad}{value:?}"),
            name => write!(
                out,
                "{pad}{}={value:?}",
                name.strip_prefix("r#").unwrap_or(name)
            ),
        };
    }
}

impl VisitOutput<fmt::Result> for Visitor<'_> {
    fn finish(self) -> fmt::Result {
        self.result
    }
}

impl VisitFmt for Visitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        &mut self.writer
    }
}

/// Passes text through with control characters (and the Unicode line and paragraph separators)
/// written as escapes.
struct Escaping<'a, W: Write>(&'a mut W);

impl<W: Write> Write for Escaping<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s;
        while let Some(at) = rest.find(needs_escape) {
            let (plain, tail) = rest.split_at(at);
            self.0.write_str(plain)?;
            let c = tail.chars().next().expect("found a character here");
            write!(self.0, "{}", c.escape_default())?;
            rest = &tail[c.len_utf8()..];
        }
        self.0.write_str(rest)
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        Escaping(&mut out).write_str(s).unwrap();
        out
    }

    #[test]
    fn control_characters_are_written_as_escapes() {
        assert_eq!(escaped("a\nb\r\tc"), r"a\nb\r\tc");
        assert_eq!(escaped("\u{1b}[31mred"), r"\u{1b}[31mred");
        assert_eq!(escaped("x\u{85}y\u{2028}z"), r"x\u{85}y\u{2028}z");
    }

    #[test]
    fn printable_text_passes_through_unchanged() {
        assert_eq!(escaped("Zürich GmbH & Co. 東京"), "Zürich GmbH & Co. 東京");
    }
}
