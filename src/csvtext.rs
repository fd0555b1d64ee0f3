//! CSV files as real tools export them: decoded from the encoding they were written in, split
//! on the separator they use.
//!
//! Spreadsheets and CRMs do not all write UTF-8 with commas. Excel on Windows saves "CSV" in
//! Windows-1252, and with semicolons where the decimal separator is a comma; "Unicode text" is
//! UTF-16 with tabs. Both the account-list upload and the `match`/`dedupe` commands read their
//! CSV through here, so a file that one accepts the other accepts too.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// A charset was declared that is not a known encoding label.
#[derive(Debug, thiserror::Error)]
#[error("unknown charset '{0}'")]
pub struct UnknownCharset(pub String);

/// Decodes the bytes of an exported file.
///
/// A byte-order mark decides the encoding. Without one, a declared charset (such as the
/// `charset` of a Content-Type) is used, except that a declared UTF-8 is only trusted when the
/// bytes are valid UTF-8. Otherwise the text is UTF-8 when the bytes are valid UTF-8, and
/// Windows-1252 when they are not: that is what spreadsheet tools write on Windows, and it reads
/// Latin-1 text the same way in every printable position. Valid UTF-8 is borrowed, not copied.
pub fn decode<'a>(
    bytes: &'a [u8],
    declared: Option<&str>,
) -> Result<(Cow<'a, str>, &'static Encoding), UnknownCharset> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Ok((text, enc));
    }
    if let Some(label) = declared {
        let enc = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| UnknownCharset(label.to_string()))?;
        if enc != UTF_8 {
            let (text, _) = enc.decode_without_bom_handling(bytes);
            return Ok((text, enc));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), UTF_8)),
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text, WINDOWS_1252))
        }
    }
}

/// Separators a header line is checked for, comma first (it wins ties).
const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The separator of a CSV text: whichever of comma, semicolon, tab and pipe occurs most often
/// outside quotes in its header line; a comma when none does.
pub fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [0usize; SEPARATORS.len()];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = SEPARATORS.iter().position(|s| *s == b) {
            counts[i] += 1;
        }
    }
    let best = (0..SEPARATORS.len())
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    SEPARATORS[best]
}

/// Why an exported file cannot be read as CSV.
#[derive(Debug, thiserror::Error)]
pub enum CsvTextError {
    /// The declared charset is not a known encoding.
    #[error(transparent)]
    Charset(#[from] UnknownCharset),
    /// A quoted field is never closed: the rest of the file would be read as one value.
    #[error("the quoted field opened on line {0} is never closed")]
    UnclosedQuote(usize),
}

/// An exported file, decoded, with the separator its header uses.
pub struct CsvText<'a> {
    /// The decoded text.
    pub text: Cow<'a, str>,
    /// The encoding it was read in (see [`decode`]).
    pub encoding: &'static Encoding,
    /// The field separator (see [`separator`]).
    pub separator: u8,
}

/// Decodes an exported file and finds its separator, refusing one whose quoted field is never
/// closed (see [`unclosed_quote`]).
pub fn open<'a>(bytes: &'a [u8], declared: Option<&str>) -> Result<CsvText<'a>, CsvTextError> {
    let (text, encoding) = decode(bytes, declared)?;
    let separator = separator(&text);
    if let Some(line) = unclosed_quote(&text, separator) {
        return Err(CsvTextError::UnclosedQuote(line));
    }
    Ok(CsvText {
        text,
        encoding,
        separator,
    })
}

impl CsvText<'_> {
    /// A CSV reader over the text. Rows may have fewer or more fields than the header, and
    /// fields are trimmed.
    pub fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(self.separator)
            .from_reader(self.text.as_bytes())
    }
}

/// The line on which a quoted field opens that is never closed, if there is one.
///
/// A reader takes everything after such a quote, to the end of the file, as one value, so the
/// rows after it vanish silently; callers refuse the file instead. Quotes are read as a reader
/// separated by `sep` reads them: a field opens a quote only with its first character, and `""`
/// inside a quoted field is a quote.
pub fn unclosed_quote(text: &str, sep: u8) -> Option<usize> {
    #[derive(PartialEq)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut at, mut line, mut opened) = (At::FieldStart, 1, 0);
    for b in text.bytes() {
        at = match (at, b) {
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (At::FieldStart, b'"') => {
                opened = line;
                At::Quoted
            }
            (_, b'\n') => At::FieldStart,
            (_, c) if c == sep => At::FieldStart,
            _ => At::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (at == At::Quoted).then_some(opened)
}

/// Position of `name` among the header's columns, ignoring ASCII case.
pub fn column(header: &csv::StringRecord, name: &str) -> Option<usize> {
    header.iter().position(|h| h.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed_and_latin1_is_read_as_windows_1252() {
        let (text, enc) = decode("Müller".as_bytes(), None).unwrap();
        assert!(matches!(text, Cow::Borrowed(_)));
        assert_eq!((text.as_ref(), enc), ("Müller", UTF_8));
        // "Müller – Café" in Windows-1252: ü = FC, en dash = 96, é = E9.
        let (text, enc) = decode(b"M\xfcller \x96 Caf\xe9", None).unwrap();
        assert_eq!((text.as_ref(), enc), ("Müller – Café", WINDOWS_1252));
    }

    #[test]
    fn a_byte_order_mark_decides_and_is_dropped() {
        let (text, enc) = decode(b"\xef\xbb\xbfid,name", None).unwrap();
        assert_eq!((text.as_ref(), enc.name()), ("id,name", "UTF-8"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("id\tNäme".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (text, enc) = decode(&utf16, Some("windows-1252")).unwrap();
        assert_eq!((text.as_ref(), enc.name()), ("id\tNäme", "UTF-16LE"));
    }

    #[test]
    fn a_declared_charset_is_used_unless_it_claims_utf8_wrongly() {
        let (text, _) = decode(b"\xd0\xf3\xf1\xfc", Some("windows-1251")).unwrap();
        assert_eq!(text, "Русь");
        let (text, enc) = decode(b"Caf\xe9", Some("utf-8")).unwrap();
        assert_eq!((text.as_ref(), enc), ("Café", WINDOWS_1252));
        let e = decode(b"x", Some("klingon")).unwrap_err();
        assert_eq!(e.to_string(), "unknown charset 'klingon'");
    }

    #[test]
    fn the_separator_is_the_commonest_outside_quotes() {
        assert_eq!(separator("id,name,country\n1;2;3;4"), b',');
        assert_eq!(separator("id;name;country\n"), b';');
        assert_eq!(separator("id\tname\n"), b'\t');
        assert_eq!(separator("id|name\n"), b'|');
        assert_eq!(separator("\"a;b;c\",name\n"), b',');
        assert_eq!(separator("id;name,country\n"), b',');
        assert_eq!(separator("name\n"), b',');
        assert_eq!(separator(""), b',');
    }

    #[test]
    fn a_quote_left_open_is_found_with_its_line() {
        assert_eq!(unclosed_quote("id,name\n1,\"Acme, Inc\"\n", b','), None);
        assert_eq!(
            unclosed_quote("id,name\n1,\"Two\nlines \"\"q\"\"\"\n", b','),
            None
        );
        assert_eq!(unclosed_quote("id,name\n1,Acme 5\" pipe\n", b','), None);
        assert_eq!(
            unclosed_quote("id,name\n1,\"Acme\n2,Beta\n3,Gamma\n", b','),
            Some(2)
        );
        assert_eq!(unclosed_quote("id;name\n1;x\n2;\"open", b';'), Some(3));
        assert_eq!(unclosed_quote("id;name\n1;\"a;b\"\n", b';'), None);
    }

    #[test]
    fn the_reader_splits_on_the_sniffed_separator() {
        let t = open(b"ID; Name\n1; Acme; extra\n2\n", None).unwrap();
        let mut r = t.reader();
        assert_eq!(column(r.headers().unwrap(), "name"), Some(1));
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows, vec![vec!["1", "Acme", "extra"], vec!["2"]]);
        let e = open(b"id,name\n1,\"Acme\n", None).err().unwrap();
        assert!(matches!(e, CsvTextError::UnclosedQuote(2)), "{e}");
    }
}
