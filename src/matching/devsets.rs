//! Loaders for the labelled development sets under `<shared>/data/er/` (see its README.md).
//! The data directory is passed in; `../shared` beside the crate root by default.

use std::path::{Path, PathBuf};

use super::record::Record;

/// A dedupe set: records and a ground-truth entity label per record.
#[derive(Debug, Clone)]
pub struct DedupeSet {
    /// Set name.
    pub name: String,
    /// Records.
    pub records: Vec<Record>,
    /// Entity label per record.
    pub labels: Vec<String>,
}

/// A two-list linkage set with an entity label per record on both sides.
#[derive(Debug, Clone)]
pub struct LinkSet {
    /// Set name.
    pub name: String,
    /// Left list.
    pub left: Vec<Record>,
    /// Right list.
    pub right: Vec<Record>,
    /// Entity label per left record.
    pub left_labels: Vec<String>,
    /// Entity label per right record.
    pub right_labels: Vec<String>,
}

/// The team's shared directory as laid out beside a checkout: `../shared` next to the crate root.
pub fn default_shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// `<shared>/data/er`, if it exists.
pub fn er_dir(shared: &Path) -> Option<PathBuf> {
    let d = shared.join("data/er");
    d.is_dir().then_some(d)
}

type Rows = (Vec<String>, Vec<Vec<String>>);

fn read_rows(path: &Path) -> Result<Rows, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| format!("{}: {e}", path.display()))?;
        rows.push(r.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

fn col(header: &[String], name: &str) -> Result<usize, String> {
    header
        .iter()
        .position(|h| h.eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("column {name} missing"))
}

fn opt(row: &[String], i: usize) -> Option<String> {
    row.get(i)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// PATSTAT Dutch patent holders: raw names with KU Leuven cluster ids.
pub fn patstat(er: &Path) -> Result<DedupeSet, String> {
    let (h, rows) = read_rows(&er.join("patstat/patstat_reference.csv"))?;
    let (ip, il, iname) = (
        col(&h, "person_id")?,
        col(&h, "leuven_id")?,
        col(&h, "person_name")?,
    );
    let mut records = Vec::new();
    let mut labels = Vec::new();
    for r in rows {
        records.push(Record {
            id: opt(&r, ip).unwrap_or_default(),
            name: opt(&r, iname).unwrap_or_default(),
            ..Default::default()
        });
        labels.push(opt(&r, il).unwrap_or_default());
    }
    Ok(DedupeSet {
        name: "patstat".into(),
        records,
        labels,
    })
}

/// Chicago early-childhood sites from 9 sources, with `True Id` labels.
pub fn chicago(er: &Path) -> Result<DedupeSet, String> {
    let (h, rows) = read_rows(&er.join("chicago/csv_example_input_with_true_ids.csv"))?;
    let c = |n: &str| col(&h, n);
    let (it, iid, iname, iaddr, izip, iph, iweb, imail) = (
        c("True Id")?,
        c("Id")?,
        c("Site name")?,
        c("Address")?,
        c("Zip")?,
        c("Phone")?,
        c("Website")?,
        c("Email Address")?,
    );
    let mut records = Vec::new();
    let mut labels = Vec::new();
    for r in rows {
        records.push(Record {
            id: opt(&r, iid).unwrap_or_default(),
            name: opt(&r, iname).unwrap_or_default(),
            address: opt(&r, iaddr),
            postal_code: opt(&r, izip),
            phone: opt(&r, iph),
            website: opt(&r, iweb),
            email: opt(&r, imail),
            city: Some("Chicago".into()),
            country: Some("US".into()),
            ..Default::default()
        });
        labels.push(opt(&r, it).unwrap_or_default());
    }
    Ok(DedupeSet {
        name: "chicago".into(),
        records,
        labels,
    })
}

fn febrl_file(path: &Path) -> Result<(Vec<Record>, Vec<String>), String> {
    let (h, rows) = read_rows(path)?;
    let c = |n: &str| col(&h, n);
    let (iid, ig, is, inum, ia1, ia2, isub, ipc, ist) = (
        c("rec_id")?,
        c("given_name")?,
        c("surname")?,
        c("street_number")?,
        c("address_1")?,
        c("address_2")?,
        c("suburb")?,
        c("postcode")?,
        c("state")?,
    );
    let mut recs = Vec::new();
    let mut labels = Vec::new();
    for r in rows {
        let id = opt(&r, iid).unwrap_or_default();
        let label = id.split('-').nth(1).unwrap_or("").to_string();
        let name = [opt(&r, ig), opt(&r, is)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let addr = [opt(&r, inum), opt(&r, ia1), opt(&r, ia2)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        recs.push(Record {
            id,
            name,
            address: Some(addr).filter(|s| !s.is_empty()),
            city: opt(&r, isub),
            postal_code: opt(&r, ipc),
            region: opt(&r, ist),
            country: Some("AU".into()),
            ..Default::default()
        });
        labels.push(label);
    }
    Ok((recs, labels))
}

/// Febrl 4a (originals) vs 4b (one duplicate each): synthetic people, for pipeline checks.
pub fn febrl4(er: &Path) -> Result<LinkSet, String> {
    let (left, left_labels) = febrl_file(&er.join("febrl4/dataset4a.csv"))?;
    let (right, right_labels) = febrl_file(&er.join("febrl4/dataset4b.csv"))?;
    Ok(LinkSet {
        name: "febrl4".into(),
        left,
        right,
        left_labels,
        right_labels,
    })
}

impl DedupeSet {
    /// The same set without the records of its largest cluster (PATSTAT: Philips).
    pub fn without_largest(&self) -> (DedupeSet, String) {
        let mut count: std::collections::HashMap<&str, usize> = Default::default();
        for l in &self.labels {
            *count.entry(l.as_str()).or_default() += 1;
        }
        let big = count
            .into_iter()
            .max_by_key(|(l, c)| (*c, *l))
            .map(|(l, _)| l.to_string())
            .unwrap_or_default();
        let (records, labels) = self
            .records
            .iter()
            .zip(&self.labels)
            .filter(|(_, l)| **l != big)
            .map(|(r, l)| (r.clone(), l.clone()))
            .unzip();
        (
            DedupeSet {
                name: format!("{} w/o largest", self.name),
                records,
                labels,
            },
            big,
        )
    }
}

/// All three development sets, or `None` (with the reason) if the data is absent.
pub fn load_all(shared: &Path) -> Result<(DedupeSet, DedupeSet, LinkSet), String> {
    let er = er_dir(shared).ok_or_else(|| format!("{}/data/er not found", shared.display()))?;
    Ok((patstat(&er)?, chicago(&er)?, febrl4(&er)?))
}
