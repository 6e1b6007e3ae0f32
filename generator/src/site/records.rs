//! The immutable record of one published scan, and how records make an index.
//!
//! Concurrent CI jobs cannot share one `site.json` safely: each would read it, add its scan and
//! write it back, and the last writer would drop the others' scans. Instead each job writes its
//! scan's record once, under a key no other scan has (`<slug>/<scan id>.json`), and the index is
//! a union of records: merging the same records in any order, any number of times, gives the same
//! index. Records come back from a bucket, so they are read as untrusted: the scan id must be one
//! scanlens makes, and the image name is only ever text (the folder it lands in is [`slug`]ged).

use super::{image_slot, ScanEntry, ScanId, SiteIndex};
use serde::{Deserialize, Serialize};

pub const RECORD_VERSION: u32 = 1;
/// The longest image name a record may carry: registries allow 255 bytes per reference.
const NAME_MAX: usize = 512;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanRecord {
    pub version: u32,
    /// The image's repository, as the index lists it.
    pub image: String,
    pub scan: ScanEntry,
}

impl ScanRecord {
    pub fn new(image: String, scan: ScanEntry) -> ScanRecord {
        ScanRecord {
            version: RECORD_VERSION,
            image,
            scan,
        }
    }

    pub fn id(&self) -> &ScanId {
        &self.scan.id
    }

    /// A record read back, refused (with the reason) unless scanlens could have written it.
    pub fn parse(bytes: &[u8]) -> Result<ScanRecord, String> {
        let r: ScanRecord = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if r.version > RECORD_VERSION {
            return Err(format!(
                "it was written by a newer scanlens (record version {}); upgrade scanlens",
                r.version
            ));
        }
        if r.image.is_empty() || r.image.len() > NAME_MAX || r.image.chars().any(char::is_control) {
            return Err("its image name is not one an image can have".into());
        }
        if r.scan.reference.len() > NAME_MAX || r.scan.reference.chars().any(char::is_control) {
            return Err("its image reference is not one an image can have".into());
        }
        Ok(r)
    }
}

/// Adds the record's scan to the index; `false` if the index already lists it.
pub fn merge(index: &mut SiteIndex, record: &ScanRecord) -> anyhow::Result<bool> {
    let image = image_slot(index, &record.image)?;
    if image.scans.iter().any(|s| s.id == record.scan.id) {
        return Ok(false);
    }
    image.scans.push(record.scan.clone());
    image
        .scans
        .sort_by(|a, b| (&a.scanned_at, &a.id).cmp(&(&b.scanned_at, &b.id)));
    index.images.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(true)
}

/// Whether the index lists the scan `id` of the image `name`.
pub fn lists(index: &SiteIndex, name: &str, id: &str) -> bool {
    index
        .images
        .iter()
        .any(|i| i.name == name && i.scans.iter().any(|s| s.id.as_str() == id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scanlens_model::SeverityCounts;

    fn record(image: &str, id: &str, at: &str) -> ScanRecord {
        ScanRecord::new(
            image.into(),
            ScanEntry {
                id: ScanId::try_from(id.to_string()).unwrap(),
                reference: format!("{image}:1"),
                scanned_at: at.into(),
                commit: None,
                counts: SeverityCounts::default(),
                fixable: 0,
                known_exploited: None,
                fixable_critical_high: Some(0),
                terms: vec!["CVE-1".into()],
                hits: Vec::new(),
            },
        )
    }

    #[test]
    fn merging_is_a_union_in_any_order() {
        let a = record("app", "20240101000000-0123456789ab", "2024-01-01T00:00:00Z");
        let b = record("app", "20240102000000-0123456789ac", "2024-01-02T00:00:00Z");
        let c = record("db", "20240101000000-0123456789ad", "2024-01-01T00:00:00Z");
        let mut one = SiteIndex::default();
        let mut two = SiteIndex::default();
        for r in [&a, &b, &c] {
            assert!(merge(&mut one, r).unwrap());
        }
        for r in [&c, &b, &a, &b] {
            merge(&mut two, r).unwrap();
        }
        assert!(!merge(&mut one, &a).unwrap(), "the same scan twice");
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&two).unwrap()
        );
        assert_eq!(
            one.images[0].scans[1].id.as_str(),
            "20240102000000-0123456789ac"
        );
        assert!(lists(&one, "db", "20240101000000-0123456789ad"));
        assert!(!lists(&one, "db", "20240102000000-0123456789ac"));
    }

    #[test]
    fn a_record_from_before_the_fix_first_figures_is_read_without_them() {
        let old = r#"{"version":1,"image":"app","scan":{"id":"0123456789ab","reference":"app:1","scanned_at":"","counts":{"CRITICAL":1,"HIGH":0,"MEDIUM":0,"LOW":0,"UNKNOWN":0},"fixable":1,"terms":[]}}"#;
        let r = ScanRecord::parse(old.as_bytes()).unwrap();
        assert_eq!(r.scan.known_exploited, None);
        assert_eq!(r.scan.fixable_critical_high, None);
        let mut index = SiteIndex::default();
        assert!(merge(&mut index, &r).unwrap());
        // A figure that is not a count is not one scanlens writes.
        let bad = old.replace("\"fixable\":1", "\"fixable\":1,\"known_exploited\":-1");
        assert!(ScanRecord::parse(bad.as_bytes()).is_err());
    }

    #[test]
    fn records_scanlens_would_not_write_are_refused() {
        let ok = serde_json::to_vec(&record("app", "0123456789ab", "")).unwrap();
        assert!(ScanRecord::parse(&ok).is_ok());
        let bad_id = String::from_utf8(ok.clone())
            .unwrap()
            .replace("0123456789ab", "../../x");
        assert!(ScanRecord::parse(bad_id.as_bytes()).is_err());
        let bad_name = serde_json::to_vec(&record("a\u{1b}[31m", "0123456789ab", "")).unwrap();
        assert!(ScanRecord::parse(&bad_name).is_err());
        let newer = String::from_utf8(ok)
            .unwrap()
            .replace("\"version\":1", "\"version\":9");
        assert!(ScanRecord::parse(newer.as_bytes())
            .unwrap_err()
            .contains("upgrade"));
        assert!(ScanRecord::parse(b"{").is_err());
    }
}
