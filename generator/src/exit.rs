//! Exit codes. Pipelines branch on them, so they are part of the interface (see README).

/// Success: the gate passed, or no gate was asked for, or there was nothing to scan.
pub const OK: u8 = 0;
/// The gate tripped. `--exit-code N` replaces it (and, given alone, sets the gate, as in Trivy).
pub const GATE: u8 = 1;
/// The command line was wrong (clap's own code).
pub const USAGE: u8 = 2;
/// Scanlens could not do its job: unreadable input, docker or trivy missing or failing, ...
pub const ERROR: u8 = 3;

/// An error chain on one line: `what failed: why: root cause`. Causes may quote what a server
/// or a file said, so control characters (an escape sequence, a bell) are shown escaped, never
/// sent to the terminal.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text: String = cause
            .to_string()
            .replace(['\n', '\r'], " ")
            .chars()
            .flat_map(|c| {
                let shown: Vec<char> = if c.is_control() && c != '\t' {
                    c.escape_unicode().collect()
                } else {
                    vec![c]
                };
                shown
            })
            .collect();
        // Contexts often repeat their source's text; keep each piece once.
        if !parts.iter().any(|p| p.contains(text.as_str())) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// A command line that parsed but makes no sense (`render - -`): exit [`USAGE`], as clap's own
/// errors do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

#[cfg(test)]
mod tests {
    #[test]
    fn an_error_quoting_a_server_sends_no_control_character_to_the_terminal() {
        let e = anyhow::anyhow!("S3 answered 403 Access\u{1b}[31mRED\u{7}\nline2")
            .context("cannot publish");
        let line = super::one_line(&e);
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(line.contains("Access\\u{1b}[31mRED\\u{7} line2"), "{line}");
    }
}
