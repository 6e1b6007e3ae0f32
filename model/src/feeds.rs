//! Exploitability feeds: CISA's Known Exploited Vulnerabilities catalog ([`KevCatalog`]) and
//! FIRST's EPSS scores ([`EpssScores`]), read from the bytes their publishers serve and joined
//! onto a report's vulnerabilities by [`enrich`].
//!
//! Pure like the rest of the model: the generator reads or downloads the files and passes their
//! contents in. A feed is read completely or refused with the line that is wrong, so a report
//! never says "not exploited" because half a catalog was read.

mod cve;
mod epss;
mod kev;

pub use cve::CveId;
pub use epss::EpssScores;
pub use kev::KevCatalog;

use crate::report::{Epss, Feed, Feeds, Kev, Kind, Report};

/// Why a feed was refused: what is wrong and where (a 1-based line, and a column when known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedError {
    /// 0 when the error is about the file as a whole.
    pub line: usize,
    /// 0 when only the line is known.
    pub column: usize,
    pub message: String,
}

impl FeedError {
    fn at(line: usize, message: impl Into<String>) -> FeedError {
        FeedError {
            line,
            column: 0,
            message: message.into(),
        }
    }

    fn whole(message: impl Into<String>) -> FeedError {
        FeedError::at(0, message)
    }
}

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (0, _) => f.write_str(&self.message),
            (l, 0) => write!(f, "{l}: {}", self.message),
            (l, c) => write!(f, "{l}:{c}: {}", self.message),
        }
    }
}

impl std::error::Error for FeedError {}

/// Sets `kev` and `epss` on every vulnerability of `report` from the feeds given (`Listed` or
/// `Unlisted`), and records the feeds in `report.feeds`. Other kinds of finding have no CVE, so
/// they stay `NotGiven`. With neither feed, nothing changes.
///
/// A finding is looked up by its ID and by those of its aliases that are CVE IDs (a GHSA or a
/// vendor advisory often names the CVE it is). The KEV entry is the first listed of these; the
/// EPSS score is the highest, since the finding is as exploitable as its most exploitable CVE.
pub fn enrich(report: &mut Report, kev: Option<&KevCatalog>, epss: Option<&EpssScores>) {
    if kev.is_none() && epss.is_none() {
        return;
    }
    // One allocation per report for the EPSS date, not one per finding: clones of a short
    // `String` are cheap, but 100,000 of them are not free either, so build it once.
    let date = epss.map(|e| e.score_date().to_string()).unwrap_or_default();
    let join = |f: &mut crate::report::Finding| {
        if f.kind != Kind::Vulnerability {
            return;
        }
        let ids = || {
            std::iter::once(f.id.as_str())
                .chain(f.aliases.iter().map(String::as_str))
                .filter_map(CveId::parse)
        };
        if let Some(catalog) = kev {
            f.kev = match ids().find_map(|id| catalog.get(id)) {
                Some(entry) => Feed::Listed(Kev::clone(entry)),
                None => Feed::Unlisted,
            };
        }
        if let Some(scores) = epss {
            let best =
                ids()
                    .filter_map(|id| scores.get(id))
                    .fold(None, |best: Option<(f64, f64)>, s| match best {
                        Some(b) if b.0 >= s.0 => Some(b),
                        _ => Some(s),
                    });
            f.epss = match best {
                Some((score, percentile)) => Feed::Listed(Epss {
                    score,
                    percentile,
                    date: date.clone(),
                }),
                None => Feed::Unlisted,
            };
        }
    };
    // Each finding is looked up on its own: on every core where the generator asks.
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        report.findings.par_iter_mut().for_each(join);
    }
    #[cfg(not(feature = "parallel"))]
    report.findings.iter_mut().for_each(join);
    report.feeds = Some(Feeds {
        kev: kev.map(|k| k.version().to_string()),
        epss: epss.map(|e| format!("{} {}", e.model_version(), e.score_date())),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Finding;

    const KEV: &str = r#"{"catalogVersion":"2025.08.25","dateReleased":"2025-08-25T17:04:19.9796Z","count":2,"vulnerabilities":[
        {"cveID":"CVE-2022-22965","vulnerabilityName":"Spring4Shell","dateAdded":"2022-04-04","requiredAction":"Apply updates.","dueDate":"2022-04-25","knownRansomwareCampaignUse":"Known"},
        {"cveID":"CVE-2021-44228","vulnerabilityName":"Log4Shell","dateAdded":"2021-12-10","requiredAction":"Apply updates.","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Unknown"}]}"#;
    const EPSS: &str = "#model_version:v2025.03.14,score_date:2025-03-15T00:00:00+0000\ncve,epss,percentile\nCVE-2022-22965,0.94432,0.99961\nCVE-2023-0001,0.00043,0.0921\nCVE-2023-0002,0.5,0.97\n";

    fn finding(kind: Kind, id: &str, aliases: &[&str]) -> Finding {
        Finding {
            kind,
            id: id.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            ..Finding::default()
        }
    }

    fn report() -> Report {
        Report {
            findings: vec![
                finding(Kind::Vulnerability, "CVE-2022-22965", &[]),
                finding(
                    Kind::Vulnerability,
                    "GHSA-xxxx",
                    &["CVE-2023-0001", "CVE-2023-0002"],
                ),
                finding(Kind::Vulnerability, "CVE-1999-0001", &["DSA-1"]),
                finding(Kind::Misconfiguration, "CVE-2022-22965", &[]),
                finding(Kind::Secret, "aws-access-key-id", &[]),
            ],
            ..Report::default()
        }
    }

    #[test]
    fn vulnerabilities_are_listed_or_unlisted_and_other_kinds_untouched() {
        let kev = KevCatalog::parse(KEV.as_bytes()).unwrap();
        let epss = EpssScores::parse(EPSS.as_bytes()).unwrap();
        let mut r = report();
        enrich(&mut r, Some(&kev), Some(&epss));
        let f = &r.findings;
        let k = f[0].kev.listed().expect("spring4shell is in KEV");
        assert_eq!(k.date_added, "2022-04-04");
        assert!(k.ransomware);
        assert_eq!(f[0].epss.listed().unwrap().score, 0.94432);
        assert_eq!(f[0].epss.listed().unwrap().date, "2025-03-15");
        // Aliases that are CVE IDs count; the highest score wins.
        assert_eq!(f[1].kev, Feed::Unlisted);
        assert_eq!(f[1].epss.listed().unwrap().score, 0.5);
        assert_eq!(f[2].kev, Feed::Unlisted);
        assert_eq!(f[2].epss, Feed::Unlisted);
        for other in &f[3..] {
            assert!(other.kev.not_given() && other.epss.not_given());
        }
        let feeds = r.feeds.unwrap();
        assert_eq!(feeds.kev.as_deref(), Some("2025.08.25"));
        assert_eq!(feeds.epss.as_deref(), Some("v2025.03.14 2025-03-15"));
    }

    #[test]
    fn one_feed_leaves_the_other_not_given() {
        let kev = KevCatalog::parse(KEV.as_bytes()).unwrap();
        let mut r = report();
        enrich(&mut r, Some(&kev), None);
        assert!(r.findings.iter().all(|f| f.epss.not_given()));
        assert_eq!(r.feeds.unwrap().epss, None);
    }

    #[test]
    fn no_feed_changes_nothing() {
        let mut r = report();
        let before = serde_json::to_vec(&r).unwrap();
        enrich(&mut r, None, None);
        assert_eq!(serde_json::to_vec(&r).unwrap(), before);
    }
}
