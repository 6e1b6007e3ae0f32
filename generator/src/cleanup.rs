//! Temporary folders that never outlive their run: removed when done, on SIGINT, SIGTERM and
//! SIGHUP (on Windows: Ctrl+C, Ctrl+Break, closing the console, logoff and shutdown), and, after
//! a SIGKILL or a killed task (which nothing can catch), by the next run that writes beside them.
//!
//! Every temporary folder Scanlens makes is named `…scanlens-new-<pid>-<n>`,
//! `…scanlens-old-<pid>-<n>` or `scanlens-<pid>-<n>`, so a later run can tell its own kind and
//! whether the process that made it is gone.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// Folders being written now, removed if a signal ends the run.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A temporary folder, removed (with what is in it) when dropped or when a signal ends the run.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Registers `path` (not created here) for removal.
    pub fn register(path: PathBuf) -> TempDir {
        install_signal_handlers();
        live().push(path.clone());
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        live().retain(|p| p != &self.0);
    }
}

/// Removes the live temporary folders: the run is being ended from outside.
fn remove_live() {
    for dir in live().iter() {
        // Writers may still add files while this runs: try again once.
        if std::fs::remove_dir_all(dir).is_err() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP: remove the live temporary folders, then end as the signal would
/// have, so the exit status still says what happened.
#[cfg(unix)]
fn install_signal_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                remove_live();
                let _ = signal_hook::low_level::emulate_default_handler(sig);
                std::process::exit(128 + sig);
            }
        });
    });
}

/// On Ctrl+C, Ctrl+Break, the console closing, logoff or shutdown: remove the live temporary
/// folders, then end with STATUS_CONTROL_C_EXIT, as Windows' default handler does, so the exit
/// status still says what happened. Windows runs a console control handler on a thread of its
/// own, not inside a signal, so it may take the lock and remove folders.
#[cfg(windows)]
fn install_signal_handlers() {
    use windows_sys::core::BOOL;
    unsafe extern "system" fn on_console_event(_event: u32) -> BOOL {
        remove_live();
        std::process::exit(windows_sys::Win32::Foundation::STATUS_CONTROL_C_EXIT)
    }
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: registers a handler that lives as long as the program; failure leaves the
        // default behaviour, and the next run removes what is left (`remove_stale`).
        unsafe {
            windows_sys::Win32::System::Console::SetConsoleCtrlHandler(Some(on_console_event), 1);
        }
    });
}

/// The process id in a temporary folder's name, if it is one of ours.
fn owner(name: &str) -> Option<i32> {
    let rest = if name.starts_with('.') {
        let at = name
            .find(".scanlens-new-")
            .or_else(|| name.find(".scanlens-old-"))?;
        &name[at + ".scanlens-new-".len()..]
    } else {
        name.strip_prefix("scanlens-")?
    };
    let (pid, n) = rest.split_once('-')?;
    if pid.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(unix)]
fn is_running(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Whether process `pid` exists. In doubt (any failure but "no such process"), it does: a folder
/// of a live run must never be removed.
#[cfg(windows)]
fn is_running(pid: i32) -> bool {
    use windows_sys::Win32::Foundation::{
        CloseHandle, GetLastError, ERROR_INVALID_PARAMETER, STILL_ACTIVE,
    };
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
    };
    let Ok(pid) = u32::try_from(pid) else {
        return false;
    };
    // SAFETY: OpenProcess takes no pointers; the handle it returns is closed below.
    let handle = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if handle.is_null() {
        // ERROR_INVALID_PARAMETER: no process has that id. Access denied: one does.
        return unsafe { GetLastError() } != ERROR_INVALID_PARAMETER;
    }
    let mut code = 0u32;
    // SAFETY: `handle` is open, `code` outlives the call.
    let ok = unsafe { GetExitCodeProcess(handle, &mut code) };
    // SAFETY: `handle` is open and closed once.
    unsafe { CloseHandle(handle) };
    // A process that has ended but whose handle someone still holds has its exit code.
    ok == 0 || code == STILL_ACTIVE as u32
}

/// Removes, in `dir`, the temporary folders of Scanlens runs that are gone (killed before they
/// could clean up). Folders of running processes, and anything not named like ours, stay.
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id() as i32;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(owner) else {
            continue;
        };
        // Only real folders: never follow a link out of `dir`.
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != me && pid > 0 && !is_running(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_our_temporary_folders() {
        assert_eq!(owner(".report.scanlens-new-123-456"), Some(123));
        assert_eq!(owner(".a.b.scanlens-old-7-8"), Some(7));
        assert_eq!(owner("scanlens-42-0"), Some(42));
        for other in [
            "report",
            ".report",
            "scanlens",
            "scanlens-x-1",
            ".r.scanlens-new-1-",
            "scanlens-1-2x",
        ] {
            assert_eq!(owner(other), None, "{other}");
        }
    }

    #[test]
    fn stale_folders_of_dead_processes_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has ended: a child we waited for (this test binary listing no test,
        // which every platform can run).
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--list", "no-such-test"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let mine = std::process::id();
        for name in [
            format!(".out.scanlens-new-{dead}-1"),
            format!(".out.scanlens-new-{mine}-1"),
            "keep-me".to_string(),
        ] {
            std::fs::create_dir(dir.path().join(&name)).unwrap();
        }
        std::fs::write(
            dir.path().join(format!(".x.scanlens-old-{dead}-2")),
            "a file",
        )
        .unwrap();
        remove_stale(dir.path());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                format!(".out.scanlens-new-{mine}-1"),
                format!(".x.scanlens-old-{dead}-2"),
                "keep-me".into()
            ]
        );
    }
}
