//! The release as dist (cargo-dist) makes it from dist-workspace.toml, as
//! .github/workflows/release.yml runs it:
//!
//! - `dist plan` accepts the configuration and plans, for every target, the archive and `.sha256`
//!   the action, the buildspec and packaging/installer.sh download, and Windows's zip (and no
//!   other archive), and a build job per target on the runner release.yml is given, installing
//!   dist in a shell release.yml runs it in;
//! - after the build setup release.yml runs first (packaging/generate.sh), `dist build
//!   --artifacts=all` of the static Linux target writes an archive holding the binary, README,
//!   CHANGELOG, completions and man pages, laid out file for file as `xtask dist` lays out the
//!   archive the install tests use; its `.sha256` matches; the binary is static (no ELF
//!   interpreter, no shared library) and runs.
//!
//! A release check, run before tagging, not in CI's run: installing dist compiles for about 12
//! minutes on a 2-core machine and its build takes 3 more, which would take CI near its 30-minute
//! budget (the release workflow runs dist itself on every tag). Runs with `SCANLENS_E2E=1` and
//! `SCANLENS_RELEASE_CHECK=1`; needs `dist` at the version dist-workspace.toml pins
//! (`cargo install --locked cargo-dist --version X`, or its path in SCANLENS_DIST), the
//! x86_64-unknown-linux-musl target (`rustup target add`) and a musl C compiler (`musl-gcc`,
//! Debian's musl-tools):
//!
//!     SCANLENS_E2E=1 SCANLENS_RELEASE_CHECK=1 cargo test -p scanlens-e2e --test ship_dist

use anyhow::{anyhow, bail, Context, Result};
use scanlens_e2e::{
    command_output, e2e, require, scanlens_bin, which, workspace_root, TempDir, Unavailable,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-unknown-linux-musl";

/// The version dist-workspace.toml pins.
fn pinned_version() -> String {
    let config = std::fs::read_to_string(workspace_root().join("dist-workspace.toml")).unwrap();
    config
        .lines()
        .find_map(|l| l.strip_prefix("cargo-dist-version = "))
        .expect("dist-workspace.toml pins cargo-dist-version")
        .trim_matches('"')
        .to_string()
}

/// `dist`, at the pinned version.
fn dist() -> Result<PathBuf> {
    let bin = std::env::var_os("SCANLENS_DIST")
        .map(PathBuf::from)
        .or_else(|| which("dist"))
        .ok_or_else(|| {
            Unavailable("`dist` (cargo-dist) is not on PATH (run .ci/install)".into())
        })?;
    let version = command_output(Command::new(&bin).arg("--version"))?;
    let pinned = pinned_version();
    if !version.split_whitespace().any(|w| w == pinned) {
        bail!(
            "{} is {version:?}; dist-workspace.toml pins {pinned}",
            bin.display()
        );
    }
    Ok(bin)
}

/// Every file under `dir`, as paths relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out
}

fn untar(archive: &Path, into: &Path) -> Result<BTreeSet<String>> {
    std::fs::create_dir_all(into)?;
    command_output(
        Command::new("tar")
            .arg("-xzf")
            .arg(archive)
            .arg("-C")
            .arg(into),
    )?;
    Ok(files(into))
}

/// Whether an ELF file asks for a dynamic loader (a `PT_INTERP` program header).
fn has_interpreter(elf: &[u8]) -> Result<bool> {
    let u16_at = |o: usize| -> Result<u16> {
        Ok(u16::from_le_bytes(
            elf.get(o..o + 2).context("short ELF")?.try_into()?,
        ))
    };
    let u32_at = |o: usize| -> Result<u32> {
        Ok(u32::from_le_bytes(
            elf.get(o..o + 4).context("short ELF")?.try_into()?,
        ))
    };
    if elf.get(..6) != Some(b"\x7fELF\x02\x01".as_slice()) {
        bail!("not a 64-bit little-endian ELF file");
    }
    let phoff = u64::from_le_bytes(elf.get(0x20..0x28).context("short ELF")?.try_into()?) as usize;
    let (size, count) = (u16_at(0x36)? as usize, u16_at(0x38)? as usize);
    const PT_INTERP: u32 = 3;
    for i in 0..count {
        if u32_at(phoff + i * size)? == PT_INTERP {
            return Ok(true);
        }
    }
    Ok(false)
}

#[test]
fn dist_plans_every_target_and_builds_the_static_linux_archive() {
    if !e2e() || std::env::var_os("SCANLENS_RELEASE_CHECK").is_none() {
        return;
    }
    let dist = require!(dist());
    let root = workspace_root();

    // The plan: what release.yml's plan job asks for.
    let plan = require!(command_output(
        Command::new(&dist)
            .current_dir(&root)
            .args(["plan", "--output-format=json"])
    ));
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(
        plan["dist_version"].as_str(),
        Some(pinned_version().as_str())
    );
    let artifacts = plan["artifacts"]
        .as_object()
        .expect("the plan lists artifacts");
    // Each target's archive: a tarball where the installers unpack one, a zip for Windows.
    let archives = [
        ("x86_64-unknown-linux-musl", "tar.gz"),
        ("aarch64-unknown-linux-musl", "tar.gz"),
        ("x86_64-apple-darwin", "tar.gz"),
        ("aarch64-apple-darwin", "tar.gz"),
        ("x86_64-pc-windows-msvc", "zip"),
    ];
    let targets = archives.map(|(t, _)| t);
    for (t, ext) in archives {
        for name in [
            format!("scanlens-{t}.{ext}"),
            format!("scanlens-{t}.{ext}.sha256"),
        ] {
            assert!(artifacts.contains_key(&name), "the plan lacks {name}");
        }
    }
    assert!(
        artifacts.contains_key("sha256.sum"),
        "the plan lacks sha256.sum"
    );
    // No archive for another target, nor in another format.
    for name in artifacts.keys() {
        if let Some(t) = name
            .strip_prefix("scanlens-")
            .and_then(|n| n.strip_suffix(".tar.gz").or_else(|| n.strip_suffix(".zip")))
        {
            assert!(
                archives
                    .iter()
                    .any(|(at, ext)| *at == t && name.ends_with(&format!(".{ext}"))),
                "the plan builds {name}"
            );
        }
    }
    let matrix = plan["ci"]["github"]["artifacts_matrix"]["include"]
        .as_array()
        .expect("a build matrix for release.yml");
    let runner = |t: &str| {
        matrix
            .iter()
            .find(|job| job["targets"].as_array().unwrap().iter().any(|x| x == t))
            .map(|job| job["runner"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("no build job for {t}"))
    };
    assert_eq!(runner("aarch64-unknown-linux-musl"), "ubuntu-24.04-arm");
    assert!(runner("x86_64-pc-windows-msvc").starts_with("windows-"));
    // release.yml runs dist's install command in the shell it names, sh or PowerShell.
    for job in matrix {
        let shell = job["install_dist"]["shell"].as_str().unwrap_or_default();
        assert!(matches!(shell, "sh" | "pwsh"), "{job}");
    }
    for t in targets {
        runner(t);
    }

    // release.yml's build setup, then dist's build of the Linux x86_64 archive.
    let bin = require!(scanlens_bin());
    require!(command_output(
        Command::new("bash")
            .current_dir(&root)
            .arg("packaging/generate.sh")
            .arg(&bin)
            .arg("packaging/generated")
    ));
    if which("musl-gcc").is_none() && which("x86_64-linux-musl-gcc").is_none() {
        require!(Err::<(), _>(anyhow!(Unavailable(
            "no musl C compiler (musl-gcc) for ring and SQLite (run .ci/install)".into()
        ))));
    }
    let built = require!(command_output(
        Command::new(&dist)
            .current_dir(&root)
            .args(["build", "--artifacts=all", "--output-format=json"])
            .args(["--target", TARGET])
    ));
    let built: serde_json::Value = serde_json::from_str(&built).unwrap();
    let distrib = root.join("target/distrib");
    let name = format!("scanlens-{TARGET}.tar.gz");
    let archive = distrib.join(&name);
    assert!(archive.is_file(), "dist wrote no {}", archive.display());
    assert!(
        built["upload_files"].as_array().is_some_and(|f| f
            .iter()
            .any(|p| p.as_str().is_some_and(|p| p.ends_with(&name)))),
        "{built}"
    );

    // Its checksum file, as the installers read it.
    let line = std::fs::read_to_string(distrib.join(format!("{name}.sha256"))).unwrap();
    let sum = require!(command_output(Command::new("sha256sum").arg(&archive)));
    assert_eq!(
        line.split_whitespace().next(),
        sum.split_whitespace().next(),
        "{line}"
    );

    // Its files: what `xtask dist` makes for the install tests, file for file.
    let work = require!(TempDir::new("ship-dist"));
    let ours = require!(untar(&archive, &work.path().join("dist")));
    let stand_in = require!(xtask::dist::build(
        &bin,
        TARGET,
        "v0.0.0",
        &work.path().join("xtask")
    ));
    let theirs = require!(untar(
        &stand_in.archive,
        &work.path().join("xtask-unpacked")
    ));
    let top = format!("scanlens-{TARGET}");
    for f in [
        "scanlens",
        "README.md",
        "CHANGELOG.md",
        "completions/scanlens.bash",
        "completions/_scanlens",
        "completions/scanlens.fish",
        "completions/_scanlens.ps1",
        "man/scanlens.1",
        "man/scanlens-scan.1",
    ] {
        assert!(
            ours.contains(&format!("{top}/{f}")),
            "the archive lacks {f}: {ours:?}"
        );
    }
    assert_eq!(ours, theirs, "dist's archive and xtask dist's differ");

    // Static: no loader to ask for, so it runs on any Linux x86_64 (Alpine, distroless).
    let exe = work.path().join("dist").join(&top).join("scanlens");
    let elf = std::fs::read(&exe).unwrap();
    assert!(
        !require!(has_interpreter(&elf)),
        "the binary needs a dynamic loader"
    );
    let version = require!(command_output(Command::new(&exe).arg("--version")));
    assert!(
        version.starts_with(&format!("scanlens {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    eprintln!(
        "[figure] {name}: {} bytes, {} files; binary {} bytes",
        std::fs::metadata(&archive).unwrap().len(),
        ours.len(),
        elf.len()
    );
}
