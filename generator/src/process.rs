//! The one place where Scanlens starts other programs (`docker`, `trivy`, `git`).
//!
//! Commands are a program plus an argument *list*: no shell ever sees them, so nothing in a
//! commit message can be interpreted as shell syntax. Everything else goes through the
//! [`Runner`] trait, so that unit tests can drive error paths with a fake runner while the
//! end-to-end tests use the real programs through [`System`].

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A program and its arguments, with extra environment variables and an optional time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub envs: Vec<(OsString, OsString)>,
    /// Variables of our own environment the program must not see.
    pub env_removed: Vec<OsString>,
    pub timeout: Option<Duration>,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            envs: Vec::new(),
            env_removed: Vec::new(),
            timeout: None,
        }
    }

    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Cmd {
        self.args.push(a.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Cmd {
        self.envs
            .push((k.as_ref().to_owned(), v.as_ref().to_owned()));
        self
    }

    pub fn env_remove(mut self, k: impl AsRef<OsStr>) -> Cmd {
        self.env_removed.push(k.as_ref().to_owned());
        self
    }

    pub fn timeout(mut self, t: Option<Duration>) -> Cmd {
        self.timeout = t;
        self
    }

    /// The program's name as shown in messages (`docker`, not `/usr/bin/docker`).
    pub fn name(&self) -> String {
        Path::new(&self.program)
            .file_name()
            .unwrap_or(self.program.as_os_str())
            .to_string_lossy()
            .into_owned()
    }

    /// `program arg arg ...` for messages and logs (not for a shell).
    pub fn display(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How a finished process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exited with this code.
    Exited(i32),
    /// Killed by a signal.
    Signaled,
    /// Killed by us after [`Cmd::timeout`].
    TimedOut,
}

/// The outcome of a process that did start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status == Status::Exited(0)
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// The process could not be started at all.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error("`{program}` is not installed or not on PATH")]
    NotFound { program: String },
    #[error("`{program}` cannot be run ({source})")]
    Other {
        program: String,
        source: std::io::Error,
    },
}

/// Which output stream a streamed line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Receives each output line of a streamed command.
pub type OnLine<'a> = &'a mut dyn FnMut(Stream, &str);

/// Runs commands. [`System`] is the real one; tests substitute their own.
pub trait Runner {
    /// Runs `cmd` with stdin closed and returns its exit status and output. When `on_line` is
    /// given, every output line (without its newline) is passed to it as soon as it is read.
    fn run(&self, cmd: &Cmd, on_line: Option<OnLine<'_>>) -> Result<Finished, SpawnError>;
}

/// Starts real processes.
#[derive(Debug, Default, Clone, Copy)]
pub struct System;

impl Runner for System {
    fn run(&self, cmd: &Cmd, on_line: Option<OnLine<'_>>) -> Result<Finished, SpawnError> {
        let mut command = Command::new(&cmd.program);
        for k in &cmd.env_removed {
            command.env_remove(k);
        }
        command
            .args(&cmd.args)
            .envs(cmd.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                SpawnError::NotFound {
                    program: cmd.program.to_string_lossy().into_owned(),
                }
            } else {
                SpawnError::Other {
                    program: cmd.program.to_string_lossy().into_owned(),
                    source,
                }
            }
        })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (out, err) = match on_line {
            Some(on_line) => stream_lines(stdout, stderr, on_line),
            None => collect(stdout, stderr),
        };
        let status = wait(&mut child, cmd.timeout);
        Ok(Finished {
            status,
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        })
    }
}

type Reader = std::thread::JoinHandle<Vec<u8>>;

/// Reads both pipes to the end on their own threads (so neither can fill up and block).
fn collect(
    stdout: impl Read + Send + 'static,
    stderr: impl Read + Send + 'static,
) -> (Reader, Reader) {
    fn spawn(mut r: impl Read + Send + 'static) -> Reader {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    }
    (spawn(stdout), spawn(stderr))
}

/// Reads both pipes line by line, handing each line to `on_line` on this thread as it arrives;
/// returns when both pipes are closed.
fn stream_lines(
    stdout: impl Read + Send + 'static,
    stderr: impl Read + Send + 'static,
    on_line: &mut dyn FnMut(Stream, &str),
) -> (Reader, Reader) {
    let (tx, rx) = mpsc::channel::<(Stream, String)>();
    fn spawn(
        r: impl Read + Send + 'static,
        which: Stream,
        tx: mpsc::Sender<(Stream, String)>,
    ) -> Reader {
        std::thread::spawn(move || {
            let mut all = Vec::new();
            let mut reader = BufReader::new(r);
            let mut line = Vec::new();
            while let Ok(n) = reader.read_until(b'\n', &mut line) {
                if n == 0 {
                    break;
                }
                all.extend_from_slice(&line);
                let text = String::from_utf8_lossy(&line);
                let _ = tx.send((which, text.trim_end_matches(['\n', '\r']).to_string()));
                line.clear();
            }
            all
        })
    }
    let a = spawn(stdout, Stream::Stdout, tx.clone());
    let b = spawn(stderr, Stream::Stderr, tx);
    for (which, line) in rx {
        on_line(which, &line);
    }
    (a, b)
}

fn wait(child: &mut Child, timeout: Option<Duration>) -> Status {
    let status = match timeout {
        None => child.wait(),
        Some(limit) => {
            let start = Instant::now();
            loop {
                match child.try_wait() {
                    Ok(Some(s)) => break Ok(s),
                    Ok(None) if start.elapsed() >= limit => {
                        let _ = child.kill();
                        let _ = child.wait();
                        return Status::TimedOut;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                    Err(e) => break Err(e),
                }
            }
        }
    };
    match status.map(|s| s.code()) {
        Ok(Some(code)) => Status::Exited(code),
        _ => Status::Signaled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_program_is_not_found() {
        let err = System
            .run(&Cmd::new("/nonexistent/scanlens-no-such-program"), None)
            .unwrap_err();
        assert!(matches!(err, SpawnError::NotFound { .. }), "{err}");
    }

    // echo, sh and sleep are Unix programs.
    #[cfg(unix)]
    #[test]
    fn arguments_are_not_shell_interpreted() {
        let out = System
            .run(&Cmd::new("echo").args(["$(id)", ";", "`x`", "&&"]), None)
            .unwrap();
        assert!(out.success());
        assert_eq!(out.stdout_text(), "$(id) ; `x` &&\n");
    }

    // echo, sh and sleep are Unix programs.
    #[cfg(unix)]
    #[test]
    fn streams_lines_and_keeps_output() {
        let mut lines = Vec::new();
        let out = System
            .run(
                &Cmd::new("sh").args(["-c", "echo one; echo two >&2; echo three; exit 4"]),
                Some(&mut |s, l: &str| lines.push((s, l.to_string()))),
            )
            .unwrap();
        assert_eq!(out.status, Status::Exited(4));
        assert_eq!(out.stdout_text(), "one\nthree\n");
        assert_eq!(out.stderr_text(), "two\n");
        assert_eq!(lines.len(), 3);
        assert!(lines.contains(&(Stream::Stderr, "two".to_string())));
    }

    // echo, sh and sleep are Unix programs.
    #[cfg(unix)]
    #[test]
    fn timeout_kills() {
        let start = Instant::now();
        let out = System
            .run(
                &Cmd::new("sleep")
                    .arg("30")
                    .timeout(Some(Duration::from_millis(200))),
                None,
            )
            .unwrap();
        assert_eq!(out.status, Status::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
