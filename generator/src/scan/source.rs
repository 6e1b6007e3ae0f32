//! Where the commit message comes from, in order: `--message`; `--commit REV` (read with git);
//! the CI's own variables (GitHub Actions' event payload, GitLab's `CI_COMMIT_MESSAGE`,
//! CodeBuild's `CODEBUILD_RESOLVED_SOURCE_VERSION`, Jenkins' `GIT_COMMIT`, the last two read
//! with git); finally git's `HEAD`.

use crate::process::{Cmd, Runner, SpawnError};
use std::path::Path;

/// The message and a description of where it came from (shown by `--dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read the commit message of {rev} ({from}): `git` is not installed; install git or pass --message")]
    GitMissing { rev: String, from: String },
    #[error("cannot read the commit message of {rev} ({from}): {detail}; run scanlens inside the git checkout or pass --message")]
    Git {
        rev: String,
        from: String,
        detail: String,
    },
    #[error("--commit `{0}` is not a revision (it starts with `-`); pass a commit such as HEAD or a hash")]
    BadRevision(String),
    #[error("cannot read the GitHub event payload {path}: {detail}; check GITHUB_EVENT_PATH or pass --message")]
    GithubEvent { path: String, detail: String },
}

/// Finds the commit message. `env` looks up environment variables (tests pass a fake).
pub fn resolve(
    message: Option<&str>,
    commit: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    runner: &dyn Runner,
) -> Result<Message, SourceError> {
    if let Some(m) = message {
        return Ok(Message {
            text: m.to_string(),
            source: "--message".into(),
        });
    }
    if let Some(rev) = commit {
        return from_git(rev, &format!("--commit {rev}"), runner);
    }
    let set = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    if let Some(path) = set("GITHUB_EVENT_PATH") {
        if let Some(text) = github_head_commit(&path)? {
            return Ok(Message {
                text,
                source: format!("GitHub Actions event {path} (head_commit.message)"),
            });
        }
        // Not a push event (e.g. a pull request): fall back to the checked-out commit.
    }
    if let Some(text) = set("CI_COMMIT_MESSAGE") {
        return Ok(Message {
            text,
            source: "GitLab CI_COMMIT_MESSAGE".into(),
        });
    }
    if let Some(rev) = set("CODEBUILD_RESOLVED_SOURCE_VERSION") {
        return from_git(
            &rev,
            &format!("CodeBuild CODEBUILD_RESOLVED_SOURCE_VERSION={rev}"),
            runner,
        );
    }
    if let Some(rev) = set("GIT_COMMIT") {
        return from_git(&rev, &format!("Jenkins GIT_COMMIT={rev}"), runner);
    }
    from_git("HEAD", "git HEAD", runner)
}

fn github_head_commit(path: &str) -> Result<Option<String>, SourceError> {
    let err = |detail: String| SourceError::GithubEvent {
        path: path.to_string(),
        detail,
    };
    let bytes = std::fs::read(Path::new(path)).map_err(|e| err(e.to_string()))?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| err(format!("not JSON ({e})")))?;
    Ok(v["head_commit"]["message"].as_str().map(str::to_string))
}

fn from_git(rev: &str, from: &str, runner: &dyn Runner) -> Result<Message, SourceError> {
    if rev.starts_with('-') {
        return Err(SourceError::BadRevision(rev.to_string()));
    }
    let cmd = Cmd::new("git").args(["log", "-1", "--format=%B", "--end-of-options", rev]);
    let out = runner.run(&cmd, None).map_err(|e| match e {
        SpawnError::NotFound { .. } => SourceError::GitMissing {
            rev: rev.into(),
            from: from.into(),
        },
        other => SourceError::Git {
            rev: rev.into(),
            from: from.into(),
            detail: other.to_string(),
        },
    })?;
    if !out.success() {
        let stderr = out.stderr_text();
        let detail = stderr
            .lines()
            .map(|l| l.trim().trim_start_matches("fatal: "))
            .find(|l| !l.is_empty())
            .unwrap_or("git log failed")
            .to_string();
        return Err(SourceError::Git {
            rev: rev.into(),
            from: from.into(),
            detail,
        });
    }
    Ok(Message {
        text: out.stdout_text(),
        source: from.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{Finished, OnLine, Status};
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// Answers `git log` with a fixed result and records the commands.
    struct FakeGit {
        result: Result<Finished, fn() -> SpawnError>,
        seen: RefCell<Vec<Cmd>>,
    }

    impl FakeGit {
        fn ok(text: &str) -> FakeGit {
            FakeGit {
                result: Ok(Finished {
                    status: Status::Exited(0),
                    stdout: text.as_bytes().to_vec(),
                    stderr: vec![],
                }),
                seen: RefCell::new(vec![]),
            }
        }
    }

    impl Runner for FakeGit {
        fn run(&self, cmd: &Cmd, _: Option<OnLine<'_>>) -> Result<Finished, SpawnError> {
            self.seen.borrow_mut().push(cmd.clone());
            self.result.clone().map_err(|f| f())
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn message_flag_wins_and_spawns_nothing() {
        let git = FakeGit::ok("x");
        let m = resolve(
            Some("::a"),
            Some("HEAD"),
            &env(&[("CI_COMMIT_MESSAGE", "::b")]),
            &git,
        )
        .unwrap();
        assert_eq!(m.text, "::a");
        assert_eq!(m.source, "--message");
        assert!(git.seen.borrow().is_empty());
    }

    #[test]
    fn commit_flag_reads_git() {
        let git = FakeGit::ok("msg ::a\n");
        let m = resolve(None, Some("abc123"), &env(&[]), &git).unwrap();
        assert_eq!(m.text, "msg ::a\n");
        assert_eq!(m.source, "--commit abc123");
        let seen = git.seen.borrow();
        assert_eq!(
            seen[0].display(),
            "git log -1 --format=%B --end-of-options abc123"
        );
    }

    #[test]
    fn option_like_revision_is_refused() {
        let git = FakeGit::ok("");
        let e = resolve(None, Some("--output=/tmp/x"), &env(&[]), &git).unwrap_err();
        assert!(matches!(e, SourceError::BadRevision(_)), "{e}");
        assert!(git.seen.borrow().is_empty());
    }

    #[test]
    fn ci_variables_in_order() {
        let git = FakeGit::ok("from git");
        let m = resolve(None, None, &env(&[("CI_COMMIT_MESSAGE", "gl ::a")]), &git).unwrap();
        assert_eq!(
            (m.text.as_str(), m.source.as_str()),
            ("gl ::a", "GitLab CI_COMMIT_MESSAGE")
        );

        let m = resolve(
            None,
            None,
            &env(&[
                ("CODEBUILD_RESOLVED_SOURCE_VERSION", "c0ffee"),
                ("GIT_COMMIT", "j"),
            ]),
            &git,
        )
        .unwrap();
        assert_eq!(
            m.source,
            "CodeBuild CODEBUILD_RESOLVED_SOURCE_VERSION=c0ffee"
        );
        let m = resolve(None, None, &env(&[("GIT_COMMIT", "beef")]), &git).unwrap();
        assert_eq!(m.source, "Jenkins GIT_COMMIT=beef");
        let m = resolve(None, None, &env(&[]), &git).unwrap();
        assert_eq!(m.source, "git HEAD");
        let seen = git.seen.borrow();
        assert!(seen[0].args.last().unwrap() == "c0ffee");
        assert!(seen[2].args.last().unwrap() == "HEAD");
    }

    #[test]
    fn github_event_payload() {
        let dir = tempfile::tempdir().unwrap();
        let push = dir.path().join("push.json");
        std::fs::write(&push, r#"{"head_commit":{"message":"Fix ::app:1"}}"#).unwrap();
        let pr = dir.path().join("pr.json");
        std::fs::write(&pr, r#"{"pull_request":{}}"#).unwrap();
        let git = FakeGit::ok("head ::b");
        let m = resolve(
            None,
            None,
            &env(&[("GITHUB_EVENT_PATH", push.to_str().unwrap())]),
            &git,
        )
        .unwrap();
        assert_eq!(m.text, "Fix ::app:1");
        assert!(m.source.starts_with("GitHub Actions event"), "{}", m.source);
        let m = resolve(
            None,
            None,
            &env(&[("GITHUB_EVENT_PATH", pr.to_str().unwrap())]),
            &git,
        )
        .unwrap();
        assert_eq!(m.source, "git HEAD");
        let e = resolve(
            None,
            None,
            &env(&[("GITHUB_EVENT_PATH", "/nonexistent/e.json")]),
            &git,
        )
        .unwrap_err();
        assert!(e.to_string().contains("GITHUB_EVENT_PATH"), "{e}");
    }

    #[test]
    fn git_errors_are_one_line_with_a_fix() {
        let missing = FakeGit {
            result: Err(|| SpawnError::NotFound {
                program: "git".into(),
            }),
            seen: RefCell::new(vec![]),
        };
        let e = resolve(None, None, &env(&[]), &missing)
            .unwrap_err()
            .to_string();
        assert!(e.contains("git") && e.contains("--message"), "{e}");
        let failing = FakeGit {
            result: Ok(Finished {
                status: Status::Exited(128),
                stdout: vec![],
                stderr: b"fatal: not a git repository (or any of the parent directories): .git\n"
                    .to_vec(),
            }),
            seen: RefCell::new(vec![]),
        };
        let e = resolve(None, None, &env(&[]), &failing)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "cannot read the commit message of HEAD (git HEAD): not a git repository (or any of \
             the parent directories): .git; run scanlens inside the git checkout or pass --message"
        );
    }
}
