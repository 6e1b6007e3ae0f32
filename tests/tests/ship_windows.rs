//! The Windows build, which the release makes on a Windows runner (x86_64-pc-windows-msvc, see
//! dist-workspace.toml): here `scanlens` is cross-built for x86_64-pc-windows-gnu, the same
//! `cfg(windows)` code, and must come out as a 64-bit Windows console program. Nothing on Linux
//! compiles the Windows side of scanlens's platform code (cleanup.rs, publishable.rs, scan's
//! scratch folder) otherwise, so a Unix-only call added anywhere would break only the release.
//!
//! A release check, run before tagging, not in CI's run: the Windows standard library (125 MB)
//! and a MinGW-w64 C compiler for ring, SQLite and zstd (Debian's packages, about 520 MB) are
//! large to install, and the first build takes about 5 minutes on a 2-core machine. Runs with `SCANLENS_E2E=1` and
//! `SCANLENS_RELEASE_CHECK=1`; needs `rustup target add x86_64-pc-windows-gnu` and
//! `x86_64-w64-mingw32-gcc` (Debian's gcc-mingw-w64-x86-64):
//!
//!     SCANLENS_E2E=1 SCANLENS_RELEASE_CHECK=1 cargo test -p scanlens-e2e --test ship_windows

use anyhow::{bail, Context, Result};
use scanlens_e2e::{command_output, e2e, require, skipped, which, workspace_root, Unavailable};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const TARGET: &str = "x86_64-pc-windows-gnu";

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

/// The Windows standard library, installed for the toolchain that builds the tests.
fn windows_std() -> Result<()> {
    let sysroot = command_output(Command::new("rustc").args(["--print", "sysroot"]))?;
    let lib = Path::new(sysroot.trim()).join("lib/rustlib").join(TARGET);
    if !lib.is_dir() {
        return Err(Unavailable(format!(
            "the {TARGET} standard library is not installed (rustup target add {TARGET})"
        ))
        .into());
    }
    Ok(())
}

/// What a PE file says it is: its machine and subsystem.
fn pe_machine_and_subsystem(exe: &[u8]) -> Result<(u16, u16)> {
    let u16_at = |o: usize| -> Result<u16> {
        Ok(u16::from_le_bytes(
            exe.get(o..o + 2).context("short PE file")?.try_into()?,
        ))
    };
    if exe.get(..2) != Some(b"MZ".as_slice()) {
        bail!("no MZ header");
    }
    let pe = u32::from_le_bytes(exe.get(0x3c..0x40).context("short PE file")?.try_into()?) as usize;
    if exe.get(pe..pe + 4) != Some(b"PE\0\0".as_slice()) {
        bail!("no PE signature");
    }
    // COFF header: Machine at +4; the optional header follows its 20 bytes; in PE32+ (magic
    // 0x20b) Subsystem is at offset 68 of the optional header.
    let optional = pe + 24;
    if u16_at(optional)? != 0x20b {
        bail!("not a PE32+ (64-bit) image");
    }
    Ok((u16_at(pe + 4)?, u16_at(optional + 68)?))
}

#[test]
fn scanlens_cross_builds_as_a_windows_console_program() {
    if !e2e() {
        return;
    }
    if std::env::var_os("SCANLENS_RELEASE_CHECK").is_none() {
        skipped("release check; set SCANLENS_RELEASE_CHECK=1 to run it");
        return;
    }
    require!(windows_std());
    if which("x86_64-w64-mingw32-gcc").is_none() {
        require!(Err::<(), _>(Unavailable(
            "no MinGW-w64 C compiler (x86_64-w64-mingw32-gcc, Debian's gcc-mingw-w64-x86-64) for ring, SQLite and zstd".into()
        )));
    }
    let root = workspace_root();
    let started = Instant::now();
    require!(command_output(
        Command::new(cargo())
            .current_dir(&root)
            .args(["build", "--locked", "-p", "scanlens", "--target", TARGET])
    ));
    let took = started.elapsed();

    let exe = root.join("target").join(TARGET).join("debug/scanlens.exe");
    let bytes =
        std::fs::read(&exe).unwrap_or_else(|e| panic!("cargo built no {}: {e}", exe.display()));
    let (machine, subsystem) = require!(pe_machine_and_subsystem(&bytes));
    const AMD64: u16 = 0x8664;
    const WINDOWS_CUI: u16 = 3;
    assert_eq!(machine, AMD64, "not an x86_64 program");
    assert_eq!(subsystem, WINDOWS_CUI, "not a console program");
    eprintln!(
        "[figure] cargo build -p scanlens --target {TARGET}: {:.0} s, {} bytes (debug)",
        took.as_secs_f64(),
        bytes.len()
    );
}
