//! Reading company records from CSV, and writing decided pairs.

use super::record::Record;
use crate::csvtext;

/// Errors from reading a record CSV.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The header lacks a required column.
    #[error("missing required column `{0}` in CSV header (columns are read as separated by '{1}')")]
    MissingColumn(&'static str, char),
    /// A data row could not be read (row 1 is the first row after the header).
    #[error("CSV row {row}: {msg}")]
    BadRow {
        /// 1-based data row number.
        row: usize,
        /// What was wrong.
        msg: String,
    },
    /// The header itself could not be read.
    #[error("CSV header: {0}")]
    Header(String),
    /// The text could not be read as CSV (a quoted field is never closed).
    #[error(transparent)]
    Text(#[from] csvtext::CsvTextError),
    /// The file could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

const COLUMNS: [&str; 12] = [
    "id",
    "name",
    "domain",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "region",
    "postal_code",
    "country",
    "industry",
];

/// A row left out of the records because it lacks its id or its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// 1-based data row number (row 1 is the first row after the header).
    pub row: usize,
    /// The row's id, when it has one.
    pub id: Option<String>,
    /// Why it was left out.
    pub reason: &'static str,
}

/// The records of a CSV file and what reading it found.
#[derive(Debug, Clone)]
pub struct RecordFile {
    /// Rows with an id and a name, in file order.
    pub records: Vec<Record>,
    /// Rows without an id or a name, in file order.
    pub skipped: Vec<SkippedRow>,
    /// The encoding the text was read in (see [`csvtext::decode`]).
    pub encoding: &'static str,
    /// The field separator found in the header (see [`csvtext::separator`]).
    pub separator: char,
}

impl RecordFile {
    /// Ids given to more than one row (records and skipped rows alike), each once.
    pub fn duplicate_ids(&self) -> Vec<&str> {
        // A list of a million ids: a fast hasher (the ids are the caller's own, not an
        // attacker's keys to a long-lived table).
        let mut seen = std::collections::HashSet::with_capacity_and_hasher(
            self.records.len() + self.skipped.len(),
            crate::FastHash::default(),
        );
        let mut dup = std::collections::HashSet::with_hasher(crate::FastHash::default());
        let ids = self
            .records
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.skipped.iter().filter_map(|s| s.id.as_deref()));
        ids.filter(|id| !seen.insert(*id) && dup.insert(*id))
            .collect()
    }
}

/// Reads records from the bytes of a CSV file with a header.
///
/// The encoding and the separator are found as [`csvtext`] describes. Understood columns
/// (case-insensitive): id, name, domain, website, email, phone, address, city, region,
/// postal_code, country, industry. Only id and name are required; other columns are optional and
/// unknown ones ignored. Empty cells become `None`. A row with an empty id or name is not a
/// record: it is listed in [`RecordFile::skipped`] and the other rows are read on.
pub fn read_records(bytes: &[u8]) -> Result<RecordFile, CsvError> {
    let text = csvtext::open(bytes, None)?;
    let separator = char::from(text.separator);
    let mut rdr = text.reader();
    let header = rdr.headers().map_err(|e| CsvError::Header(e.to_string()))?;
    let mut pos: [Option<usize>; 12] = [None; 12];
    for (c, name) in COLUMNS.iter().enumerate() {
        pos[c] = csvtext::column(header, name);
    }
    for (c, name) in [(0, "id"), (1, "name")] {
        if pos[c].is_none() {
            return Err(CsvError::MissingColumn(name, separator));
        }
    }
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for (n, row) in rdr.records().enumerate() {
        let row = row.map_err(|e| CsvError::BadRow {
            row: n + 1,
            msg: e.to_string(),
        })?;
        let get = |c: usize| -> Option<String> {
            pos[c]
                .and_then(|i| row.get(i))
                .map(str::to_string)
                .filter(|s| !s.is_empty())
        };
        let (id, name) = match (get(0), get(1)) {
            (Some(id), Some(name)) => (id, name),
            (id, _) => {
                let reason = if id.is_none() {
                    "empty id"
                } else {
                    "empty name"
                };
                skipped.push(SkippedRow {
                    row: n + 1,
                    id,
                    reason,
                });
                continue;
            }
        };
        records.push(Record {
            id,
            name,
            domain: get(2),
            website: get(3),
            email: get(4),
            phone: get(5),
            address: get(6),
            city: get(7),
            region: get(8),
            postal_code: get(9),
            country: get(10),
            industry: get(11),
        });
    }
    Ok(RecordFile {
        records,
        skipped,
        encoding: text.encoding.name(),
        separator,
    })
}

/// Reads records from a CSV file path.
pub fn read_records_path(path: &std::path::Path) -> Result<RecordFile, CsvError> {
    read_records(&std::fs::read(path)?)
}

/// Writes decided pairs as `ecograph match` does: a header `left_id,right_id,score,status`, then
/// one row per pair with the records' ids, the score to four decimals and the status.
pub fn write_pairs(
    path: &std::path::Path,
    left: &[Record],
    right: &[Record],
    decided: &[(super::MatchPair, super::decide::Status)],
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["left_id", "right_id", "score", "status"])?;
    for (p, status) in decided {
        w.write_record([
            left[p.left].id.as_str(),
            right[p.right].id.as_str(),
            &format!("{:.4}", p.score),
            status.as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_reports() {
        let ok = "ID,Name,Website,extra\n1,Acme Inc,acme.com,x\n2,Zenith,,y\n";
        let f = read_records(ok.as_bytes()).unwrap();
        assert_eq!(f.records.len(), 2);
        assert_eq!(f.records[0].website.as_deref(), Some("acme.com"));
        assert_eq!(f.records[1].website, None);
        assert!(f.skipped.is_empty());
        let missing = "id,domain\n1,acme.com\n";
        let e = read_records(missing.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("`name`"), "{e}");
    }

    #[test]
    fn rows_without_id_or_name_are_skipped_and_listed() {
        let f = read_records(b"id,name,domain\n1,Acme,acme.com\n2,,zen.com\n,Orphan\n4,Zenith\n")
            .unwrap();
        let ids: Vec<&str> = f.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["1", "4"]);
        assert_eq!(
            f.skipped,
            vec![
                SkippedRow {
                    row: 2,
                    id: Some("2".into()),
                    reason: "empty name"
                },
                SkippedRow {
                    row: 3,
                    id: None,
                    reason: "empty id"
                },
            ]
        );
    }

    #[test]
    fn latin1_semicolon_exports_are_read() {
        let f =
            read_records(b"Id;Name;Country\n1;M\xfcller GmbH;DE\n2;\"Caf\xe9; Bar\";FR\n").unwrap();
        assert_eq!((f.encoding, f.separator), ("windows-1252", ';'));
        assert_eq!(f.records[0].name, "Müller GmbH");
        assert_eq!(f.records[1].name, "Café; Bar");
        assert_eq!(f.records[1].country.as_deref(), Some("FR"));
    }

    #[test]
    fn duplicate_ids_are_found_once_each() {
        let f = read_records(b"id,name\n1,A\n2,B\n1,C\n1,D\n2,\n3,E\n").unwrap();
        assert_eq!(f.duplicate_ids(), ["1", "2"]);
    }
}
