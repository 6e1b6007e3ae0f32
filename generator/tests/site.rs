//! `scanlens site` as a CI job runs it: the site folder, and its `data/site.json`, come back from
//! a previous run or a bucket, so the file is untrusted and a failed run must not leave the site
//! half-written.

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

fn scanlens<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn site_cmd(site: &Path, reports: &[&Path]) -> Vec<PathBuf> {
    let mut args = vec![PathBuf::from("site"), "--out".into(), site.to_path_buf()];
    args.extend(reports.iter().map(|r| r.to_path_buf()));
    args
}

fn run_site(site: &Path, reports: &[&Path]) -> Output {
    scanlens(&site_cmd(site, reports))
}

fn render(input: &Path, out: &Path) {
    let o = scanlens(&[
        OsStr::new("render"),
        input.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Three report folders: alpine 3.10 (`first`), a later scan of the same image (`later`), and
/// alpine 3.9, another image (`other`).
struct Reports {
    first: PathBuf,
    later: PathBuf,
    other: PathBuf,
}

fn reports(root: &Path, scratch: &Path) -> Reports {
    let raw = std::fs::read(root.join("trivy-golden/alpine-310.json.golden")).unwrap();
    let mut v: Value = serde_json::from_slice(&raw).unwrap();
    v["CreatedAt"] = "2021-09-01T00:00:00Z".into();
    let later_json = scratch.join("later.json");
    std::fs::write(&later_json, serde_json::to_vec(&v).unwrap()).unwrap();
    let r = Reports {
        first: scratch.join("first"),
        later: scratch.join("later"),
        other: scratch.join("other"),
    };
    render(&root.join("trivy-golden/alpine-310.json.golden"), &r.first);
    render(&later_json, &r.later);
    render(&root.join("trivy-golden/alpine-39.json.golden"), &r.other);
    r
}

/// The folder name `scanlens site` gives the image of a report folder.
fn slug_of(report: &Path) -> String {
    let v: Value =
        serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
    let name = v["artifacts"][0]["name"].as_str().unwrap();
    scanlens::site::slug(scanlens::site::repository(name)).to_string()
}

/// Everything under `root`, without following links: kind, contents and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (String, Vec<u8>, Option<SystemTime>)> {
    fn walk(
        root: &Path,
        dir: &Path,
        out: &mut BTreeMap<PathBuf, (String, Vec<u8>, Option<SystemTime>)>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if m.file_type().is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(
                    rel,
                    (
                        "link".into(),
                        target.into_os_string().into_encoded_bytes(),
                        None,
                    ),
                );
            } else if m.is_dir() {
                out.insert(rel, ("dir".into(), Vec::new(), None));
                walk(root, &p, out);
            } else {
                out.insert(
                    rel,
                    ("file".into(), std::fs::read(&p).unwrap(), m.modified().ok()),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn changes(
    before: &BTreeMap<PathBuf, (String, Vec<u8>, Option<SystemTime>)>,
    after: &BTreeMap<PathBuf, (String, Vec<u8>, Option<SystemTime>)>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (p, v) in after {
        match before.get(p) {
            None => out.push(format!("added {}", p.display())),
            Some(b) if b != v => out.push(format!("changed {}", p.display())),
            _ => {}
        }
    }
    for p in before.keys().filter(|p| !after.contains_key(*p)) {
        out.push(format!("removed {}", p.display()));
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// What is wrong with a failed run's exit code and message: it exits 3 with one plain line.
fn one_line_error_problems(o: &Output) -> Vec<String> {
    let err = stderr(o);
    let mut problems = Vec::new();
    if o.status.code() != Some(3) {
        problems.push(format!("exit {:?}", o.status.code()));
    }
    if err.trim_end().lines().count() != 1 {
        problems.push("not one line".into());
    }
    if err.contains("panicked") {
        problems.push("panicked".into());
    }
    if err.trim_end().chars().any(char::is_control) {
        problems.push("control characters reach the terminal".into());
    }
    problems
}

fn assert_no_problems(problems: &[String]) {
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn site_json_cannot_write_outside_the_site() {
    let Some(fx) = common::fixtures() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let r = reports(&fx, scratch.path());
    let base = scratch.path().join("base");
    let o = run_site(&base, &[&r.first]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // Each case runs in a fresh root holding the site and a sibling folder an attacker aims at.
    let root = scratch.path().join("root");
    let sibling = root.join("sibling");
    let abs = sibling.join("abs").to_string_lossy().into_owned();
    let long = "x/".repeat(2500);
    let cases: Vec<(&str, &str, String, &str)> = vec![
        ("absolute slug", "slug", abs.clone(), "image 1 has the slug"),
        (
            "../ slug",
            "slug",
            "../../sibling/up".into(),
            "image 1 has the slug",
        ),
        (".. slug", "slug", "..".into(), "image 1 has the slug"),
        ("nested slug", "slug", "a/b".into(), "image 1 has the slug"),
        (
            "NUL in slug",
            "slug",
            "alpine\0x".into(),
            "image 1 has the slug",
        ),
        (
            "controls in slug",
            "slug",
            "alpine\n\u{1b}[2Jx".into(),
            "image 1 has the slug",
        ),
        ("long slug", "slug", long, "image 1 has the slug"),
        (
            "absolute id",
            "id",
            format!("{abs}/scan"),
            "scan 1 of image 1 has the id",
        ),
        (
            "../ id",
            "id",
            "../../../sibling/x".into(),
            "scan 1 of image 1 has the id",
        ),
        (".. id", "id", "..".into(), "scan 1 of image 1 has the id"),
        (
            "/ in id",
            "id",
            "20210825122030/26b06e9f5090".into(),
            "scan 1 of image 1 has the id",
        ),
        (
            "NUL in id",
            "id",
            "20210825122030-26b06e9f5090\0".into(),
            "scan 1 of image 1 has the id",
        ),
        (
            "controls in id",
            "id",
            "\u{1b}]8;;https://evil.example\u{7}".into(),
            "scan 1 of image 1 has the id",
        ),
        (
            "link in id",
            "id",
            "javascript:alert(1)//".into(),
            "scan 1 of image 1 has the id",
        ),
    ];
    let mut problems = Vec::new();
    for (case, field, value, entry) in cases {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&sibling).unwrap();
        std::fs::write(sibling.join("keep.txt"), "mine").unwrap();
        let site = root.join("site");
        copy_tree(&base, &site);
        let json = site.join("data/site.json");
        let mut index: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        match field {
            "slug" => index["images"][0]["slug"] = value.clone().into(),
            _ => index["images"][0]["scans"][0]["id"] = value.clone().into(),
        }
        std::fs::write(&json, serde_json::to_vec_pretty(&index).unwrap()).unwrap();
        let before = snapshot(&root);

        // A later scan of the same image: today's code writes its folder under the slug.
        let o = run_site(&site, &[&r.later]);

        let err = stderr(&o);
        let mut found = one_line_error_problems(&o);
        if !err.contains("data/site.json") {
            found.push("does not name the file".into());
        }
        if !err.contains(entry) {
            found.push(format!("does not name the entry ({entry})"));
        }
        let shown: String = value
            .chars()
            .take(20)
            .collect::<String>()
            .escape_debug()
            .to_string();
        if !err.contains(&shown) {
            found.push(format!("does not show the value ({shown})"));
        }
        if err.len() > 600 {
            found.push("the value is not clipped".into());
        }
        if !err.contains("restore the site from a trusted copy") {
            found.push("does not name the fix".into());
        }
        found.extend(changes(&before, &snapshot(&root)));
        if scratch.path().join("sibling").exists() || Path::new(&abs).exists() {
            found.push("wrote outside".into());
        }
        if !found.is_empty() {
            problems.push(format!(
                "{case}: {}; stderr: {}",
                found.join(", "),
                err.trim_end()
            ));
        }
    }
    assert_no_problems(&problems);
}

// Unix only: it limits the file size with setrlimit and links a folder out of the site.
#[cfg(unix)]
#[test]
fn a_failed_site_run_leaves_no_partial_folders() {
    let Some(fx) = common::fixtures() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let r = reports(&fx, scratch.path());
    let base = scratch.path().join("base");
    let o = run_site(&base, &[&r.first]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let mut problems = Vec::new();
    let mut check = |case: &str, o: &Output, before, after, needle: Option<String>| {
        let mut found = one_line_error_problems(o);
        if let Some(needle) = needle {
            if !stderr(o).contains(&needle) {
                found.push(format!("does not name {needle}"));
            }
        }
        found.extend(changes(&before, &after));
        if !found.is_empty() {
            problems.push(format!(
                "{case}: {}; stderr: {}",
                found.join(", "),
                stderr(o).trim_end()
            ));
        }
    };

    // The disk fills while a scan folder is copied: the report page is larger than the limit,
    // its other files are not. RLIMIT_FSIZE makes the kernel refuse the write as a full disk
    // would, without filling one.
    let site = scratch.path().join("full");
    copy_tree(&base, &site);
    let before = snapshot(&site);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanlens"));
    cmd.args(site_cmd(&site, &[&r.later, &r.other]));
    limit_file_size(&mut cmd, 100_000);
    let o = cmd.output().unwrap();
    check("disk full", &o, before, snapshot(&site), None);

    // A file where the second image's folder must go: the first report's folder, already
    // copied, is removed again.
    let site = scratch.path().join("blocked");
    copy_tree(&base, &site);
    std::fs::write(site.join("images").join(slug_of(&r.other)), "not a folder").unwrap();
    let before = snapshot(&site);
    let o = run_site(&site, &[&r.later, &r.other]);
    let blocked = Some(slug_of(&r.other));
    check(
        "file where a folder goes",
        &o,
        before,
        snapshot(&site),
        blocked,
    );

    // A new site whose `data` folder is a link out of it: the scan folder and the pages are
    // staged before site.json is refused a place there, and all of them are removed again.
    let site = scratch.path().join("linked");
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.join("data")).unwrap();
    let before = snapshot(scratch.path());
    let o = run_site(&site, &[&r.first]);
    let data = Some(format!("{}", site.join("data").display()));
    check("data links out", &o, before, snapshot(scratch.path()), data);

    // A report folder whose findings.ndjson or report.json is a link: the site would read, or
    // publish, what lies outside it, or show the scan without the file; it is refused, naming it.
    for name in ["findings.ndjson", "report.json"] {
        let linked = scratch.path().join(format!("linked-{name}"));
        render(&fx.join("trivy-golden/alpine-39.json.golden"), &linked);
        let moved = scratch.path().join(format!("outside-{name}"));
        std::fs::rename(linked.join(name), &moved).unwrap();
        std::os::unix::fs::symlink(&moved, linked.join(name)).unwrap();
        let before = snapshot(&base);
        let o = run_site(&base, &[&linked]);
        let named = Some(format!(
            "{} is a symbolic link",
            linked.join(name).display()
        ));
        check(
            &format!("{name} is a link"),
            &o,
            before,
            snapshot(&base),
            named,
        );
    }

    assert_no_problems(&problems);
}

/// Makes the child's writes past `bytes` fail with EFBIG instead of killing it with SIGXFSZ.
#[cfg(unix)]
fn limit_file_size(cmd: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Every relative link in `page` names a file that exists.
fn assert_links_resolve(page: &Path) {
    let html = std::fs::read_to_string(page).unwrap();
    for (i, _) in html.match_indices("href=\"") {
        let href = &html[i + 6..];
        let href = &href[..href.find('"').unwrap()];
        if href.starts_with("http://") || href.starts_with("https://") {
            continue;
        }
        let target = page.parent().unwrap().join(href);
        assert!(target.is_file(), "{}: broken link {href}", page.display());
    }
}

#[test]
fn a_site_builds_and_adding_the_same_report_again_changes_nothing() {
    let Some(fx) = common::fixtures() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let r = reports(&fx, scratch.path());
    let site = scratch.path().join("site");
    let o = run_site(&site, &[&r.first, &r.other]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run_site(&site, &[&r.later]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let index: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    let images = index["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    let alpine = images
        .iter()
        .find(|i| i["slug"] == json!(slug_of(&r.first)))
        .unwrap();
    assert_eq!(alpine["scans"].as_array().unwrap().len(), 2);
    assert_links_resolve(&site.join("index.html"));
    for image in images {
        let dir = site.join("images").join(image["slug"].as_str().unwrap());
        assert_links_resolve(&dir.join("index.html"));
        for scan in image["scans"].as_array().unwrap() {
            assert!(dir
                .join(scan["id"].as_str().unwrap())
                .join("report.json")
                .is_file());
        }
    }
    let tmp: Vec<_> = snapshot(&site)
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "{tmp:?}");

    // The same reports again, as a retried CI job adds them: not a byte nor a timestamp moves,
    // so a sync to a bucket uploads nothing.
    let before = snapshot(&site);
    let o = run_site(&site, &[&r.later, &r.first]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("added 0 scan(s)"), "{}", stderr(&o));
    let changed = changes(&before, &snapshot(&site));
    assert!(changed.is_empty(), "{changed:?}");
}

const PAYLOAD: &str = r#"<script>alert(1)</script>"><img src=x onerror=alert(2)>'"#;

#[test]
fn text_from_site_json_is_shown_as_text() {
    let Some(fx) = common::fixtures() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let r = reports(&fx, scratch.path());
    let site = scratch.path().join("site");
    let o = run_site(&site, &[&r.first]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json = site.join("data/site.json");
    let mut index: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let scan = &mut index["images"][0]["scans"][0];
    for key in ["reference", "scanned_at", "commit"] {
        scan[key] = PAYLOAD.into();
    }
    let mut hostile = index["images"][0].clone();
    hostile["name"] = PAYLOAD.into();
    hostile["slug"] = "hostile".into();
    hostile["scans"][0]["terms"] = json!([PAYLOAD]);
    hostile["scans"][0]["hits"] = json!([{"severity": "HIGH", "id": PAYLOAD, "package": PAYLOAD, "version": PAYLOAD, "aliases": [PAYLOAD]}]);
    index["images"].as_array_mut().unwrap().push(hostile);
    std::fs::write(&json, serde_json::to_vec(&index).unwrap()).unwrap();

    // Rewrites the index and the alpine page, whose history shows the poisoned scan.
    let o = run_site(&site, &[&r.later]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (page, scripts) in [
        // The search's data block, local times, sorting and search; local times and sorting.
        (site.join("index.html"), 4),
        (
            site.join("images")
                .join(slug_of(&r.first))
                .join("index.html"),
            2,
        ),
    ] {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains("&#60;script&#62;alert(1)") || html.contains("&lt;script&gt;alert(1)")
        );
        assert_eq!(
            html.matches("<script").count(),
            scripts,
            "{}",
            page.display()
        );
        assert!(!html.contains("<img"), "{}", page.display());
        assert!(!html.contains("</script>\">"), "{}", page.display());
    }
}
