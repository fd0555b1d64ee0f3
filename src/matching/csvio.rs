//! Reading company records from CSV.

use std::io::Read;

use super::record::Record;

/// Errors from reading a record CSV.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The header lacks a required column.
    #[error("missing required column `{0}` in CSV header")]
    MissingColumn(&'static str),
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

/// Reads records from CSV text with a header. Understood columns (case-insensitive):
/// id, name, domain, website, email, phone, address, city, region, postal_code, country,
/// industry. Only id and name are required; others are optional and unknown columns ignored.
/// Empty cells become `None`.
pub fn read_records<R: Read>(input: R) -> Result<Vec<Record>, CsvError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let header = rdr.headers().map_err(|e| CsvError::Header(e.to_string()))?;
    let mut pos: [Option<usize>; 12] = [None; 12];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        if let Some(c) = COLUMNS.iter().position(|c| *c == h)
            && pos[c].is_none()
        {
            pos[c] = Some(i);
        }
    }
    for (c, name) in [(0, "id"), (1, "name")] {
        if pos[c].is_none() {
            return Err(CsvError::MissingColumn(name));
        }
    }
    let mut out = Vec::new();
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
        let id = get(0).ok_or_else(|| CsvError::BadRow {
            row: n + 1,
            msg: "empty id".into(),
        })?;
        let name = get(1).ok_or_else(|| CsvError::BadRow {
            row: n + 1,
            msg: "empty name".into(),
        })?;
        out.push(Record {
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
    Ok(out)
}

/// Reads records from a CSV file path.
pub fn read_records_path(path: &std::path::Path) -> Result<Vec<Record>, CsvError> {
    let f = std::fs::File::open(path)
        .map_err(|e| CsvError::Header(format!("{}: {e}", path.display())))?;
    read_records(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_reports() {
        let ok = "ID,Name,Website,extra\n1,Acme Inc,acme.com,x\n2,Zenith,,y\n";
        let r = read_records(ok.as_bytes()).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].website.as_deref(), Some("acme.com"));
        assert_eq!(r[1].website, None);
        let missing = "id,domain\n1,acme.com\n";
        let e = read_records(missing.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("`name`"), "{e}");
        let bad = "id,name\n1,Acme\n2,\n";
        let e = read_records(bad.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
    }
}
