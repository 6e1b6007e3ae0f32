use super::*;
use std::sync::Arc;

/// The page data of `report`, as JSON.
fn json(report: &Report) -> String {
    let mut out = Vec::new();
    write_json(report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// How many entries each table of the page data holds.
fn table_len(json: &str, table: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v[table].as_array().map_or(0, Vec::len)
}

fn finding(id: &str, pkg: &str, desc: &str) -> Finding {
    Finding {
        id: id.into(),
        target: "img (debian 12)".into(),
        description: desc.into(),
        title: "t".into(),
        package: Some(Arc::new(Package {
            name: pkg.into(),
            ..Default::default()
        })),
        ..Default::default()
    }
}

#[test]
fn round_trips_and_shares_advisories() {
    let report = Report {
        findings: vec![
            finding("CVE-1", "openssl", "same text"),
            finding("CVE-1", "libssl3", "same text"),
            finding("CVE-2", "zlib", "other text"),
        ],
        ..Default::default()
    };
    let ds = Dataset::from_report(&report);
    assert_eq!(ds.advisories.len(), 2);
    assert_eq!(ds.to_report(), report);
    let json = json(&report);
    assert_eq!(table_len(&json, "advisories"), 2);
    assert_eq!(table_len(&json, "targets"), 1);
    assert_eq!(table_len(&json, "packages"), 3);
    let back = decode::dataset(&json).unwrap();
    assert_eq!(back, ds);
    assert_eq!(back.to_report(), report);
    assert!(back.validate().is_ok());
}

#[test]
fn equal_details_are_written_once() {
    let mut a = finding("CVE-1", "openssl", "x");
    a.layer = Some(Arc::new(Layer {
        digest: Some("sha256:1".into()),
        ..Default::default()
    }));
    a.fingerprint = Some("fp".into());
    let mut b = a.clone();
    b.id = "CVE-2".into();
    let mut c = a.clone();
    c.id = "CVE-3".into();
    Arc::make_mut(c.package.as_mut().unwrap()).installed_version = "2".into();
    let report = Report {
        findings: vec![a, b, c],
        ..Default::default()
    };
    let json = json(&report);
    assert_eq!(
        (table_len(&json, "packages"), table_len(&json, "layers")),
        (2, 1)
    );
    assert_eq!(table_len(&json, "fingerprints"), 1);
    let back = decode::dataset(&json).unwrap();
    assert_eq!(back.to_report(), report);
    let bad = json.replace("\"p\":1", "\"p\":9");
    let err = decode::dataset(&bad).unwrap_err();
    assert!(err.contains("refers to packages 9 of 2"), "{err}");
}

fn rich() -> Report {
    let mut f = finding(
        "CVE-1",
        "openssl",
        "a \"quoted\" <b>text</b>\n\ttab \u{1F600} é \\ /",
    );
    f.cvss.insert(
        "nvd".into(),
        Cvss {
            v3_score: Some(7.5),
            v3_vector: Some("CVSS:3.1/AV:N".into()),
            v2_score: Some(10.0),
            v40_score: Some(0.1),
            ..Default::default()
        },
    );
    f.vendor_severity.insert("redhat".into(), Severity::Low);
    f.aliases = vec!["GHSA-x".into()];
    f.references = vec!["https://e.x/a?b=1&c=<".into()].into();
    f.status = Some("fixed".into());
    f.layer = Some(Arc::new(Layer {
        digest: Some("sha256:1".into()),
        diff_id: None,
        created_by: Some("RUN apt-get \u{0}".into()),
    }));
    f.fingerprint = Some("fp".into());
    f.excluded = Some(Exclusion::Ignored {
        rule: "CVE-1".into(),
        statement: "why".into(),
    });
    f.suppressed = Some(Suppression {
        status: "not_affected".into(),
        ..Default::default()
    });
    f.data_source = Some(Arc::new(DataSource {
        id: "d".into(),
        name: "n".into(),
        url: "u".into(),
    }));
    let mut m = finding("DS001", "", "");
    m.kind = Kind::Misconfiguration;
    m.package = None;
    m.misconfiguration = Some(Arc::new(MisconfDetail {
        check_type: "dockerfile".into(),
        start_line: Some(3),
        code: vec![CodeLine {
            number: 3,
            content: "USER root".into(),
            is_cause: true,
            truncated: false,
        }],
        ..Default::default()
    }));
    m.excluded = Some(Exclusion::Unfixed);
    let mut s = finding("aws-key", "", "");
    s.kind = Kind::Secret;
    s.package = None;
    s.secret = Some(Arc::new(SecretDetail {
        category: "AWS".into(),
        matched: "KEY=****".into(),
        offset: Some(12),
        ..Default::default()
    }));
    s.excluded = Some(Exclusion::PkgType);
    let mut l = finding("GPL-3.0", "bash", "");
    l.kind = Kind::License;
    l.severity = Severity::High;
    l.license = Some(LicenseDetail {
        category: "restricted".into(),
        confidence: Some(0.85),
        ..Default::default()
    });
    Report {
        version: 1,
        generator: "scanlens".into(),
        commit: Some("abc".into()),
        artifacts: vec![Artifact {
            name: "img".into(),
            os: Some(OsInfo {
                family: "debian".into(),
                name: "12".into(),
                eosl: true,
            }),
            size: Some(123456789),
            schema_version: 2,
            repo_tags: vec!["img:1".into()],
            ..Default::default()
        }],
        targets: vec![Target {
            artifact: 0,
            name: "img".into(),
            class: "os-pkgs".into(),
            target_type: "debian".into(),
            packages: 99,
        }],
        gate: Some(GateResult {
            failed: true,
            fail_on: vec![Severity::Critical, Severity::High],
            severities: vec![Severity::Critical, Severity::High, Severity::Medium],
            failing: 1,
            excluded: 2,
            fail_on_kev: true,
            failing_kev: Some(1),
            fail_on_epss: Some(0.25),
            failing_epss: Some(0),
            fail_on_eol: true,
            eol: vec!["debian 9".into()],
        }),
        findings: vec![f, m, s, l],
        ..Default::default()
    }
}

#[test]
fn the_decoder_reads_what_the_writer_writes() {
    let report = rich();
    let ds = Dataset::from_report(&report);
    let json = json(&report).replace('<', "\\u003c");
    let back = decode::dataset(&json).unwrap();
    assert_eq!(back, ds);
    assert_eq!(back.to_report(), report);
    let pretty = serde_json::to_string_pretty(&wire(&report)).unwrap();
    assert_eq!(decode::dataset(&pretty).unwrap(), ds);
    for bad in [
        "",
        "{",
        "{\"report\":1}",
        "[]",
        "{\"findings\":[{\"a\":3}]}",
        "{} x",
    ] {
        assert!(decode::dataset(bad).is_err(), "{bad}");
    }
    let cut = &json[..json.len() / 2];
    assert!(decode::dataset(cut).is_err());
    assert_eq!(
        decode::dataset(&self::json(&Report::default())).unwrap(),
        Dataset::default()
    );
}

#[test]
fn advisories_that_would_be_written_differently_stay_apart() {
    let mut report = rich();
    let mut twin = report.findings[0].clone();
    twin.id = "CVE-1b".into();
    twin.target = "other".into();
    report.findings.push(twin.clone());
    // Same text with a score written differently (-0.0): another advisory.
    twin.cvss.get_mut("nvd").unwrap().v2_score = Some(-0.0);
    report.findings.push(twin);
    let ds = Dataset::from_report(&report);
    // The check, secret and license of `rich` share one (empty) advisory.
    assert_eq!(ds.advisories.len(), 3);
    assert_eq!(ds.findings[4].advisory, ds.findings[0].advisory);
    assert_ne!(ds.findings[5].advisory, ds.findings[0].advisory);
    assert_eq!(decode::dataset(&json(&report)).unwrap().to_report(), report);
}

#[test]
fn bad_advisory_index_is_reported() {
    let mut ds = Dataset::from_report(&Report {
        findings: vec![finding("CVE-1", "a", "x")],
        ..Default::default()
    });
    ds.findings[0].advisory = 7;
    assert!(ds.validate().is_err());
    assert_eq!(ds.advisory(0), &Advisory::default());
}

/// CVEs with one text but their own KEV entry or EPSS score share one advisory (the text is
/// stored once) and keep their own feed entries, which travel with each finding.
#[test]
fn feeds_travel_with_the_finding_and_the_text_is_stored_once() {
    let scored = |id: &str, score: f64| Finding {
        epss: Feed::Listed(Epss {
            score,
            percentile: 0.5,
            date: "2025-03-15".into(),
        }),
        ..finding(id, "openssl", "one generic text")
    };
    let mut kev = scored("CVE-3", 0.1);
    kev.kev = Feed::Listed(Kev {
        date_added: "2022-04-04".into(),
        ..Kev::default()
    });
    let mut unlisted = finding("CVE-5", "openssl", "one generic text");
    unlisted.epss = Feed::Unlisted;
    let report = Report {
        findings: vec![
            scored("CVE-1", 0.1),
            scored("CVE-2", 0.2),
            kev,
            scored("CVE-4", 0.1),
            unlisted,
        ],
        ..Default::default()
    };
    assert_eq!(table_len(&json(&report), "advisories"), 1);
    // Every feed state (entry, unlisted, not given) comes back as it was.
    assert_eq!(decode::dataset(&json(&report)).unwrap().to_report(), report);
}

/// Advisories that share a title and description but not their dates hash apart: sharing one
/// hash, 100,000 of them were each compared with all the others.
#[test]
fn advisories_with_one_text_hash_apart_by_their_dates() {
    use super::write::AdvKey;
    use std::hash::{BuildHasher, BuildHasherDefault};
    let dated = |id: &str, date: &str| Finding {
        last_modified_date: Some(date.into()),
        ..finding(id, "openssl", "one generic text")
    };
    let findings = [
        dated("CVE-1", "2024-01-01"),
        dated("CVE-2", "2024-02-02"),
        dated("CVE-3", "2024-01-01"),
    ];
    let hash =
        |f: &Finding| BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(AdvKey(f));
    assert_ne!(hash(&findings[0]), hash(&findings[1]));
    // Equal advisories still hash equal.
    assert_eq!(hash(&findings[0]), hash(&findings[2]));
    let report = Report {
        findings: findings.to_vec(),
        ..Default::default()
    };
    assert_eq!(table_len(&json(&report), "advisories"), 2);
    assert_eq!(decode::dataset(&json(&report)).unwrap().to_report(), report);
}
