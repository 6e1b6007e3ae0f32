//! Where `publish` puts things under `s3://bucket/PREFIX`, one key per idea:
//!
//! ```text
//! PREFIX/findings/dt=YYYY-MM-DD/repository=<slug>/<scan id>.ndjson.gz   the findings table
//!                                                        (or <scan id>.parquet, see TableFormat)
//! PREFIX/reports/<slug>/<scan id>/…                                      each scan's report folder
//! PREFIX/site-data/records/<slug>/<scan id>.json                         each scan's dashboard record
//! PREFIX/site-data/index.json                                            the dashboard's index
//! PREFIX/site/…                                                          the dashboard
//! ```
//!
//! `findings/` holds nothing but findings, so it can be a table's `LOCATION` (Athena, Trino,
//! Spark, DuckDB read every object under it); its keys are Hive-style partitions, by the day of
//! the scan and the image's repository. The repository is its [`slug`](crate::site::slug)
//! (`ghcr.io/org/app` → `ghcr.io_org_app`): a key segment that needs no escaping in any engine;
//! each row holds the full reference in `image`. A scan id holds a digest of the report, so no two
//! scans share a key and every object is written once.
//!
//! Listings come back from the bucket, so a key is taken back only if this module could have made
//! it ([`record_of`]).

use super::S3Url;
use crate::site::{ScanId, Slug};

pub const FINDINGS: &str = "findings";
pub const REPORTS: &str = "reports";
pub const SITE: &str = "site";
const RECORDS: &str = "site-data/records";
const INDEX: &str = "site-data/index.json";

/// `YYYY-MM-DD`, checked: it becomes a key segment and a partition value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day(String);

impl Day {
    /// The day of an RFC 3339 time, in UTC.
    pub fn of(time: &str) -> Option<Day> {
        let secs = scanlens_model::date::parse_timestamp(time)?;
        let day = scanlens_model::date::format_day(secs);
        let b = day.as_bytes();
        let shaped = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        shaped.then_some(Day(day))
    }

    /// Today, in UTC: for a report that does not say when it was scanned.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Day(scanlens_model::date::format_day(secs))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the findings table's objects are written (`publish --table-format`). One prefix should
/// hold one format: a table's `LOCATION` is read with one reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// findings.ndjson's rows, gzipped (`<scan id>.ndjson.gz`)
    #[default]
    Ndjson,
    /// The same rows as Parquet, ZSTD-compressed (`<scan id>.parquet`)
    Parquet,
}

impl TableFormat {
    /// The file name's ending after the scan id.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Ndjson => "ndjson.gz",
            TableFormat::Parquet => "parquet",
        }
    }
}

pub fn findings_key(
    dest: &S3Url,
    day: &Day,
    slug: &Slug,
    id: &ScanId,
    format: TableFormat,
) -> String {
    dest.key(&format!(
        "{FINDINGS}/dt={}/repository={}/{}.{}",
        day.as_str(),
        slug.as_str(),
        id.as_str(),
        format.extension()
    ))
}

/// The key of `rel` (a path under the report folder, `/` between names).
pub fn report_key(dest: &S3Url, slug: &Slug, id: &ScanId, rel: &str) -> String {
    dest.key(&format!(
        "{REPORTS}/{}/{}/{rel}",
        slug.as_str(),
        id.as_str()
    ))
}

/// What is listed to find a scan's report folder (ends with `/`).
pub fn report_prefix(dest: &S3Url, slug: &Slug, id: &ScanId) -> String {
    report_key(dest, slug, id, "")
}

pub fn record_key(dest: &S3Url, slug: &Slug, id: &ScanId) -> String {
    dest.key(&format!("{RECORDS}/{}/{}.json", slug.as_str(), id.as_str()))
}

/// What is listed to find every record (ends with `/`).
pub fn records_prefix(dest: &S3Url) -> String {
    dest.key(&format!("{RECORDS}/"))
}

pub fn index_key(dest: &S3Url) -> String {
    dest.key(INDEX)
}

pub fn site_key(dest: &S3Url, rel: &str) -> String {
    dest.key(&format!("{SITE}/{rel}"))
}

/// The slug and scan id of a listed record key, or `None` for a key [`record_key`] would not
/// make (anything else someone put there).
pub fn record_of(dest: &S3Url, key: &str) -> Option<(Slug, ScanId)> {
    let rest = key.strip_prefix(&records_prefix(dest))?;
    let (slug, file) = rest.split_once('/')?;
    let id = file.strip_suffix(".json")?;
    Some((
        Slug::try_from(slug.to_string()).ok()?,
        ScanId::try_from(id.to_string()).ok()?,
    ))
}

/// The path under the report folder of a listed report key, or `None` if it is not a plain
/// relative path (no empty, `.` or `..` segment) of at most `depth` names.
pub fn report_file_of<'k>(prefix: &str, key: &'k str, depth: usize) -> Option<&'k str> {
    let rel = key.strip_prefix(prefix)?;
    let ok = !rel.is_empty()
        && rel.split('/').count() <= depth
        && rel.split('/').all(|s| super::check_segment(s).is_ok());
    ok.then_some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest() -> S3Url {
        S3Url::parse("s3://bkt/scans").unwrap()
    }

    #[test]
    fn keys() {
        let slug = crate::site::slug("ghcr.io/org/app");
        let id = ScanId::try_from("20240131235959-0123456789ab".to_string()).unwrap();
        let day = Day::of("2024-01-31T23:59:59+00:00").unwrap();
        assert_eq!(
            findings_key(&dest(), &day, &slug, &id, TableFormat::Ndjson),
            "scans/findings/dt=2024-01-31/repository=ghcr.io_org_app/20240131235959-0123456789ab.ndjson.gz"
        );
        assert_eq!(
            findings_key(&dest(), &day, &slug, &id, TableFormat::Parquet),
            "scans/findings/dt=2024-01-31/repository=ghcr.io_org_app/20240131235959-0123456789ab.parquet"
        );
        assert_eq!(
            report_key(&dest(), &slug, &id, "index.html"),
            "scans/reports/ghcr.io_org_app/20240131235959-0123456789ab/index.html"
        );
        let record = record_key(&dest(), &slug, &id);
        assert_eq!(
            record,
            "scans/site-data/records/ghcr.io_org_app/20240131235959-0123456789ab.json"
        );
        assert_eq!(record_of(&dest(), &record), Some((slug, id)));
        assert_eq!(index_key(&dest()), "scans/site-data/index.json");
        // A time with an offset is the UTC day.
        assert_eq!(
            Day::of("2024-01-31T23:00:00-02:00").unwrap().as_str(),
            "2024-02-01"
        );
        assert!(Day::of("yesterday").is_none());
    }

    #[test]
    fn listed_keys_scanlens_would_not_make_are_not_taken_back() {
        let p = records_prefix(&dest());
        for key in [
            format!("{p}../0123456789ab.json"),
            format!("{p}app/../../0123456789ab.json"),
            format!("{p}app/0123456789ab.json.tmp"),
            format!("{p}App/0123456789ab.json"),
            format!("{p}0123456789ab.json"),
            "other/site-data/records/app/0123456789ab.json".to_string(),
        ] {
            assert_eq!(record_of(&dest(), &key), None, "{key}");
        }
        let r = "scans/reports/app/0123456789ab/";
        assert_eq!(
            report_file_of(r, &format!("{r}index.html"), 2),
            Some("index.html")
        );
        assert_eq!(report_file_of(r, &format!("{r}a/b/c"), 2), None);
        assert_eq!(report_file_of(r, &format!("{r}../x"), 2), None);
        assert_eq!(report_file_of(r, &format!("{r}a//x"), 2), None);
        assert_eq!(report_file_of(r, r, 2), None);
    }
}
