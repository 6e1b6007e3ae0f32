use super::*;
use crate::compact::Dataset;
use crate::report::*;
use crate::testdata::{ds, f};

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
    assert_eq!(ix.scope(Show::Counted), 5);
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
    let g = group(&ds, &ix, &sel, GroupBy::Severity, true);
    let labels: Vec<_> = g.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["CRITICAL", "HIGH", "LOW"]);
    let by_id = group(&ds, &ix, &sel, GroupBy::Vulnerability, true);
    let cve = by_id.iter().find(|g| g.label == "CVE-2023-0286").unwrap();
    assert_eq!(cve.rows.len(), 2, "one CVE in two packages is one group");
    let by_pkg = group(&ds, &ix, &sel, GroupBy::Package, true);
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
        reverse: true,
        kev: true,
        unmerged: true,
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

/// A report with triage data: 0 openssl CVE-A (HIGH, KEV, EPSS 0.2) in two targets (0 and 1),
/// 2 glibc CVE-B (CRITICAL, EPSS 0.9), 3 zlib CVE-C (LOW, EPSS 0.95, unfixed), 4 a secret
/// (CRITICAL); the fix plan from `remediation::plan`; layers: glibc and zlib from the base
/// image, openssl from the image's own layer.
fn triage_ds() -> Dataset {
    use crate::testdata::f;
    use crate::triage::{Epss, Feed, ImageLayer, Kev, LayerOrigin};
    use std::sync::Arc;
    let epss = |score: f64| {
        Feed::Listed(Epss {
            score,
            percentile: 0.5,
            date: "2025-03-15".into(),
        })
    };
    let layer = |id: &str| {
        Some(Arc::new(Layer {
            diff_id: Some(id.into()),
            ..Default::default()
        }))
    };
    let mut a = f("CVE-A", Severity::High, "openssl", "");
    a.kev = Feed::Listed(Kev {
        date_added: "2022-04-04".into(),
        due_date: "2022-04-25".into(),
        ..Default::default()
    });
    a.epss = epss(0.2);
    a.layer = layer("sha256:own");
    let mut a2 = a.clone();
    a2.target = "other (debian 12)".into();
    let mut b = f("CVE-B", Severity::Critical, "glibc", "");
    b.epss = epss(0.9);
    b.layer = layer("sha256:base");
    let mut c = f("CVE-C", Severity::Low, "zlib", "");
    c.epss = epss(0.95);
    c.status = Some("affected".into());
    Arc::make_mut(c.package.as_mut().unwrap())
        .fixed_version
        .clear();
    c.layer = layer("sha256:base");
    let mut secret = f("aws-access-key-id", Severity::Critical, "", "");
    secret.kind = Kind::Secret;
    secret.package = None;
    let mut report = Report {
        findings: vec![a, a2, b, c, secret],
        artifacts: vec![Artifact {
            name: "img".into(),
            layers: vec![
                ImageLayer {
                    diff_id: "sha256:base".into(),
                    created_by: Some("FROM debian".into()),
                    findings: 2,
                    origin: LayerOrigin::Base,
                },
                ImageLayer {
                    diff_id: "sha256:own".into(),
                    created_by: Some("RUN apt-get install openssl".into()),
                    findings: 2,
                    origin: LayerOrigin::Own,
                },
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    report.remediation = crate::remediation::plan(&report);
    Dataset::from_report(&report)
}

#[test]
fn known_exploited_filter_and_risk_sort() {
    let ds = triage_ds();
    let ix = Index::new(&ds);
    let kev = select(
        &ds,
        &ix,
        &Query {
            kev: true,
            ..Default::default()
        },
        None,
    );
    assert_eq!(kev, [0, 1], "only the KEV-listed findings");
    let sorted = |sort, reverse| {
        select(
            &ds,
            &ix,
            &Query {
                sort,
                reverse,
                ..Default::default()
            },
            None,
        )
    };
    // KEV first, then by EPSS (zlib 0.95 before glibc 0.9), then unscored.
    assert_eq!(sorted(SortBy::Risk, false), [0, 1, 3, 2, 4]);
    assert_eq!(sorted(SortBy::Epss, false), [3, 2, 0, 1, 4]);
    assert_eq!(sorted(SortBy::Epss, true), [4, 1, 0, 2, 3]);
    assert!(SortBy::Risk.descending() && !SortBy::Package.descending());
    assert_eq!(ix.epss(2), Some(0.9));
    assert_eq!(ix.epss(4), None);
    assert!(ix.kev(0) && !ix.kev(2));
}

#[test]
fn fix_plan_groups_follow_the_plan_and_name_the_upgrade() {
    let ds = triage_ds();
    let ix = Index::new(&ds);
    let sel = select(&ds, &ix, &Query::default(), None);
    let g = group(&ds, &ix, &sel, GroupBy::FixPlan, true);
    let labels: Vec<(&str, &str)> = g
        .iter()
        .map(|g| (g.label.as_str(), g.detail.as_str()))
        .collect();
    // The plan's order: the KEV fix first; one entry per target.
    assert_eq!(
        labels,
        [
            (
                "upgrade openssl 1.0 → 1.1: fixes 1 (1 high)",
                "img (debian 12)"
            ),
            (
                "upgrade openssl 1.0 → 1.1: fixes 1 (1 high)",
                "other (debian 12)"
            ),
            (
                "upgrade glibc 1.0 → 1.1: fixes 1 (1 critical)",
                "img (debian 12)"
            ),
            ("No fixed version listed", ""),
            ("Not a package vulnerability", ""),
        ]
    );
    assert_eq!(ix.plan(2), Some(2));
    assert_eq!(ix.plan(3), None);
    // Every shown finding is in exactly one group.
    let n: u64 = g.iter().map(|g| g.total()).sum();
    assert_eq!(n as usize, sel.len());
}

#[test]
fn layer_groups_put_the_base_image_first() {
    let ds = triage_ds();
    let ix = Index::new(&ds);
    let sel = select(&ds, &ix, &Query::default(), None);
    let g = group(&ds, &ix, &sel, GroupBy::Layer, true);
    let labels: Vec<(&str, &str, u64)> = g
        .iter()
        .map(|g| (g.label.as_str(), g.detail.as_str(), g.total()))
        .collect();
    assert_eq!(
        labels,
        [
            ("Base image layer base", "FROM debian", 2),
            ("Own layer own", "RUN apt-get install openssl", 2),
            ("No layer", "", 1),
        ]
    );
    assert_eq!(g[0].counts.critical, 1);
    assert_eq!(g[0].counts.low, 1);
}

#[test]
fn the_same_vulnerability_in_two_targets_is_one_row_unless_unmerged() {
    let ds = triage_ds();
    let ix = Index::new(&ds);
    let sel = select(&ds, &ix, &Query::default(), None);
    let merged = group(&ds, &ix, &sel, GroupBy::Severity, true);
    let high = merged.iter().find(|g| g.label == "HIGH").unwrap();
    assert_eq!(high.rows, [0], "one row for both targets");
    assert_eq!(high.findings_of(0), [0, 1]);
    assert_eq!(high.total(), 2, "the count keeps both findings");
    let lines = flatten(&merged, |_| false);
    assert_eq!(lines.len(), merged.len() + 4);
    let apart = group(&ds, &ix, &sel, GroupBy::Severity, false);
    let high = apart.iter().find(|g| g.label == "HIGH").unwrap();
    assert_eq!(high.rows, [0, 1]);
    assert!(!high.has_merged());
    // Rows merge within a group only: by target, each target keeps its row.
    let by_target = group(&ds, &ix, &sel, GroupBy::Target, true);
    let rows = |label: &str| {
        let g = by_target.iter().find(|g| g.label == label).unwrap();
        (g.rows.clone(), g.has_merged())
    };
    assert_eq!(rows("other (debian 12)"), (vec![1], false));
    assert!(!rows("img (debian 12)").1, "nothing merged in img either");
}

#[test]
fn a_second_finding_of_one_vulnerability_in_one_target_keeps_its_row() {
    let mut findings = vec![
        crate::testdata::f("CVE-A", Severity::High, "openssl", ""),
        crate::testdata::f("CVE-A", Severity::High, "openssl", ""),
        crate::testdata::f("CVE-A", Severity::High, "openssl", ""),
    ];
    findings[1].target = "other (debian 12)".into();
    let ds = Dataset::from_report(&Report {
        findings,
        ..Default::default()
    });
    let ix = Index::new(&ds);
    let sel = select(&ds, &ix, &Query::default(), None);
    let g = group(&ds, &ix, &sel, GroupBy::Severity, true);
    assert_eq!(g[0].rows, [0, 2], "the same target twice: two rows");
    assert_eq!(
        g[0].findings_of(0),
        [0, 1],
        "the other target joins the first"
    );
    assert_eq!(g[0].total(), 3);
}

#[test]
fn new_hash_keys_round_trip_and_default_to_off() {
    let q = from_hash("#kev=1&sort=risk&reverse=1&merge=0&group=fix");
    assert!(q.kev && q.reverse && q.unmerged);
    assert_eq!(q.sort, SortBy::Risk);
    assert_eq!(q.group, GroupBy::FixPlan);
    assert_eq!(to_hash(&q), "group=fix&kev=1&sort=risk&reverse=1&merge=0");
    assert!(!from_hash("#group=layer").kev);
    assert_eq!(from_hash("#group=layer").group, GroupBy::Layer);
    assert!(!Query {
        kev: true,
        ..Default::default()
    }
    .is_unfiltered());
    assert!(Query {
        reverse: true,
        unmerged: true,
        ..Default::default()
    }
    .is_unfiltered());
}

/// The facets of `q` over the whole report.
fn facets_of(ds: &Dataset, ix: &Index, q: &Query) -> Facets {
    apply_filters(ix, q, &search(ds, ix, q, None)).1
}

#[test]
fn facet_counts_obey_the_other_filters_but_not_their_own() {
    let ds = ds();
    let ix = Index::new(&ds);
    let sevs = |f: &Facets| Severity::ALL.map(|s| f.severity(s));
    let kinds = |f: &Facets| [Kind::Vulnerability, Kind::Secret].map(|k| f.kind(k));
    let all = facets_of(&ds, &ix, &Query::default());
    assert_eq!(sevs(&all), [2, 2, 0, 1, 0], "the counted findings");
    assert_eq!(kinds(&all), [4, 1]);
    assert_eq!((all.fix(Fix::Fixable), all.fix(Fix::Unfixed)), (3, 1));
    assert_eq!(ix.values(ListFilter::Class), ["os-pkgs", "secret"]);
    assert_eq!(
        (0..2)
            .map(|n| all.value(ListFilter::Class, n))
            .collect::<Vec<_>>(),
        [4, 1]
    );
    assert_eq!(ix.values(ListFilter::Type), ["debian"], "no empty value");
    // Choosing HIGH leaves the severity counts, and narrows the others to HIGH findings.
    let high = facets_of(
        &ds,
        &ix,
        &Query {
            severities: vec![Severity::High],
            ..Default::default()
        },
    );
    assert_eq!(sevs(&high), sevs(&all));
    assert_eq!(kinds(&high), [2, 0]);
    assert_eq!(high.value(ListFilter::Class, 1), 0, "no HIGH secret");
    // Choosing secrets narrows the severities to the secret's.
    let secrets = facets_of(
        &ds,
        &ix,
        &Query {
            kinds: vec![Kind::Secret],
            ..Default::default()
        },
    );
    assert_eq!(sevs(&secrets), [1, 0, 0, 0, 0]);
    assert_eq!(kinds(&secrets), kinds(&all));
    // The search narrows every facet.
    let searched = facets_of(
        &ds,
        &ix,
        &Query {
            q: "cve-2023".into(),
            ..Default::default()
        },
    );
    assert_eq!(sevs(&searched), [0, 2, 0, 0, 0]);
    assert_eq!(searched.fix(Fix::Fixable), 2);
    // The scope too: the suppressed finding counts only where it is shown.
    let hidden = facets_of(
        &ds,
        &ix,
        &Query {
            show: Show::Hidden,
            ..Default::default()
        },
    );
    assert_eq!(sevs(&hidden), [0, 1, 0, 0, 0]);
    assert_eq!((ix.scope(Show::Hidden), ix.scope(Show::All)), (1, 6));
}

/// Each facet count is what choosing that chip alone in its facet would show.
#[test]
fn every_facet_count_is_the_list_its_chip_would_show() {
    let ds = triage_ds();
    let ix = Index::new(&ds);
    let shown = |q: &Query| select(&ds, &ix, q, None).len();
    let queries = [
        Query::default(),
        Query {
            severities: vec![Severity::High, Severity::Low],
            ..Default::default()
        },
        Query {
            kinds: vec![Kind::Vulnerability],
            fix: Fix::Fixable,
            ..Default::default()
        },
        Query {
            kev: true,
            targets: vec!["other (debian 12)".into()],
            ..Default::default()
        },
        Query {
            q: "cve".into(),
            statuses: vec!["affected".into(), "fixed".into()],
            fix: Fix::Unfixed,
            ..Default::default()
        },
        Query {
            classes: vec!["nothing-such".into()],
            show: Show::All,
            ..Default::default()
        },
    ];
    for q in &queries {
        let (list, f) = apply_filters(&ix, q, &search(&ds, &ix, q, None));
        assert_eq!(list.len(), shown(q), "{q:?}");
        for s in Severity::ALL {
            let with = Query {
                severities: vec![s],
                ..q.clone()
            };
            assert_eq!(f.severity(s), shown(&with), "{s:?} in {q:?}");
        }
        for k in Kind::ALL {
            let with = Query {
                kinds: vec![k],
                ..q.clone()
            };
            assert_eq!(f.kind(k), shown(&with), "{k:?} in {q:?}");
        }
        for fix in [Fix::Fixable, Fix::Unfixed] {
            let with = Query { fix, ..q.clone() };
            assert_eq!(f.fix(fix), shown(&with), "{fix:?} in {q:?}");
        }
        let kev = Query {
            kev: true,
            ..q.clone()
        };
        assert_eq!(f.kev(), shown(&kev), "KEV in {q:?}");
        let urgent = Query {
            fix: Fix::Fixable,
            severities: Severity::CRITICAL_HIGH.to_vec(),
            ..q.clone()
        };
        assert_eq!(f.fixable_urgent(), shown(&urgent), "urgent in {q:?}");
        for w in ListFilter::ALL {
            for (n, v) in ix.values(w).iter().enumerate() {
                let mut with = q.clone();
                *with.list_mut(w) = vec![v.clone()];
                assert_eq!(f.value(w, n), shown(&with), "{w:?}={v} in {q:?}");
            }
        }
    }
}

#[test]
fn an_empty_value_in_a_list_filter_matches_findings_without_one() {
    let ds = ds();
    let ix = Index::new(&ds);
    let q = Query {
        pkg_types: vec![String::new()],
        ..Default::default()
    };
    assert_eq!(
        ids(&ds, &select(&ds, &ix, &q, None)),
        ["aws-access-key-id@/app/.env"]
    );
}

#[test]
fn field_terms_find_whole_ids_and_packages_where_text_terms_also_find_mentions() {
    let mut libssl = f(
        "CVE-2023-0001",
        Severity::High,
        "libssl3",
        "a flaw in OpenSSL",
    );
    libssl.title = "OpenSSL: flaw".into();
    let mut openssl3 = f("CVE-2023-0002", Severity::High, "openssl", "a flaw");
    std::sync::Arc::make_mut(openssl3.package.as_mut().unwrap()).installed_version = "3.0".into();
    let license = |name: &str| {
        let mut l = f(name, Severity::High, "", "");
        l.kind = Kind::License;
        l.package = None;
        l
    };
    let mut scoped = f("CVE-2023-0003", Severity::Low, "@babel/core", "");
    std::sync::Arc::make_mut(scoped.package.as_mut().unwrap()).installed_version = "7.0.0".into();
    let mut at = f("CVE-2023-0004", Severity::Low, "x", "");
    std::sync::Arc::make_mut(at.package.as_mut().unwrap()).installed_version = "1.0@rc".into();
    let mut spaced = license("Custom License");
    spaced.id = "Custom License".into();
    let ds = Dataset::from_report(&Report {
        findings: vec![
            f("CVE-2023-0001", Severity::High, "openssl", "a flaw"),
            openssl3,
            libssl,
            license("GPL-3.0"),
            license("LGPL-3.0"),
            scoped,
            spaced,
            at,
        ],
        ..Default::default()
    });
    let ix = Index::new(&ds);
    let q = |s: &str| {
        let q = Query {
            q: s.into(),
            ..Default::default()
        };
        let mut v = ids(&ds, &select(&ds, &ix, &q, None));
        v.sort();
        v
    };
    // A text term finds what mentions it too.
    assert_eq!(q("openssl").len(), 3);
    assert_eq!(q("gpl-3.0").len(), 2);
    // A field term only what has it, in any case.
    assert_eq!(
        q("package:OpenSSL"),
        ["CVE-2023-0001@openssl", "CVE-2023-0002@openssl"]
    );
    assert_eq!(q("package:openssl@3.0"), ["CVE-2023-0002@openssl"]);
    assert_eq!(q("package:openssl@3"), Vec::<String>::new());
    assert_eq!(q("id:GPL-3.0"), ["GPL-3.0@img (debian 12)"]);
    assert_eq!(
        q("id:cve-2023-0001 package:libssl3"),
        ["CVE-2023-0001@libssl3"]
    );
    assert_eq!(
        q("id:CVE-2023-0001 flaw package:openssl"),
        ["CVE-2023-0001@openssl"]
    );
    // An `@` at the start is an npm scope, not a version.
    assert_eq!(q("package:@babel/core"), ["CVE-2023-0003@@babel/core"]);
    assert_eq!(
        q("package:@babel/core@7.0.0"),
        ["CVE-2023-0003@@babel/core"]
    );
    // An `@` in the version too.
    assert_eq!(q("package:x@1.0@rc"), ["CVE-2023-0004@x"]);
    assert_eq!(q("package:x@1.0"), Vec::<String>::new());
    // Quotes hold a value with spaces together.
    assert_eq!(
        q("id:\"custom license\""),
        ["Custom License@img (debian 12)"]
    );
    // A field being typed is no term yet; `pkg:` starts a package URL, a text term.
    assert_eq!(q("package:").len(), 8);
    assert_eq!(q("id:").len(), 8);
    assert_eq!(q("package:@"), Vec::<String>::new());
    assert_eq!(q("pkg:deb/debian/libssl3@"), ["CVE-2023-0001@libssl3"]);
    // What a field term matches is highlighted, where the value is shown.
    assert_eq!(highlight("openssl", "package:openssl@3.0"), [(0, 7)]);
}

#[test]
fn search_words_split_at_spaces_outside_quotes() {
    let t = parse_terms("  \"Heap \n Overflow\" id:\"A b\" package:x@1 plain pkg:npm/x ");
    assert_eq!(t.text, ["heap overflow", "plain", "pkg:npm/x"]);
    assert_eq!(
        t.fields,
        [Field::Id("a b".into()), Field::Package("x@1".into())]
    );
    // An unclosed quote runs to the end, as while it is typed; an empty pair is no word.
    assert_eq!(parse_terms("\"open s").text, ["open s"]);
    assert_eq!(parse_terms("\"\" a").text, ["a"]);
    assert_eq!(terms("a b"), ["a", "b"]);
    // In quotes, \" is a quote and \\ a backslash; elsewhere a backslash is itself.
    let t = parse_terms(r#"id:"my \"own\" \\ x" C:\app "a\b""#);
    assert_eq!(t.fields, [Field::Id(r#"my "own" \ x"#.into())]);
    assert_eq!(t.text, [r"c:\app", r"a\b"]);
    // A field's value keeps its spaces as written: it is compared whole.
    assert_eq!(
        parse_terms("id:\"a \t b\"").fields,
        [Field::Id("a \t b".into())]
    );
    // A quoted field name is text; a quoted empty value is a term, an unquoted one not yet.
    let t = parse_terms(r#""id: x" id:"" package:"#);
    assert_eq!(t.text, ["id: x"]);
    assert_eq!(t.fields, [Field::Id(String::new())]);
}

#[test]
fn a_quoted_phrase_finds_text_wrapped_over_lines() {
    let mut a = f(
        "CVE-2024-0001",
        Severity::High,
        "a",
        "a heap\noverflow in a",
    );
    a.title = "tab\tand  spaces".into();
    let b = f("CVE-2024-0002", Severity::High, "b", "a heap overflow in b");
    let c = f("CVE-2024-0003", Severity::High, "c", "heap, not overflow");
    let ds = Dataset::from_report(&Report {
        findings: vec![a, b, c],
        ..Default::default()
    });
    let ix = Index::new(&ds);
    let n = |s: &str| {
        let q = Query {
            q: s.into(),
            ..Default::default()
        };
        select(&ds, &ix, &q, None).len()
    };
    assert_eq!(n("heap overflow"), 3);
    assert_eq!(n("\"heap overflow\""), 2);
    assert_eq!(n("\"HEAP   overflow\""), 2);
    assert_eq!(n("\"tab and spaces\""), 1);
    // And shows where it was found.
    assert_eq!(
        highlight("a heap\n  overflow.", "\"heap overflow\""),
        [(2, 17)]
    );
    assert_eq!(highlight("x  y", "x y"), [(0, 1), (3, 4)]);
    // Fields stay apart: a phrase does not run from a title into its description.
    assert_eq!(n("\"problem a heap\""), 0);
}

/// The static page orders its rows by [`Finding::severity_order`] so that the app opens on the
/// row the page showed first: the two must be one order, every field deciding somewhere.
#[test]
fn the_severity_sort_is_the_findings_severity_order() {
    let scored = |id: &str, sev: Severity, pkg: &str, score: Option<f64>, target: &str| {
        let mut x = f(id, sev, pkg, "");
        x.target = target.into();
        x.cvss = score
            .map(|s| {
                (
                    "nvd".to_string(),
                    Cvss {
                        v3_score: Some(s),
                        ..Default::default()
                    },
                )
            })
            .into_iter()
            .collect();
        x
    };
    let mut secret = scored(
        "aws-access-key-id",
        Severity::Critical,
        "",
        None,
        "/app/.env",
    );
    secret.kind = Kind::Secret;
    secret.package = None;
    let report = Report {
        findings: vec![
            scored("CVE-2024-0009", Severity::High, "zlib", Some(7.5), "b"),
            secret,
            scored("CVE-2024-0002", Severity::Critical, "curl", Some(9.1), "b"),
            scored("CVE-2024-0001", Severity::Critical, "curl", Some(9.8), "b"),
            scored("CVE-2024-0001", Severity::Critical, "curl", Some(9.8), "a"),
            scored("CVE-2024-0003", Severity::Critical, "apt", Some(9.1), "a"),
            scored("CVE-2024-0004", Severity::Critical, "apt", Some(9.1), "a"),
            scored("CVE-2024-0005", Severity::Critical, "bash", None, "a"),
            scored("CVE-2024-0006", Severity::Low, "bash", Some(9.9), "a"),
        ],
        ..Default::default()
    };
    let ds = Dataset::from_report(&report);
    let ix = Index::new(&ds);
    let got: Vec<usize> = ix
        .order(&ds, SortBy::Severity)
        .iter()
        .map(|&i| i as usize)
        .collect();
    let mut want: Vec<usize> = (0..report.findings.len()).collect();
    want.sort_by_key(|&i| report.findings[i].severity_order());
    assert_eq!(got, want);
    assert_eq!(
        got,
        [4, 3, 5, 6, 2, 1, 7, 0, 8],
        "every field decides somewhere"
    );
}

/// The dashboard counts "fixable critical/high" per finding
/// ([`Finding::is_fixable_critical_high`]); the viewer's header through its facets. One figure,
/// over findings on each side of each of its conditions.
#[test]
fn fixable_critical_high_per_finding_is_the_viewers_header_count() {
    let mut r = triage_ds().to_report();
    let mut suppressed = f("CVE-S", Severity::Critical, "curl", "");
    suppressed.suppressed = Some(Suppression {
        status: "not_affected".into(),
        ..Default::default()
    });
    let mut unfixed = f("CVE-U", Severity::High, "zlib", "");
    unfixed.status = Some("affected".into());
    std::sync::Arc::make_mut(unfixed.package.as_mut().unwrap())
        .fixed_version
        .clear();
    r.findings.extend([
        suppressed,
        unfixed,
        f("CVE-M", Severity::Medium, "bash", ""),
        f("CVE-C", Severity::Critical, "bash", ""),
    ]);
    let per_finding = r
        .findings
        .iter()
        .filter(|f| f.is_fixable_critical_high())
        .count();
    let ds = Dataset::from_report(&r);
    let ix = Index::new(&ds);
    assert!(per_finding >= 2, "{per_finding}");
    assert_eq!(
        facets_of(&ds, &ix, &Query::default()).fixable_urgent(),
        per_finding
    );
}
