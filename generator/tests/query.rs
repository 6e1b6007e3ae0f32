//! `scanlens query` runs untrusted SQL: it only reads, it stops, and it behaves as a Unix filter.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn scanlens(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanlens"));
    cmd.args(args);
    cmd
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A report folder rendered from the corpus under `dir`, or `None` when the corpus is skipped.
fn report(dir: &Path) -> Option<PathBuf> {
    let root = common::fixtures()?;
    let out = dir.join("report");
    let o = scanlens(&[
        "render",
        root.join("trivy-golden/alpine-310.json.golden")
            .to_str()
            .unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    Some(out)
}

/// Every file and folder under `dir` with its size and modification time.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (u64, SystemTime)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            out.insert(p.clone(), (m.len(), m.modified().unwrap()));
            if m.is_dir() {
                walk(&p, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

/// Waits for `child`, killing it (and failing) after `limit`.
fn finish_within(mut child: Child, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scanlens query still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Exit 3 and exactly one line on stderr, naming the statement.
fn assert_refused(o: &Output, sql: &str, says: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(3), "{sql}: {err}");
    assert!(
        err.ends_with('\n') && err.matches('\n').count() == 1,
        "{sql}: not one line: {err:?}"
    );
    let shown: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown: String = shown.chars().take(40).collect();
    assert!(
        err.starts_with("scanlens: error: ") && err.contains(&shown),
        "{sql}: the message does not name the statement: {err}"
    );
    assert!(err.contains(says), "{sql}: expected {says:?} in: {err}");
}

#[test]
fn query_cannot_write_files() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = report(dir.path()) else {
        return;
    };
    let watched = dir.path().join("cwd");
    std::fs::create_dir(&watched).unwrap();
    let w = watched.display();
    let before = tree(dir.path());
    let cases = [
        format!("VACUUM INTO '{w}/vacuum.db'"),
        "VACUUM INTO 'relative.db'".to_string(),
        format!("ATTACH 'file:{w}/attached.db?mode=rwc' AS x"),
        "ATTACH 'attached.db' AS x".to_string(),
        "DETACH main".to_string(),
        "CREATE TABLE t(x)".to_string(),
        "CREATE TEMP VIEW v AS SELECT 1".to_string(),
        "INSERT INTO findings(id) VALUES ('CVE-0000-0001')".to_string(),
        "UPDATE findings SET severity = 'LOW'".to_string(),
        "DELETE FROM findings".to_string(),
        "DROP TABLE findings".to_string(),
        "ALTER TABLE findings ADD COLUMN y".to_string(),
        "BEGIN".to_string(),
        "PRAGMA writable_schema = ON".to_string(),
        "PRAGMA query_only = OFF".to_string(),
        format!("PRAGMA temp_store_directory = '{w}'"),
        format!("SELECT load_extension('{w}/ext')"),
        format!("SELECT 1; VACUUM INTO '{w}/second.db'"),
        "SELECT count(*) FROM findings; DELETE FROM findings".to_string(),
        "SELECT 1 -- one\n; SELECT 2".to_string(),
    ];
    for sql in &cases {
        let o = scanlens(&["query", sql, report.to_str().unwrap()])
            .current_dir(&watched)
            .env("TMPDIR", &watched)
            .output()
            .unwrap();
        assert_refused(&o, sql, "query refused: `");
        assert!(o.stdout.is_empty(), "{sql}: printed rows");
    }
    assert_eq!(tree(dir.path()), before, "a refused query changed files");
}

#[test]
fn query_stops_a_runaway_statement() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = report(dir.path()) else {
        return;
    };
    let sql =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c";
    let child = scanlens(&["query", "--timeout", "1s", sql, report.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (o, took) = finish_within(child, Duration::from_secs(20));
    assert_refused(&o, sql, "query stopped after 1s");
    assert!(stderr(&o).contains("--timeout"), "{}", stderr(&o));
    assert!(took < Duration::from_secs(10), "took {took:?}");

    // The limit is on by default, and says so.
    let child = scanlens(&["query", sql, report.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (o, took) = finish_within(child, Duration::from_secs(30));
    assert_refused(&o, sql, "query stopped after 5s");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let help = scanlens(&["query", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(help.contains("--timeout") && help.contains("5s"), "{help}");
    let o = scanlens(&[
        "query",
        "--timeout",
        "soon",
        "SELECT 1",
        report.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// An answer is held whole before it prints (the table aligns its columns), so its size is
/// bounded: all its rows, and any one value SQLite makes for it. Refused in one line, exit 3.
#[test]
fn query_refuses_an_answer_too_large_to_hold() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = report(dir.path()) else {
        return;
    };
    let cases = [
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 400000) \
             SELECT x, printf('%.1000c', 'x') FROM c",
            "answers with more than 256 MiB",
        ),
        (
            "SELECT length(zeroblob(100000000))",
            "makes a value of more than 64 MiB",
        ),
        // A row of twenty 60 MB values, each under the value limit, built whole by SQLite.
        (
            "SELECT printf('%.*c', 60000000, 'x'), printf('%.*c', 60000001, 'x'), \
             printf('%.*c', 60000002, 'x'), printf('%.*c', 60000003, 'x'), \
             printf('%.*c', 60000004, 'x'), printf('%.*c', 60000005, 'x'), \
             printf('%.*c', 60000006, 'x'), printf('%.*c', 60000007, 'x'), \
             printf('%.*c', 60000008, 'x'), printf('%.*c', 60000009, 'x'), \
             printf('%.*c', 60000010, 'x'), printf('%.*c', 60000011, 'x')",
            "needs more than 512 MiB",
        ),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) \
             SELECT length(group_concat(printf('%.1000c', 'x'))) FROM c",
            "makes a value of more than 64 MiB",
        ),
    ];
    for (sql, says) in cases {
        let child = scanlens(&["query", "--timeout", "60s", sql, report.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (o, _) = finish_within(child, Duration::from_secs(60));
        assert_refused(&o, sql, says);
        assert!(stderr(&o).contains("add LIMIT"), "{}", stderr(&o));
        assert!(o.stdout.is_empty(), "nothing printed before the refusal");
    }
    // Below the limits, the same shapes answer.
    let o = scanlens(&[
        "query",
        "SELECT length(group_concat(printf('%.1000c', 'x'))) FROM findings",
        report.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Enough rows that the writer meets the closed pipe (a pipe buffers 64 KiB).
const MANY_ROWS: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 50000) \
SELECT x, printf('%.100c', 'x') AS pad FROM c";

#[test]
fn query_ends_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = report(dir.path()) else {
        return;
    };
    for json in [false, true] {
        let mut args = vec!["query", MANY_ROWS, report.to_str().unwrap()];
        if json {
            args.push("--json");
        }
        let mut child = scanlens(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one line and hang up, as `| head -1` does.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        let (o, _) = finish_within(child, Duration::from_secs(60));
        assert_eq!(o.status.code(), Some(0), "json={json}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "json={json}");
    }

    // The same through a shell pipeline.
    let sh = format!(
        "'{}' query \"{MANY_ROWS}\" '{}' | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\" >&2",
        env!("CARGO_BIN_EXE_scanlens"),
        report.display()
    );
    if Path::new("/bin/bash").exists() {
        let o = Command::new("/bin/bash")
            .arg("-c")
            .arg(&sh)
            .output()
            .unwrap();
        assert_eq!(stderr(&o), "0\n");
    }
}

#[test]
fn query_reports_a_failed_write() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = report(dir.path()) else {
        return;
    };
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("SKIPPED: no /dev/full");
        return;
    };
    // A full disk is not a reader that hung up: the rows are lost, so it is an error.
    let o = scanlens(&["query", MANY_ROWS, report.to_str().unwrap()])
        .stdout(full)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with("scanlens: error: cannot write") && err.matches('\n').count() == 1,
        "{err}"
    );
}

#[test]
fn query_still_answers_selects() {
    let dir = tempfile::tempdir().unwrap();
    let Some(report) = report(dir.path()) else {
        return;
    };
    let r = report.to_str().unwrap();
    let run = |args: &[&str]| {
        let o = scanlens(args).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    let out = run(&["query", "SELECT count(*) AS n FROM findings;", r, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["n"], 4, "{out}");
    let out = run(&[
        "query",
        "SELECT severity, count(*) AS n FROM findings GROUP BY severity -- by severity",
        r,
    ]);
    assert!(out.contains("MEDIUM") && out.contains("(1 row)"), "{out}");
    let out = run(&[
        "query",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 3) \
         SELECT x, json_object('id', f.id) AS o FROM c JOIN findings f ON 1 ORDER BY x LIMIT 5",
        r,
        "--timeout",
        "2m",
    ]);
    assert!(out.contains("(5 rows)"), "{out}");
    let out = run(&["query", "SELECT name FROM pragma_table_info('findings')", r]);
    let columns = format!("({} rows)", scanlens_model::flat::COLUMNS.len());
    assert!(
        out.contains("severity") && out.contains("kev") && out.contains(&columns),
        "{out}"
    );
    let out = run(&["query", "PRAGMA table_info(findings)", r]);
    assert!(out.contains("published_date"), "{out}");
    let out = run(&["query", "EXPLAIN QUERY PLAN SELECT * FROM findings", r]);
    assert!(out.contains("SCAN"), "{out}");
}
