use super::*;
use crate::compact::Dataset;
use crate::report::*;
use crate::testdata::ds;

fn ids(ds: &Dataset, v: &[u32]) -> Vec<String> {
    v.iter().map(|&i| key_of(ds, i as usize)).collect()
}

#[test]
fn default_shows_counted_sorted_by_severity() {
    let ds = ds();
    let ix = Index::new(&ds);
    let v = select(&ds, &ix, &Query::default(), None);
    assert_eq!(
        ids(&ds, &v),
        [
            "aws-access-key-id@/app/.env",
            "CVE-2024-0001@glibc",
            "CVE-2023-0286@libssl3",
            "CVE-2023-0286@openssl",
            "CVE-2024-0003@zlib"
        ]
    );
    assert_eq!(scope_count(&ds, Show::Counted), 5);
    let hidden = select(
        &ds,
        &ix,
        &Query {
            show: Show::Hidden,
            ..Default::default()
        },
        None,
    );
    assert_eq!(ids(&ds, &hidden), ["CVE-2024-0004@curl"]);
}

#[test]
fn search_matches_all_terms_across_fields() {
    let ds = ds();
    let ix = Index::new(&ds);
    let q = |s: &str| {
        select(
            &ds,
            &ix,
            &Query {
                q: s.into(),
                ..Default::default()
            },
            None,
        )
    };
    assert_eq!(q("cve-2023-0286").len(), 2);
    assert_eq!(ids(&ds, &q("X.400 openssl")), ["CVE-2023-0286@openssl"]);
    assert_eq!(q("pkg:deb/debian/glibc").len(), 1);
    assert_eq!(q("debian 12").len(), 4);
    assert_eq!(q(".env").len(), 1);
    assert!(q("nothing-like-this").is_empty());
    // Narrowing within an earlier result gives the same answer.
    let prev = q("cve");
    let within = select(
        &ds,
        &ix,
        &Query {
            q: "cve-2023".into(),
            ..Default::default()
        },
        Some(&prev),
    );
    assert_eq!(within, q("cve-2023"));
}

#[test]
fn filters() {
    let ds = ds();
    let ix = Index::new(&ds);
    let s = |q: Query| ids(&ds, &select(&ds, &ix, &q, None));
    assert_eq!(
        s(Query {
            severities: vec![Severity::Critical],
            ..Default::default()
        }),
        ["aws-access-key-id@/app/.env", "CVE-2024-0001@glibc"]
    );
    assert_eq!(
        s(Query {
            kinds: vec![Kind::Secret],
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        s(Query {
            fix: Fix::Unfixed,
            ..Default::default()
        }),
        ["CVE-2024-0003@zlib"]
    );
    assert_eq!(
        s(Query {
            fix: Fix::Fixable,
            ..Default::default()
        })
        .len(),
        3
    );
    assert_eq!(
        s(Query {
            statuses: vec!["affected".into()],
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        s(Query {
            classes: vec!["secret".into()],
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        s(Query {
            pkg_types: vec!["debian".into()],
            ..Default::default()
        })
        .len(),
        4
    );
    assert_eq!(
        s(Query {
            targets: vec!["/app/.env".into()],
            ..Default::default()
        })
        .len(),
        1
    );
}

#[test]
fn sorting() {
    let ds = ds();
    let ix = Index::new(&ds);
    let s = |sort| {
        ids(
            &ds,
            &select(
                &ds,
                &ix,
                &Query {
                    sort,
                    ..Default::default()
                },
                None,
            ),
        )
    };
    assert_eq!(s(SortBy::Package)[0], "aws-access-key-id@/app/.env");
    assert_eq!(s(SortBy::Package)[1], "CVE-2024-0001@glibc");
    assert_eq!(s(SortBy::Id)[0], "CVE-2023-0286@libssl3");
}

#[test]
fn grouping_and_flatten() {
    let ds = ds();
    let ix = Index::new(&ds);
    let sel = select(&ds, &ix, &Query::default(), None);
    let g = group(&ds, &ix, &sel, GroupBy::Severity);
    let labels: Vec<_> = g.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["CRITICAL", "HIGH", "LOW"]);
    let by_id = group(&ds, &ix, &sel, GroupBy::Vulnerability);
    let cve = by_id.iter().find(|g| g.label == "CVE-2023-0286").unwrap();
    assert_eq!(cve.rows.len(), 2, "one CVE in two packages is one group");
    let by_pkg = group(&ds, &ix, &sel, GroupBy::Package);
    assert!(by_pkg.iter().any(|g| g.label == "(no package)"));
    let lines = flatten(&g, |g| g.label == "HIGH");
    assert_eq!(lines.len(), 3 + 3);
    assert_eq!(lines[0], Line::Header(0));
}

#[test]
fn hash_round_trip() {
    let q = Query {
        q: "openssl x&y=z,1 ü".into(),
        severities: vec![Severity::Critical, Severity::High],
        kinds: vec![Kind::Vulnerability],
        fix: Fix::Fixable,
        statuses: vec!["fixed".into()],
        classes: vec!["os-pkgs".into()],
        pkg_types: vec!["debian".into()],
        targets: vec!["img, with comma".into()],
        show: Show::All,
        group: GroupBy::Package,
        sort: SortBy::Cvss,
        finding: Some("CVE-2023-0286@openssl".into()),
    };
    let h = to_hash(&q);
    assert_eq!(from_hash(&format!("#{h}")), q);
    assert_eq!(to_hash(&Query::default()), "");
    let parsed = from_hash("#q=openssl&severity=CRITICAL,HIGH&group=package&finding=CVE-2023-0286");
    assert_eq!(parsed.q, "openssl");
    assert_eq!(parsed.severities, [Severity::Critical, Severity::High]);
    assert_eq!(parsed.group, GroupBy::Package);
    assert_eq!(parsed.finding.as_deref(), Some("CVE-2023-0286"));
    // Junk never panics and falls back to defaults.
    let junk = from_hash("#%&=&severity=BOGUS&group=nope&q=%E2%28%A1&x");
    assert!(junk.severities.is_empty());
    assert_eq!(junk.group, GroupBy::Severity);
    assert_eq!(from_hash("q=a+b%20c").q, "a b c");
}

#[test]
fn highlight_ranges() {
    assert_eq!(highlight("OpenSSL openssl", "openssl"), [(0, 7), (8, 15)]);
    assert_eq!(highlight("abc", ""), []);
    assert_eq!(highlight("ab", "a b"), [(0, 2)]);
    // Lowercasing that changes byte length still maps back to the original text.
    let t = "İstanbul openssl";
    let r = highlight(t, "openssl");
    assert_eq!(&t[r[0].0..r[0].1], "openssl");
    let segs = segments("xx openssl yy", &highlight("xx openssl yy", "SSL"));
    assert_eq!(segs, [("xx open", false), ("ssl", true), (" yy", false)]);
}

#[test]
fn keys() {
    let ds = ds();
    assert!(key_matches(&ds, 0, "CVE-2023-0286"));
    assert!(key_matches(&ds, 0, "CVE-2023-0286@openssl"));
    assert!(!key_matches(&ds, 1, "CVE-2023-0286@openssl"));
}
