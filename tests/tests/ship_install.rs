//! Installing a release without compiling: the Linux archive, its checksum and the shell
//! installer are built locally (`xtask dist`, dist's layout), served from 127.0.0.1, and the
//! installer, piped to `sh` as users run it, downloads, checks and installs the binary, which
//! then runs. A tampered archive is refused and installs nothing.
//!
//! Runs with `SCANLENS_E2E=1`; `-- --nocapture` prints the timings (the README compares them
//! with `cargo install`).

use scanlens_e2e::{command_output, e2e, require, scanlens_bin, workspace_root, TempDir};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Serves the files of `dir` by name from 127.0.0.1 (404 for anything else); returns the base URL.
fn serve(dir: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let name = request.split_whitespace().nth(1).unwrap_or("/");
                let name = name.trim_start_matches('/');
                let file = (!name.contains('/') && !name.starts_with('.'))
                    .then(|| std::fs::read(dir.join(name)).ok())
                    .flatten();
                let mut s = stream;
                match file {
                    Some(body) => {
                        let _ = write!(
                            s,
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = s.write_all(&body);
                    }
                    None => {
                        let _ = write!(
                            s,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                    }
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// `sh < scanlens-installer.sh`, as `curl ... | sh` runs it.
fn install(installer: &Path, url: &str, dir: &Path, target: &str) -> std::process::Output {
    Command::new("sh")
        .stdin(Stdio::from(std::fs::File::open(installer).unwrap()))
        .env("SCANLENS_DOWNLOAD_URL", url)
        .env("SCANLENS_INSTALL_DIR", dir)
        .env("SCANLENS_TARGET", target)
        .output()
        .unwrap()
}

#[test]
fn installer_installs_the_release_archive_in_seconds_and_refuses_a_tampered_one() {
    if !e2e() {
        return;
    }
    let bin = require!(scanlens_bin());
    let target = require!(xtask::dist::host_target());
    let tmp = require!(TempDir::new("ship-install"));
    let release = tmp.path().join("release");

    let started = Instant::now();
    let a = require!(xtask::dist::build(&bin, &target, "v0.0.0-test", &release));
    let packed = started.elapsed();

    // dist's layout: one folder named after the archive, with the docs beside the binary.
    let listing = require!(command_output(
        Command::new("tar").arg("-tzf").arg(&a.archive)
    ));
    let top = format!("scanlens-{target}/");
    for entry in [
        "scanlens",
        "README.md",
        "CHANGELOG.md",
        "completions/scanlens.bash",
        "completions/_scanlens",
        "completions/scanlens.fish",
        "man/scanlens.1",
        "man/scanlens-scan.1",
    ] {
        assert!(
            listing.lines().any(|l| l == format!("{top}{entry}")),
            "the archive lacks {top}{entry}: {listing}"
        );
    }
    let sum = std::fs::read_to_string(&a.checksum).unwrap();
    assert_eq!(sum, format!("{}  scanlens-{target}.tar.gz\n", a.sha256));
    // sha256sum -c agrees with the checksum file, as the action and buildspec check it.
    require!(command_output(
        Command::new("sha256sum")
            .arg("-c")
            .arg(a.checksum.file_name().unwrap())
            .current_dir(&release)
    ));

    let url = serve(&release);
    let dir: PathBuf = tmp.path().join("bin");
    let started = Instant::now();
    let o = install(&a.installer, &url, &dir, &target);
    let installed = started.elapsed();
    assert!(
        o.status.success(),
        "installer: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let version = require!(command_output(
        Command::new(dir.join("scanlens")).arg("--version")
    ));
    let expected = require!(command_output(Command::new(&bin).arg("--version")));
    assert_eq!(version, expected);
    eprintln!(
        "[figure] archive + checksum + installer built in {:.1}s ({} MB archive); \
         installer (download from 127.0.0.1, SHA-256 check, install) took {:.2}s; \
         `cargo install --locked --path generator` took 188s on this machine",
        packed.as_secs_f64(),
        std::fs::metadata(&a.archive).unwrap().len() / 1_000_000,
        installed.as_secs_f64()
    );

    // A tampered archive (its checksum file no longer matches) installs nothing.
    let mut bytes = std::fs::read(&a.archive).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&a.archive, bytes).unwrap();
    let other = tmp.path().join("bin-tampered");
    let o = install(&a.installer, &url, &other, &target);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "a tampered archive installed");
    assert!(
        err.contains("does not match its published SHA-256"),
        "{err}"
    );
    assert!(!other.join("scanlens").exists());
    // No build for the asked target: a one-line error naming the URL, nothing installed.
    let o = install(&a.installer, &url, &other, "sparc-unknown-linux-gnu");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot download"));
    assert!(!other.join("scanlens").exists());
}

/// In a Windows shell (Git Bash, MSYS2, Cygwin) the installer installs nothing and names the zip
/// Windows users download instead, with its checksum.
#[test]
fn installer_sends_windows_shells_to_the_zip() {
    if !e2e() {
        return;
    }
    let tmp = require!(TempDir::new("ship-install-windows"));
    // Git Bash's `uname`, in front of the real one.
    let fake = tmp.path().join("path");
    std::fs::create_dir_all(&fake).unwrap();
    let uname = fake.join("uname");
    std::fs::write(
        &uname,
        "#!/bin/sh\ncase \"$1\" in -m) echo x86_64 ;; *) echo MINGW64_NT-10.0-19045 ;; esac\n",
    )
    .unwrap();
    std::fs::set_permissions(&uname, std::fs::Permissions::from_mode(0o755)).unwrap();
    let installer = workspace_root().join("packaging/installer.sh");
    let dir = tmp.path().join("bin");
    let path = format!(
        "{}:{}",
        fake.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("sh")
        .stdin(Stdio::from(std::fs::File::open(installer).unwrap()))
        .env("PATH", path)
        .env("SCANLENS_DOWNLOAD_URL", "https://example.invalid/v1")
        .env("SCANLENS_INSTALL_DIR", &dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "installed on Windows: {err}");
    assert!(
        err.contains(
            "https://example.invalid/v1/scanlens-x86_64-pc-windows-msvc.zip and its .sha256"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!dir.exists());
}
