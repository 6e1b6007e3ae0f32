//! The reducer driven as the page drives it, natively, over a small report.

use super::search::{narrows, Searched};
use super::*;
use scanlens_model::compact::Dataset;
use scanlens_model::{Finding, Package, Report, Suppression};
use std::rc::Rc;
use std::sync::Arc;

fn vuln(id: &str, sev: Severity, pkg: &str) -> Finding {
    Finding {
        id: id.into(),
        severity: sev,
        target: "img (debian 12)".into(),
        class: "os-pkgs".into(),
        target_type: "debian".into(),
        title: format!("{pkg}: a flaw"),
        description: format!("{pkg} does something wrong").into(),
        status: Some("fixed".into()),
        package: Some(Arc::new(Package {
            name: pkg.into(),
            purl: Some(format!("pkg:deb/debian/{pkg}@1.0")),
            installed_version: "1.0".into(),
            fixed_version: "1.1".into(),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// Findings by index: 0 openssl and 1 libssl3 (one CVE, HIGH), 2 glibc (CRITICAL), 3 zlib
/// (LOW, unfixed), 4 curl (HIGH, suppressed: not counted), 5 a secret (CRITICAL), 6 a failed
/// Dockerfile check (MEDIUM).
fn findings() -> Vec<Finding> {
    let mut zlib = vuln("CVE-2024-0003", Severity::Low, "zlib");
    zlib.status = Some("affected".into());
    Arc::make_mut(zlib.package.as_mut().unwrap())
        .fixed_version
        .clear();
    let mut curl = vuln("CVE-2024-0004", Severity::High, "curl");
    curl.suppressed = Some(Suppression::default());
    let secret = Finding {
        kind: Kind::Secret,
        id: "aws-access-key-id".into(),
        severity: Severity::Critical,
        target: "/app/.env".into(),
        class: "secret".into(),
        title: "AWS Access Key ID".into(),
        ..Default::default()
    };
    let check = Finding {
        kind: Kind::Misconfiguration,
        id: "DS002".into(),
        severity: Severity::Medium,
        target: "Dockerfile".into(),
        class: "config".into(),
        target_type: "dockerfile".into(),
        title: "Image user should not be 'root'".into(),
        status: Some("FAIL".into()),
        ..Default::default()
    };
    vec![
        vuln("CVE-2023-0286", Severity::High, "openssl"),
        vuln("CVE-2023-0286", Severity::High, "libssl3"),
        vuln("CVE-2024-0001", Severity::Critical, "glibc"),
        zlib,
        curl,
        secret,
        check,
    ]
}

fn data_of(findings: Vec<Finding>) -> Data {
    Data::new(Dataset::from_report(&Report {
        findings,
        ..Default::default()
    }))
}

fn data() -> Data {
    data_of(findings())
}

fn open(d: &Data, hash: &str) -> State {
    State::new(d, hash, 800.0)
}

/// The shown findings as deep-link keys, in list order.
fn shown(s: &State, d: &Data) -> Vec<String> {
    s.selected
        .iter()
        .map(|&i| query::key_of(&d.ds, i as usize))
        .collect()
}

fn key(k: &str, target: Target) -> Action {
    Action::Key(Keystroke {
        key: k.into(),
        target,
        modified: false,
    })
}

fn press(s: &mut State, d: &Data, k: &str) -> Outcome {
    reduce(s, key(k, Target::Page), d)
}

fn set_hash(hash: &str, push: bool) -> Effect {
    Effect::SetHash {
        hash: hash.into(),
        push,
    }
}

/// A filter change: render, back to the top, and a history entry with the new hash.
fn filtered(hash: &str) -> Outcome {
    Outcome::with(vec![Effect::ScrollList(0.0), set_hash(hash, true)])
}

#[test]
fn opens_on_the_counted_findings_most_severe_first() {
    let d = data();
    let s = open(&d, "");
    assert_eq!(
        shown(&s, &d),
        [
            "aws-access-key-id@/app/.env",
            "CVE-2024-0001@glibc",
            "CVE-2023-0286@libssl3",
            "CVE-2023-0286@openssl",
            "DS002@Dockerfile",
            "CVE-2024-0003@zlib",
        ]
    );
    assert_eq!(s.scope, 6);
    let labels: Vec<&str> = s.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["CRITICAL", "HIGH", "MEDIUM", "LOW"]);
    assert_eq!(s.lines.len(), 4 + 6, "every group open");
    assert_eq!((s.cursor, s.detail, s.export.as_ref()), (None, None, None));
}

#[test]
fn opens_on_the_query_of_the_url_hash() {
    let d = data();
    let s = open(&d, "#q=cve&severity=HIGH&group=package");
    assert_eq!(s.query.q, "cve");
    assert_eq!(s.query.group, GroupBy::Package);
    assert_eq!(
        shown(&s, &d),
        ["CVE-2023-0286@libssl3", "CVE-2023-0286@openssl"]
    );
    let labels: Vec<&str> = s.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["libssl3", "openssl"]);
}

#[test]
fn typing_narrows_the_list_and_replaces_the_history_entry() {
    let d = data();
    let mut s = open(&d, "");
    press(&mut s, &d, "j");
    let out = reduce(&mut s, Action::Search("openssl".into()), &d);
    assert_eq!(shown(&s, &d), ["CVE-2023-0286@openssl"]);
    assert_eq!(
        out,
        Outcome::with(vec![Effect::ScrollList(0.0), set_hash("q=openssl", false)])
    );
    assert_eq!(s.cursor, None, "the highlight does not outlive its list");
    // Terms match anywhere, all of them.
    reduce(&mut s, Action::Search("debian flaw".into()), &d);
    assert_eq!(shown(&s, &d).len(), 4);
    reduce(&mut s, Action::Search(String::new()), &d);
    assert_eq!(shown(&s, &d).len(), 6);
}

#[test]
fn extending_a_search_scans_only_the_previous_result() {
    let d = data();
    let mut s = open(&d, "");
    reduce(&mut s, Action::Search("cve".into()), &d);
    assert_eq!(shown(&s, &d).len(), 4);
    // Stand in a result that lacks libssl3: a search within it cannot find libssl3, a fresh
    // one would.
    let query = s.query.clone();
    s.searched = Some(Searched {
        query,
        result: Rc::new(vec![0, 2]),
    });
    reduce(&mut s, Action::Search("cve-2023".into()), &d);
    assert_eq!(shown(&s, &d), ["CVE-2023-0286@openssl"], "searched within");
    reduce(&mut s, Action::Search("cve-2023 ssl".into()), &d);
    assert_eq!(shown(&s, &d), ["CVE-2023-0286@openssl"], "still within");
    // Not an extension: the whole report again.
    reduce(&mut s, Action::Search("0286".into()), &d);
    assert_eq!(
        shown(&s, &d),
        ["CVE-2023-0286@libssl3", "CVE-2023-0286@openssl"],
        "searched anew"
    );
}

#[test]
fn a_search_narrows_only_when_it_grows_in_the_same_scope_and_order() {
    let q = |text: &str| Query {
        q: text.into(),
        ..Query::default()
    };
    assert!(narrows(&q("open"), &q("openssl")));
    assert!(narrows(&q("open"), &q("openssl 3.0")));
    assert!(
        narrows(&q("ssl"), &q("openssl")),
        "a term may grow at its start"
    );
    assert!(!narrows(&q("openssl"), &q("open")), "shorter");
    assert!(!narrows(&q("open"), &q("zlib open")), "terms pair by place");
    assert!(!narrows(&q(""), &q("open")), "nothing searched before");
    // A field term matches a whole value: a longer one is another value.
    assert!(narrows(&q("package:openssl"), &q("package:openssl 3.0")));
    assert!(
        narrows(&q("id:x"), &q("package:y id:x")),
        "a field term added"
    );
    assert!(!narrows(&q("package:open"), &q("package:openssl")));
    assert!(!narrows(&q("id:x"), &q("x")), "a field term gone");
    let other_group = Query {
        group: GroupBy::Package,
        finding: Some("CVE-1@x".into()),
        ..q("openssl")
    };
    assert!(
        narrows(&q("open"), &other_group),
        "grouping does not select"
    );
    let other_filter = Query {
        severities: vec![Severity::High],
        ..q("openssl")
    };
    assert!(
        narrows(&q("open"), &other_filter),
        "the search is kept before the other filters"
    );
    let other_scope = Query {
        show: Show::All,
        ..q("openssl")
    };
    assert!(!narrows(&q("open"), &other_scope), "another scope");
    let other_sort = Query {
        sort: SortBy::Id,
        ..q("openssl")
    };
    assert!(
        !narrows(&q("open"), &other_sort),
        "the result is in sort order"
    );
}

#[test]
fn severity_and_kind_toggles_filter_and_add_history_entries() {
    let d = data();
    let mut s = open(&d, "");
    let out = reduce(&mut s, Action::ToggleSeverity(Severity::Critical), &d);
    assert_eq!(out, filtered("severity=CRITICAL"));
    assert_eq!(
        shown(&s, &d),
        ["aws-access-key-id@/app/.env", "CVE-2024-0001@glibc"]
    );
    let out = reduce(&mut s, Action::ToggleKind(Kind::Secret), &d);
    assert_eq!(out, filtered("severity=CRITICAL&kind=secret"));
    assert_eq!(shown(&s, &d), ["aws-access-key-id@/app/.env"]);
    reduce(&mut s, Action::ToggleSeverity(Severity::Critical), &d);
    reduce(&mut s, Action::ToggleKind(Kind::Misconfiguration), &d);
    assert_eq!(
        shown(&s, &d),
        ["aws-access-key-id@/app/.env", "DS002@Dockerfile"]
    );
    let out = reduce(&mut s, Action::ToggleKind(Kind::Secret), &d);
    assert_eq!(out, filtered("kind=misconfiguration"));
    reduce(&mut s, Action::ToggleKind(Kind::Misconfiguration), &d);
    assert_eq!(shown(&s, &d).len(), 6);
    assert!(s.query.is_unfiltered());
}

#[test]
fn fix_scope_and_list_filters() {
    let d = data();
    let mut s = open(&d, "");
    assert_eq!(
        reduce(&mut s, Action::SetFix(Fix::Unfixed), &d),
        filtered("fix=unfixed")
    );
    assert_eq!(shown(&s, &d), ["CVE-2024-0003@zlib"]);
    reduce(&mut s, Action::SetFix(Fix::Any), &d);
    assert_eq!(
        reduce(&mut s, Action::SetShow(Show::Hidden), &d),
        filtered("show=hidden")
    );
    assert_eq!(shown(&s, &d), ["CVE-2024-0004@curl"]);
    assert_eq!(s.scope, 1);
    reduce(&mut s, Action::SetShow(Show::Counted), &d);
    let out = reduce(
        &mut s,
        Action::SetList(ListFilter::Target, vec!["/app/.env".into()]),
        &d,
    );
    assert_eq!(out, filtered("target=/app/.env"));
    assert_eq!(shown(&s, &d), ["aws-access-key-id@/app/.env"]);
}

#[test]
fn clearing_filters_keeps_grouping_sort_and_the_open_finding() {
    let d = data();
    let mut s = open(
        &d,
        "#q=cve&severity=HIGH&group=package&sort=id&finding=CVE-2023-0286@openssl",
    );
    assert_eq!(
        reduce(&mut s, Action::ClearFilters, &d),
        filtered("group=package&sort=id&finding=CVE-2023-0286@openssl")
    );
    assert_eq!(shown(&s, &d).len(), 6);
    assert_eq!(s.detail, Some(0));
}

#[test]
fn grouping_lays_the_same_result_out_anew() {
    let d = data();
    let mut s = open(&d, "#q=cve");
    let out = reduce(&mut s, Action::SetGroup(GroupBy::Package), &d);
    assert_eq!(out, filtered("q=cve&group=package"));
    let labels: Vec<&str> = s.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["glibc", "libssl3", "openssl", "zlib"]);
    // One CVE in two packages is one vulnerability group, folded into its header.
    reduce(&mut s, Action::SetGroup(GroupBy::Vulnerability), &d);
    let labels: Vec<&str> = s.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["CVE-2024-0001", "CVE-2023-0286", "CVE-2024-0003"]);
    assert_eq!(s.groups[1].rows.len(), 2);
    assert!(s.lines.iter().all(|l| matches!(l, Line::Header(_))));
}

#[test]
fn sorting_reorders_and_is_kept_in_the_hash() {
    let d = data();
    let mut s = open(&d, "#kind=vulnerability");
    assert_eq!(
        reduce(&mut s, Action::SetSort(SortBy::Package), &d),
        filtered("kind=vulnerability&sort=package")
    );
    assert_eq!(
        shown(&s, &d),
        [
            "CVE-2024-0001@glibc",
            "CVE-2023-0286@libssl3",
            "CVE-2023-0286@openssl",
            "CVE-2024-0003@zlib",
        ]
    );
}

#[test]
fn groups_collapse_and_expand() {
    let d = data();
    let mut s = open(&d, "");
    let high = s.groups[1].key.clone();
    assert_eq!(
        reduce(&mut s, Action::ToggleGroup(high.clone()), &d),
        Outcome::render()
    );
    assert!(s.collapsed(&s.groups[1]));
    assert_eq!(s.lines.len(), 4 + 4);
    reduce(&mut s, Action::ToggleGroup(high), &d);
    assert_eq!(s.lines.len(), 4 + 6);
    // Vulnerability groups start collapsed; a new grouping forgets what was toggled.
    reduce(&mut s, Action::SetGroup(GroupBy::Vulnerability), &d);
    let cve = s.groups.iter().position(|g| g.rows.len() == 2).unwrap();
    let before = s.lines.len();
    let cve = s.groups[cve].key.clone();
    reduce(&mut s, Action::ToggleGroup(cve), &d);
    assert_eq!(s.lines.len(), before + 2);
    reduce(&mut s, Action::SetGroup(GroupBy::Severity), &d);
    reduce(&mut s, Action::SetGroup(GroupBy::Vulnerability), &d);
    assert_eq!(s.lines.len(), before);
}

#[test]
fn picked_findings_export_as_trivyignore_and_yaml() {
    let d = data();
    let mut s = open(&d, "");
    reduce(&mut s, Action::Pick(0), &d);
    reduce(&mut s, Action::Pick(3), &d);
    reduce(&mut s, Action::Pick(2), &d);
    reduce(&mut s, Action::Pick(2), &d);
    assert_eq!(s.shown_indices(), [0, 3]);
    assert_eq!(
        reduce(&mut s, Action::Export(ExportKind::Text), &d),
        Outcome::with(vec![Effect::FocusId(EXPORT)])
    );
    let (kind, text) = s.export.clone().unwrap();
    assert_eq!(kind, ExportKind::Text);
    assert_eq!(
        text,
        "# HIGH openssl: a flaw\nCVE-2023-0286\n# LOW zlib: a flaw\nCVE-2024-0003\n"
    );
    assert_eq!(
        reduce(&mut s, Action::Copy, &d),
        Outcome::with(vec![Effect::Copy(text)])
    );
    assert!(s.copied);
    reduce(&mut s, Action::Export(ExportKind::Yaml), &d);
    assert!(!s.copied, "a new text is not copied yet");
    let (_, yaml) = s.export.clone().unwrap();
    assert_eq!(yaml, export::trivyignore_yaml(&d.ds, &[0, 3]));
    assert!(yaml.contains("vulnerabilities:") && yaml.contains("pkg:deb/debian/zlib@1.0"));
    assert!(!yaml.contains("libssl3"), "pinned to the picked package");
    reduce(&mut s, Action::CloseExport, &d);
    assert_eq!(s.export, None);
    // Without picks, an export covers every shown finding.
    reduce(&mut s, Action::ClearPicks, &d);
    reduce(&mut s, Action::ToggleSeverity(Severity::High), &d);
    reduce(&mut s, Action::Export(ExportKind::Text), &d);
    assert_eq!(
        s.export.as_ref().unwrap().1,
        "# HIGH libssl3: a flaw\nCVE-2023-0286\n"
    );
    reduce(&mut s, Action::PickShown, &d);
    assert_eq!(s.shown_indices(), [0, 1]);
}

#[test]
fn a_deep_link_opens_its_finding() {
    let d = data();
    assert_eq!(open(&d, "#finding=CVE-2023-0286@libssl3").detail, Some(1));
    assert_eq!(
        open(&d, "#finding=aws-access-key-id@/app/.env").detail,
        Some(5)
    );
    // A bare ID opens the first shown finding of it, or any.
    assert_eq!(open(&d, "#finding=CVE-2023-0286").detail, Some(1));
    assert_eq!(open(&d, "#q=openssl&finding=CVE-2023-0286").detail, Some(0));
    assert_eq!(
        open(&d, "#severity=LOW&finding=CVE-2024-0001").detail,
        Some(2)
    );
    assert_eq!(open(&d, "#finding=CVE-1999-0001").detail, None);
}

#[test]
fn opening_and_closing_a_finding_add_history_entries() {
    let d = data();
    let mut s = open(&d, "#q=cve");
    assert_eq!(
        reduce(&mut s, Action::Open(2), &d),
        Outcome::with(vec![
            set_hash("q=cve&finding=CVE-2024-0001@glibc", true),
            Effect::FocusId(DETAIL)
        ])
    );
    assert_eq!(s.detail, Some(2));
    assert_eq!(
        reduce(&mut s, Action::Close, &d),
        Outcome::with(vec![set_hash("q=cve", true), Effect::FocusCursor])
    );
    assert_eq!((s.detail, s.query.finding.as_ref()), (None, None));
}

#[test]
fn back_and_forward_restore_the_view_without_writing_the_hash() {
    let d = data();
    let mut s = open(&d, "");
    let out = reduce(&mut s, Action::HashChanged("#severity=LOW".into()), &d);
    assert_eq!(out, Outcome::with(vec![Effect::ScrollList(0.0)]));
    assert_eq!(shown(&s, &d), ["CVE-2024-0003@zlib"]);
    assert_eq!(
        reduce(&mut s, Action::HashChanged("#severity=LOW".into()), &d),
        Outcome::none(),
        "the hash the app wrote itself"
    );
    // Only the open finding moved: the list and its scroll stay.
    s.scroll_top = 64.0;
    let out = reduce(
        &mut s,
        Action::HashChanged("#severity=LOW&finding=CVE-2024-0003@zlib".into()),
        &d,
    );
    assert_eq!(out, Outcome::render());
    assert_eq!((s.detail, s.scroll_top), (Some(3), 64.0));
    reduce(&mut s, Action::HashChanged(String::new()), &d);
    assert_eq!((s.detail, shown(&s, &d).len()), (None, 6));
}

#[test]
fn j_and_k_move_the_highlighted_line_and_keep_it_on_screen() {
    let d = data();
    let mut s = open(&d, "");
    reduce(&mut s, Action::Resized(2.0 * ROW_H), &d);
    assert_eq!(
        press(&mut s, &d, "j"),
        Outcome::with(vec![Effect::PreventDefault, Effect::FocusCursor])
    );
    assert_eq!(s.cursor, Some(0));
    press(&mut s, &d, "j");
    assert_eq!(s.cursor, Some(1));
    // Line 2 is below a list two lines tall: scrolled by one line.
    assert_eq!(
        press(&mut s, &d, "ArrowDown"),
        Outcome::with(vec![
            Effect::PreventDefault,
            Effect::ScrollList(ROW_H),
            Effect::FocusCursor
        ])
    );
    assert_eq!((s.cursor, s.scroll_top), (Some(2), ROW_H));
    press(&mut s, &d, "k");
    assert_eq!(
        press(&mut s, &d, "ArrowUp"),
        Outcome::with(vec![
            Effect::PreventDefault,
            Effect::ScrollList(0.0),
            Effect::FocusCursor
        ])
    );
    assert_eq!(s.cursor, Some(0));
    press(&mut s, &d, "k");
    assert_eq!(s.cursor, Some(0), "stops at the top");
    for _ in 0..20 {
        press(&mut s, &d, "j");
    }
    assert_eq!(s.cursor, Some(s.lines.len() - 1), "stops at the bottom");
    // A filter change starts over.
    reduce(&mut s, Action::ToggleSeverity(Severity::High), &d);
    assert_eq!(s.cursor, None);
}

#[test]
fn keys_that_type_or_act_where_pressed_are_left_alone() {
    let d = data();
    let mut s = open(&d, "");
    assert_eq!(reduce(&mut s, key("j", Target::Input), &d), Outcome::none());
    assert_eq!(
        reduce(&mut s, key("ArrowDown", Target::Field), &d),
        Outcome::none()
    );
    assert_eq!(reduce(&mut s, key("/", Target::Input), &d), Outcome::none());
    let shortcut = Action::Key(Keystroke {
        key: "j".into(),
        target: Target::Page,
        modified: true,
    });
    assert_eq!(reduce(&mut s, shortcut, &d), Outcome::none());
    assert_eq!(s.cursor, None);
    // The arrows work from the search box, so the list can be walked while searching.
    reduce(&mut s, key("ArrowDown", Target::Input), &d);
    assert_eq!(s.cursor, Some(0));
    assert_eq!(
        reduce(&mut s, key("Enter", Target::Button), &d),
        Outcome::none()
    );
}

#[test]
fn slash_goes_to_the_search() {
    let d = data();
    let mut s = open(&d, "");
    assert_eq!(
        press(&mut s, &d, "/"),
        Outcome {
            render: false,
            effects: vec![Effect::PreventDefault, Effect::FocusSearch],
        }
    );
}

#[test]
fn enter_opens_the_highlighted_finding_or_folds_its_group() {
    let d = data();
    let mut s = open(&d, "");
    assert_eq!(press(&mut s, &d, "Enter"), Outcome::none(), "no highlight");
    press(&mut s, &d, "j");
    let out = press(&mut s, &d, " ");
    assert_eq!(out.effects, [Effect::PreventDefault]);
    assert!(s.collapsed(&s.groups[0]));
    press(&mut s, &d, " ");
    press(&mut s, &d, "j");
    let out = press(&mut s, &d, "Enter");
    assert_eq!(
        out.effects,
        [
            Effect::PreventDefault,
            set_hash("finding=aws-access-key-id@/app/.env", true),
            Effect::FocusId(DETAIL)
        ]
    );
    assert_eq!(s.detail, Some(5));
}

#[test]
fn the_open_detail_follows_the_highlight() {
    let d = data();
    let mut s = open(&d, "#severity=HIGH");
    reduce(&mut s, Action::Open(0), &d);
    press(&mut s, &d, "j"); // the HIGH header
    assert_eq!(s.detail, Some(0));
    let out = press(&mut s, &d, "j");
    assert_eq!(
        out.effects,
        [
            Effect::PreventDefault,
            Effect::FocusCursor,
            set_hash("severity=HIGH&finding=CVE-2023-0286@libssl3", true)
        ]
    );
    assert_eq!(s.detail, Some(1));
}

#[test]
fn escape_closes_the_export_then_clears_the_search_then_closes_the_detail() {
    let d = data();
    let mut s = open(&d, "#q=cve&finding=CVE-2024-0001@glibc");
    reduce(&mut s, Action::Export(ExportKind::Text), &d);
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![Effect::FocusId(EXPORT_TEXT_BUTTON)])
    );
    assert_eq!(s.export, None);
    assert_eq!(s.query.q, "cve");
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![
            Effect::ScrollList(0.0),
            set_hash("finding=CVE-2024-0001@glibc", false)
        ])
    );
    assert_eq!((s.query.q.as_str(), s.detail), ("", Some(2)));
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![set_hash("", true), Effect::FocusCursor])
    );
    assert_eq!(s.detail, None);
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![Effect::BlurSearch])
    );
}

#[test]
fn scrolling_renders_only_when_other_lines_come_on_screen() {
    let many = (0..200)
        .map(|n| vuln(&format!("CVE-2024-{n:04}"), Severity::High, "pkg"))
        .collect();
    let d = data_of(many);
    let mut s = State::new(&d, "", 10.0 * ROW_H);
    assert_eq!(s.visible_range(), (0, 19));
    assert!(!reduce(&mut s, Action::Scrolled(5.0), &d).render);
    assert!(reduce(&mut s, Action::Scrolled(50.0 * ROW_H), &d).render);
    assert_eq!(s.visible_range(), (42, 69));
    assert!(reduce(&mut s, Action::Scrolled(1e9), &d).render);
    assert_eq!(s.visible_range(), (201, 201), "past the end: nothing");
}

#[test]
fn focus_theme_and_resizing() {
    let d = data();
    let mut s = open(&d, "");
    assert_eq!(reduce(&mut s, Action::Cursor(3), &d), Outcome::render());
    assert_eq!(s.cursor, Some(3));
    assert_eq!(
        reduce(&mut s, Action::ToggleTheme, &d),
        Outcome::with(vec![Effect::ToggleTheme])
    );
    reduce(&mut s, Action::Resized(320.0), &d);
    assert_eq!(s.viewport, 320.0);
}

/// The triage data the header and the new views work on: findings 0 and 1 are one openssl
/// vulnerability (HIGH, in CISA's KEV catalog, EPSS 0.2) in two targets, 2 glibc (CRITICAL,
/// EPSS 0.9), 3 zlib (LOW, unfixed), 4 a secret; the fix plan is the model's.
fn triage() -> Data {
    use scanlens_model::triage::{Epss, Feed, Kev};
    let mut a = vuln("CVE-A", Severity::High, "openssl");
    a.kev = Feed::Listed(Kev {
        date_added: "2022-04-04".into(),
        due_date: "2022-04-25".into(),
        ..Default::default()
    });
    a.epss = Feed::Listed(Epss {
        score: 0.2,
        percentile: 0.9,
        date: "2025-03-15".into(),
    });
    let mut a2 = a.clone();
    a2.target = "other (debian 12)".into();
    let mut b = vuln("CVE-B", Severity::Critical, "glibc");
    b.epss = Feed::Listed(Epss {
        score: 0.9,
        percentile: 0.99,
        date: "2025-03-15".into(),
    });
    let mut zlib = findings().remove(3);
    zlib.id = "CVE-C".into();
    let secret = findings().remove(5);
    let mut report = Report {
        findings: vec![a, a2, b, zlib, secret],
        ..Default::default()
    };
    report.remediation = scanlens_model::remediation::plan(&report);
    Data::new(Dataset::from_report(&report))
}

#[test]
fn the_header_counts_known_exploited_and_fixable_urgent_and_both_filter() {
    let d = triage();
    let mut s = open(&d, "");
    assert_eq!((s.facets.kev(), s.facets.fixable_urgent()), (2, 3));
    assert!(d.any_kev);
    assert_eq!(reduce(&mut s, Action::ToggleKev, &d), filtered("kev=1"));
    assert_eq!(s.selected.as_slice(), [0, 1]);
    reduce(&mut s, Action::ToggleKev, &d);
    assert_eq!(s.selected.len(), 5);
    assert_eq!(
        reduce(&mut s, Action::ToggleFixableUrgent, &d),
        filtered("severity=CRITICAL,HIGH&fix=fixable")
    );
    assert!(s.fixable_urgent());
    assert_eq!(s.selected.len(), 3);
    reduce(&mut s, Action::ToggleFixableUrgent, &d);
    assert!(s.query.is_unfiltered());
}

#[test]
fn column_headers_sort_and_a_second_click_reverses() {
    let d = triage();
    let mut s = open(&d, "");
    assert_eq!(
        reduce(&mut s, Action::SortColumn(SortBy::Risk), &d),
        filtered("sort=risk")
    );
    assert_eq!(
        s.selected.as_slice(),
        [0, 1, 2, 4, 3],
        "KEV first, then EPSS, then severity"
    );
    assert_eq!(
        reduce(&mut s, Action::SortColumn(SortBy::Risk), &d),
        filtered("sort=risk&reverse=1")
    );
    assert_eq!(s.selected.as_slice(), [3, 4, 2, 1, 0]);
    reduce(&mut s, Action::SortColumn(SortBy::Epss), &d);
    assert!(!s.query.reverse, "a new column starts in its natural order");
    assert_eq!(s.selected[0], 2);
}

#[test]
fn fix_plan_and_layer_groupings() {
    let d = triage();
    let mut s = open(&d, "#group=fix");
    let labels: Vec<&str> = s.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "upgrade openssl 1.0 → 1.1: fixes 1 (1 high)",
            "upgrade openssl 1.0 → 1.1: fixes 1 (1 high)",
            "upgrade glibc 1.0 → 1.1: fixes 1 (1 critical)",
            "No fixed version listed",
            "Not a package vulnerability",
        ]
    );
    reduce(&mut s, Action::SetGroup(GroupBy::Layer), &d);
    let labels: Vec<&str> = s.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["No layer"], "no layers known: one group");
    assert_eq!(s.groups[0].total(), 5);
}

#[test]
fn merged_rows_stand_for_every_target_and_pick_them_all() {
    let d = triage();
    let mut s = open(&d, "");
    let high = s.groups.iter().position(|g| g.label == "HIGH").unwrap();
    let line = s
        .lines
        .iter()
        .position(|l| {
            *l == Line::Item {
                g: high as u32,
                i: 0,
            }
        })
        .unwrap();
    assert_eq!(s.line_findings(line), [0, 1]);
    assert_eq!(s.merged_with(high as u32, 0), [1]);
    assert_eq!(s.lines.len(), 3 + 4, "3 groups, 4 rows for 5 findings");
    reduce(&mut s, Action::Pick(0), &d);
    assert_eq!(s.picked, [0, 1]);
    reduce(&mut s, Action::Pick(0), &d);
    assert!(s.picked.is_empty());
    // Unmerged: a row each, and the choice kept in the hash.
    let out = reduce(&mut s, Action::SetMerge(false), &d);
    assert_eq!(out, Outcome::with(vec![set_hash("merge=0", true)]));
    assert_eq!(s.lines.len(), 3 + 5);
    reduce(&mut s, Action::HashChanged(String::new()), &d);
    assert_eq!(s.lines.len(), 3 + 4, "back merges again");
}

#[test]
fn expand_and_collapse_all() {
    let d = data();
    let mut s = open(&d, "");
    reduce(&mut s, Action::CollapseAll, &d);
    assert_eq!(s.lines.len(), s.groups.len(), "headers only");
    reduce(&mut s, Action::ExpandAll, &d);
    assert_eq!(s.lines.len(), s.groups.len() + 6);
    // Vulnerability groups start folded; expand all opens them.
    reduce(&mut s, Action::SetGroup(GroupBy::Vulnerability), &d);
    let folded = s.lines.len();
    reduce(&mut s, Action::ExpandAll, &d);
    assert!(s.lines.len() > folded);
    reduce(&mut s, Action::CollapseAll, &d);
    assert_eq!(s.lines.len(), folded);
}

#[test]
fn facet_chips_toggle_values_and_the_target_facet_is_bounded_and_searchable() {
    let many: Vec<Finding> = (0..40)
        .map(|n| {
            let mut f = vuln(&format!("CVE-{n}"), Severity::Low, "zlib");
            f.target = format!("target-{:02}", n % 20);
            f
        })
        .collect();
    let d = data_of(many);
    let mut s = open(&d, "");
    let (shown, more) = s.facet_targets(&d);
    assert_eq!((shown.len(), more), (FACET_TOP, 20 - FACET_TOP));
    reduce(&mut s, Action::FacetSearch("GET-1".into()), &d);
    let (shown, more) = s.facet_targets(&d);
    assert_eq!((shown.len(), more), (FACET_TOP, 2), "target-10 … target-19");
    reduce(&mut s, Action::FacetMore, &d);
    assert_eq!(s.facet_targets(&d).0.len(), 10);
    assert_eq!(
        reduce(
            &mut s,
            Action::ToggleValue(ListFilter::Target, "target-03".into()),
            &d
        ),
        filtered("target=target-03")
    );
    assert_eq!(s.selected.len(), 2);
    reduce(
        &mut s,
        Action::ToggleValue(ListFilter::Target, "target-03".into()),
        &d,
    );
    assert!(s.query.is_unfiltered());
}

#[test]
fn a_filter_change_filters_the_kept_search_without_searching_again() {
    let d = data();
    let mut s = open(&d, "");
    reduce(&mut s, Action::Search("cve".into()), &d);
    // Stand in a search result that lacks glibc: a filter applied to it cannot show glibc,
    // a new search would.
    let query = s.query.clone();
    s.searched = Some(Searched {
        query,
        result: Rc::new(vec![0, 3]),
    });
    reduce(&mut s, Action::ToggleSeverity(Severity::Critical), &d);
    assert!(s.selected.is_empty(), "filtered the kept search");
    reduce(&mut s, Action::ToggleSeverity(Severity::Critical), &d);
    assert_eq!(
        shown(&s, &d),
        ["CVE-2023-0286@openssl", "CVE-2024-0003@zlib"]
    );
    // Another scope is another search.
    reduce(&mut s, Action::SetShow(Show::All), &d);
    assert_eq!(s.selected.len(), 5, "searched anew");
}

#[test]
fn facet_counts_narrow_under_the_other_filters_and_the_search() {
    let d = data();
    let mut s = open(&d, "");
    let sevs = |s: &State| Severity::ALL.map(|v| s.facets.severity(v));
    assert_eq!(sevs(&s), [2, 2, 1, 1, 0]);
    assert_eq!(s.facets.kind(Kind::Secret), 1);
    // A kind narrows the severities; its own facet keeps its counts.
    reduce(&mut s, Action::ToggleKind(Kind::Secret), &d);
    assert_eq!(sevs(&s), [1, 0, 0, 0, 0]);
    assert_eq!(
        (
            s.facets.kind(Kind::Vulnerability),
            s.facets.kind(Kind::Secret)
        ),
        (4, 1)
    );
    reduce(&mut s, Action::ToggleKind(Kind::Secret), &d);
    // A severity leaves the other severities' counts as they were.
    reduce(&mut s, Action::ToggleSeverity(Severity::High), &d);
    assert_eq!(sevs(&s), [2, 2, 1, 1, 0]);
    assert_eq!(s.facets.kind(Kind::Secret), 0);
    assert_eq!(s.facets.fix(Fix::Fixable), 2);
    // The search narrows every facet, its statuses too.
    reduce(&mut s, Action::Search("zlib".into()), &d);
    assert_eq!(sevs(&s), [0, 0, 0, 1, 0]);
    let status = |s: &State, v: &str| {
        let n = d.ix.values(ListFilter::Status).iter().position(|x| x == v);
        s.facets.value(ListFilter::Status, n.unwrap())
    };
    assert_eq!(
        (status(&s, "affected"), status(&s, "fixed")),
        (0, 0),
        "zlib is LOW"
    );
    reduce(&mut s, Action::ToggleSeverity(Severity::High), &d);
    assert_eq!((status(&s, "affected"), status(&s, "fixed")), (1, 0));
}

#[test]
fn the_target_facet_puts_the_targets_the_query_finds_first() {
    let many: Vec<Finding> = (0..6)
        .map(|n| {
            let mut f = vuln(&format!("CVE-{n}"), Severity::Low, "zlib");
            f.target = format!("target-{}", n % 3);
            if n == 5 {
                f.title = "needle".into();
            }
            f
        })
        .collect();
    let d = data_of(many);
    let mut s = open(&d, "");
    let targets = |s: &State| {
        s.facet_targets(&d)
            .0
            .into_iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(targets(&s), ["target-0 2", "target-1 2", "target-2 2"]);
    reduce(&mut s, Action::Search("needle".into()), &d);
    assert_eq!(targets(&s), ["target-2 1", "target-0 0", "target-1 0"]);
}

#[test]
fn the_phone_layouts_controls_open_and_close_without_touching_the_query() {
    let d = data_of(vec![vuln("CVE-1", Severity::High, "zlib")]);
    let mut s = open(&d, "q=zlib");
    assert!(!s.controls_open, "closed at first");
    let before = s.query.clone();
    reduce(&mut s, Action::ToggleControls, &d);
    assert!(s.controls_open);
    reduce(&mut s, Action::ToggleControls, &d);
    assert!(!s.controls_open);
    assert_eq!(s.query, before);
}

/// [`findings`] with a plan to fix: openssl (7) in CISA's KEV catalog, a second file with a
/// secret (8), a forbidden license (9) and a license only to notice (10); the Fix first plan is
/// the model's, made as `render` makes it.
fn planned() -> Data {
    use scanlens_model::report::LicenseDetail;
    use scanlens_model::triage::{Feeds, Kev};
    let mut found = findings();
    found[0].kev = scanlens_model::triage::Feed::Listed(Kev::default());
    let mut key = found[5].clone();
    // A second file whose path starts with the first's: narrowing to one leaves the other out.
    key.target = "/app/.env.local".into();
    key.severity = Severity::High;
    found.push(key);
    let license = |id: &str, category: &str, pkg: &str| Finding {
        kind: Kind::License,
        id: id.into(),
        severity: Severity::High,
        target: "Node.js".into(),
        class: "license".into(),
        package: Some(Arc::new(Package {
            name: pkg.into(),
            ..Default::default()
        })),
        license: Some(LicenseDetail {
            category: category.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    found.push(license("GPL-3.0", "forbidden", "left-pad"));
    found.push(license("MIT", "notice", "right-pad"));
    let mut report = Report {
        findings: found,
        feeds: Some(Feeds {
            kev: Some("2025.08.25".into()),
            epss: None,
        }),
        ..Default::default()
    };
    scanlens_model::fix_first::plan_all(&mut report);
    Data::new(Dataset::from_report(&report))
}

/// A filter change that also moves focus to the list's first line.
fn narrowed(hash: &str) -> Outcome {
    Outcome::with(vec![
        Effect::ScrollList(0.0),
        set_hash(hash, true),
        Effect::FocusCursor,
    ])
}

#[test]
fn fix_first_opens_and_closes_moving_focus_in_and_back() {
    let d = planned();
    let mut s = open(&d, "#q=ssl");
    assert!(!s.fix_first);
    assert_eq!(
        reduce(&mut s, Action::OpenFixFirst, &d),
        Outcome::with(vec![Effect::FocusId(FIX_FIRST)])
    );
    assert!(s.fix_first);
    assert_eq!(
        reduce(&mut s, Action::CloseFixFirst, &d),
        Outcome::with(vec![Effect::FocusId(FIX_FIRST_BUTTON)])
    );
    assert!(!s.fix_first);
    assert_eq!(s.query.q, "ssl", "closing changes nothing else");
    // A report with nothing to fix has no panel to open.
    let empty = data_of(Vec::new());
    let mut s = open(&empty, "");
    assert_eq!(
        reduce(&mut s, Action::OpenFixFirst, &empty),
        Outcome::none()
    );
    assert!(!s.fix_first);
}

#[test]
fn while_fix_first_is_open_only_escape_acts_and_it_closes_the_panel_first() {
    let d = planned();
    let mut s = open(&d, "#q=ssl");
    reduce(&mut s, Action::Export(ExportKind::Text), &d);
    reduce(&mut s, Action::OpenFixFirst, &d);
    for k in ["j", "ArrowDown", "Enter", " ", "/"] {
        assert_eq!(press(&mut s, &d, k), Outcome::none(), "{k}");
    }
    assert_eq!(s.cursor, None, "the list behind stays as it was");
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![Effect::FocusId(FIX_FIRST_BUTTON)])
    );
    assert!(!s.fix_first);
    assert!(
        s.export.is_some(),
        "the export dialog closes at the next Esc"
    );
    assert_eq!(s.query.q, "ssl");
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![Effect::FocusId(EXPORT_TEXT_BUTTON)])
    );
    assert_eq!(s.export, None);
}

#[test]
fn each_fix_first_entry_narrows_the_list_through_the_query_and_the_hash() {
    let d = planned();
    let plan = &d.ds.report.fix_first;
    assert_eq!(plan.secrets.files.total, 2);
    assert_eq!(plan.checks.checks.total, 1);
    assert_eq!(plan.licenses.licenses.total, 1, "MIT asks for nothing");
    assert_eq!(plan.known_exploited.as_ref().map(|k| k.total), Some(1));
    // Any filter set before goes (it could hide what the entry names); the grouping stays.
    let mut s = open(&d, "#q=glibc&severity=LOW&group=target");
    reduce(&mut s, Action::OpenFixFirst, &d);

    let file = &plan.secrets.files.shown[0];
    assert_eq!(file.path, "/app/.env");
    assert_eq!(
        reduce(&mut s, Action::Narrow(Narrow::secret_file(file)), &d),
        narrowed("kind=secret&target=/app/.env&group=target")
    );
    assert!(!s.fix_first, "the panel closes");
    assert_eq!(s.cursor, Some(0), "focus goes to the list's first line");
    assert_eq!(shown(&s, &d), ["aws-access-key-id@/app/.env"]);

    let check = &plan.checks.checks.shown[0];
    reduce(&mut s, Action::Narrow(Narrow::check(check)), &d);
    assert_eq!(
        (s.query.q.as_str(), &s.query.kinds[..]),
        ("id:DS002", &[Kind::Misconfiguration][..])
    );
    assert_eq!(shown(&s, &d), ["DS002@Dockerfile"]);

    let license = &plan.licenses.licenses.shown[0];
    reduce(&mut s, Action::Narrow(Narrow::license(license)), &d);
    assert_eq!(s.query.q, "id:GPL-3.0");
    assert_eq!(shown(&s, &d), ["GPL-3.0@left-pad"]);

    // An upgrade: its package's vulnerabilities in its target.
    let up = plan
        .upgrades
        .shown
        .iter()
        .find(|r| r.package == "glibc")
        .expect("glibc is fixable");
    reduce(&mut s, Action::Narrow(Narrow::upgrade(up)), &d);
    assert_eq!(s.query.q, "package:glibc@1.0");
    assert_eq!(s.query.targets, ["img (debian 12)"]);
    assert_eq!(shown(&s, &d), ["CVE-2024-0001@glibc"]);
    let upgrade = query::to_hash(&s.query);

    // Known exploited: the header's own filter, on.
    assert_eq!(
        reduce(&mut s, Action::Narrow(Narrow::KnownExploited), &d),
        narrowed("group=target&kev=1")
    );
    assert_eq!(shown(&s, &d), ["CVE-2023-0286@openssl"]);
    // Back goes to the list as the previous entry left it.
    reduce(&mut s, Action::HashChanged(format!("#{upgrade}")), &d);
    assert_eq!(shown(&s, &d), ["CVE-2024-0001@glibc"]);
}

#[test]
fn the_export_dialog_takes_focus_and_gives_it_back_to_the_button_of_its_kind() {
    let d = data();
    let mut s = open(&d, "");
    assert_ne!(EXPORT_TEXT_BUTTON, EXPORT_YAML_BUTTON);
    assert_eq!(
        reduce(&mut s, Action::Export(ExportKind::Text), &d),
        Outcome::with(vec![Effect::FocusId(EXPORT)])
    );
    assert_eq!(
        reduce(&mut s, Action::CloseExport, &d),
        Outcome::with(vec![Effect::FocusId(EXPORT_TEXT_BUTTON)])
    );
    assert_eq!(s.export, None);
    // The other kind, opened over the first: focus goes back to the button that opened it last.
    reduce(&mut s, Action::Export(ExportKind::Text), &d);
    assert_eq!(
        reduce(&mut s, Action::Export(ExportKind::Yaml), &d),
        Outcome::with(vec![Effect::FocusId(EXPORT)])
    );
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![Effect::FocusId(EXPORT_YAML_BUTTON)]),
        "Esc closes it as its button does"
    );
    assert_eq!(s.export, None);
    // Nothing open: nothing to close, and focus stays where it is.
    assert_eq!(reduce(&mut s, Action::CloseExport, &d), Outcome::none());
}

#[test]
fn opening_a_finding_by_a_key_or_a_click_moves_focus_to_the_detail() {
    let d = data();
    let mut s = open(&d, "#severity=HIGH");
    // A click on a row's ID focuses it (the highlight follows), then opens its finding.
    reduce(&mut s, Action::Cursor(1), &d);
    assert_eq!(
        reduce(&mut s, Action::Open(1), &d),
        Outcome::with(vec![
            set_hash("severity=HIGH&finding=CVE-2023-0286@libssl3", true),
            Effect::FocusId(DETAIL)
        ])
    );
    // Enter on the highlighted line, the panel already open on it.
    press(&mut s, &d, "j");
    assert_eq!(s.detail, Some(0));
    assert_eq!(
        press(&mut s, &d, "Enter").effects,
        [
            Effect::PreventDefault,
            set_hash("severity=HIGH&finding=CVE-2023-0286@openssl", true),
            Effect::FocusId(DETAIL)
        ]
    );
}

#[test]
fn j_and_k_with_the_detail_open_keep_focus_on_the_list() {
    let d = data();
    let mut s = open(&d, "#severity=HIGH");
    reduce(&mut s, Action::Cursor(1), &d);
    reduce(&mut s, Action::Open(1), &d);
    for (k, detail) in [("j", 0), ("k", 1), ("ArrowDown", 0), ("ArrowUp", 1)] {
        let out = press(&mut s, &d, k);
        assert!(out.effects.contains(&Effect::FocusCursor), "{k}: {out:?}");
        assert!(
            !out.effects.iter().any(|e| matches!(e, Effect::FocusId(_))),
            "{k}: {out:?}"
        );
        assert_eq!(s.detail, Some(detail), "{k}: the detail follows");
    }
}

#[test]
fn closing_the_detail_returns_focus_to_the_highlighted_line() {
    let d = data();
    let mut s = open(&d, "#severity=HIGH");
    reduce(&mut s, Action::Cursor(1), &d);
    reduce(&mut s, Action::Open(1), &d);
    assert_eq!(
        reduce(&mut s, Action::Close, &d),
        Outcome::with(vec![set_hash("severity=HIGH", true), Effect::FocusCursor])
    );
    // Esc closes it the same way.
    reduce(&mut s, Action::Open(0), &d);
    assert_eq!(
        press(&mut s, &d, "Escape"),
        Outcome::with(vec![set_hash("severity=HIGH", true), Effect::FocusCursor])
    );
    // The highlighted line scrolled away meanwhile: it comes back on screen to take focus.
    reduce(&mut s, Action::Resized(ROW_H), &d);
    reduce(&mut s, Action::Open(0), &d);
    reduce(&mut s, Action::Scrolled(0.0), &d);
    assert_eq!(
        reduce(&mut s, Action::Close, &d),
        Outcome::with(vec![
            set_hash("severity=HIGH", true),
            Effect::ScrollList(ROW_H),
            Effect::FocusCursor
        ])
    );
    // No highlighted line (a deep link, a search typed since): focus goes to the closed
    // finding's line, which becomes the highlighted one.
    let mut s = open(&d, "#severity=HIGH&finding=CVE-2023-0286@openssl");
    assert_eq!(s.cursor, None);
    let at = line_of(&s, s.detail.unwrap());
    assert_eq!(
        reduce(&mut s, Action::Close, &d),
        Outcome::with(vec![set_hash("severity=HIGH", true), Effect::FocusCursor])
    );
    assert_eq!(s.cursor, Some(at));
    // Not shown (a filter hides it): the first line.
    let mut s = open(&d, "#severity=CRITICAL&finding=CVE-2023-0286@openssl");
    assert!(s.detail.is_some());
    reduce(&mut s, Action::Close, &d);
    assert_eq!(s.cursor, Some(0));
    // No line at all: the search box.
    let mut s = open(&d, "#q=nothing-like-this&finding=CVE-2023-0286@openssl");
    assert!(s.lines.is_empty() && s.detail.is_some());
    assert_eq!(
        reduce(&mut s, Action::Close, &d),
        Outcome::with(vec![
            set_hash("q=nothing-like-this", true),
            Effect::FocusSearch
        ])
    );
}

/// The list line that shows finding `i`.
fn line_of(s: &State, i: u32) -> usize {
    s.lines
        .iter()
        .position(|l| matches!(l, Line::Item { i: j, .. } if *j == i))
        .expect("shown")
}

#[test]
fn escape_in_the_search_box_closes_the_detail_and_leaves_focus_there() {
    let d = data();
    let mut s = open(&d, "#severity=HIGH");
    reduce(&mut s, Action::Cursor(1), &d);
    reduce(&mut s, Action::Open(1), &d);
    assert_eq!(
        reduce(&mut s, key("Escape", Target::Input), &d),
        Outcome::with(vec![set_hash("severity=HIGH", true)])
    );
    assert_eq!(s.detail, None);
}

#[test]
fn keys_in_the_detail_panel_scroll_it_but_j_and_k_still_review() {
    let d = data();
    let mut s = open(&d, "#severity=HIGH");
    reduce(&mut s, Action::Cursor(0), &d);
    reduce(&mut s, Action::Open(1), &d);
    for k in ["ArrowDown", "ArrowUp", " ", "Enter"] {
        assert_eq!(
            reduce(&mut s, key(k, Target::Panel), &d),
            Outcome::none(),
            "{k}"
        );
    }
    assert_eq!((s.cursor, s.detail), (Some(0), Some(1)));
    let out = reduce(&mut s, key("j", Target::Panel), &d);
    assert!(out.effects.contains(&Effect::FocusCursor), "{out:?}");
    assert_eq!(s.cursor, Some(1));
}

#[test]
fn back_and_forward_to_another_list_forget_the_highlighted_line() {
    let d = data();
    let mut s = open(&d, "");
    for _ in 0..3 {
        press(&mut s, &d, "j");
    }
    assert_eq!(s.cursor, Some(2));
    reduce(&mut s, Action::HashChanged("#sort=id".into()), &d);
    assert!(s.lines.len() > 2);
    assert_eq!(s.cursor, None);
    // Only the grouping moved: the same findings, the highlight kept in range.
    let mut s = open(&d, "");
    press(&mut s, &d, "j");
    reduce(&mut s, Action::HashChanged("#group=target".into()), &d);
    assert_eq!(s.cursor, Some(0));
}

#[test]
fn a_finding_opened_from_the_url_leaves_focus_where_it_is() {
    let d = data();
    let mut s = open(&d, "");
    // Back or forward to a finding in another list: the list starts over, nothing takes focus.
    assert_eq!(
        reduce(
            &mut s,
            Action::HashChanged("#severity=HIGH&finding=CVE-2023-0286@openssl".into()),
            &d
        ),
        Outcome::with(vec![Effect::ScrollList(0.0)])
    );
    assert_eq!(s.detail, Some(0));
    // Only the open finding moved.
    assert_eq!(
        reduce(
            &mut s,
            Action::HashChanged("#severity=HIGH&finding=CVE-2023-0286@libssl3".into()),
            &d
        ),
        Outcome::render()
    );
    assert_eq!(s.detail, Some(1));
}

#[test]
fn a_fix_first_entry_names_its_value_whole_even_with_spaces_or_quotes() {
    for (name, value) in [
        ("id", "Custom License 2"),
        ("id", "My \"Own\" License \\ x"),
        ("id", "tab\tand  two spaces"),
        ("id", ""),
        ("package", "@babel/core@7.0.0"),
        ("package", "weird\"name@1.0"),
    ] {
        let field = |v: &str| match name {
            "id" => query::Field::Id(v.into()),
            _ => query::Field::Package(v.into()),
        };
        let t = query::parse_terms(&field(value).term());
        let want = field(&value.to_lowercase());
        assert_eq!(
            t.fields,
            [want],
            "{name}:{value} as {}",
            field(value).term()
        );
        assert!(t.text.is_empty());
    }
}
