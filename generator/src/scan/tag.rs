//! Image tags in commit messages.
//!
//! # Grammar
//!
//! A tag is `::` immediately followed by a Docker image reference:
//!
//! ```text
//! tag        := "::" reference
//! reference  := name [ ":" tag-name ] [ "@" digest ]
//! name       := [ domain "/" ] component ( "/" component )*     (at most 255 characters)
//! domain     := host [ ":" port ]           (first part, only if it has a "." or ":" or is "localhost")
//! host       := label ( "." label )*        label := [a-z0-9] ( [a-z0-9-]* [a-z0-9] )?
//! port       := [0-9]{1,5}
//! component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag-name   := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}              (defaults to "latest")
//! digest     := algorithm ":" hex           algorithm := [a-z0-9]+ ( [+._-] [a-z0-9]+ )*
//!                                           hex := [a-fA-F0-9]{32,}  (sha256: exactly 64)
//! ```
//!
//! - A tag starts at the beginning of the message or right after whitespace (so `Report::new`
//!   in prose is not a tag) and runs to the next whitespace or the end of the message.
//! - Trailing sentence punctuation (any of `. , ; : ! ? ) ] } " ' >` and `` ` ``) is not part
//!   of the tag: `Fixed ::mysql:latest.` names `mysql:latest`.
//! - Names are lowercase ASCII, as Docker requires; only the tag part may hold uppercase.
//! - A message may hold several tags; they are scanned in order, duplicates once.
//! - Anything that starts like a tag but is not a valid reference (`::--help`, `::My-App`,
//!   `::app;rm`, `::../etc`, a unicode look-alike, an overlong name, or a bare `::`) is refused
//!   with an error that quotes it: nothing is built or scanned then.
//! - A tag a reader would see but this grammar would not must not pass as "no scan requested":
//!   `::` right after an invisible format or control character (`U+200B`, `U+202E`, `U+FEFF`,
//!   a NUL), a `::` with one between its colons, and look-alike colons forming `::` (`：：app`)
//!   are refused, naming the character and its position.
//! - At most [`TAGS_MAX`] tags per message.

use scanlens_model::image::{parse_reference, ImageRef};

/// Tags one message may hold: a commit that names more is more likely a mistake (or an attack on
/// the CI's time) than a release.
pub const TAGS_MAX: usize = 32;
/// Characters stripped from the end of a tag: sentence punctuation around it.
const TRAILING: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '>', '`',
];

/// A tag in the message that is not a valid image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid image tag `{quoted}` in the commit message: {reason}; write `::name[:tag]` with a lowercase Docker image name, e.g. `::mysql:latest`")]
pub struct TagError {
    /// The offending text (escaped for display, at most ~80 characters).
    pub quoted: String,
    pub reason: String,
}

/// All tags in `message`, in order, without duplicates. Fails on the first invalid one.
pub fn parse_message(message: &str) -> Result<Vec<ImageRef>, TagError> {
    check_hidden(message)?;
    let mut refs: Vec<ImageRef> = Vec::new();
    let tokens = candidates(message);
    if tokens.len() > TAGS_MAX {
        return Err(TagError {
            quoted: quote(&format!("::{}", tokens[TAGS_MAX])),
            reason: format!(
                "the message names {} images; scanlens scans at most {TAGS_MAX} per commit (split them across commits)",
                tokens.len()
            ),
        });
    }
    for token in tokens {
        let r = parse_reference(token).map_err(|reason| TagError {
            quoted: quote(&format!("::{token}")),
            reason,
        })?;
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    Ok(refs)
}

/// Invisible to a reader: format characters (zero-width spaces, bidi controls, the BOM) and
/// control characters other than the usual whitespace.
fn is_hidden(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::Control
    ) && !c.is_whitespace()
}

/// Characters that read as a colon.
fn is_colon_like(c: char) -> bool {
    matches!(
        c,
        ':' | '\u{FF1A}'
            | '\u{FE55}'
            | '\u{FE13}'
            | '\u{A789}'
            | '\u{2236}'
            | '\u{02F8}'
            | '\u{02D0}'
            | '\u{05C3}'
            | '\u{0589}'
            | '\u{1361}'
            | '\u{16EC}'
            | '\u{1804}'
            | '\u{1809}'
            | '\u{205A}'
            | '\u{2E35}'
            | '\u{FE30}'
            | '\u{A4FD}'
            | '\u{0703}'
            | '\u{0704}'
    )
}

/// Refuses a message where a reader would see a `::` tag that [`candidates`] would not.
fn check_hidden(message: &str) -> Result<(), TagError> {
    let chars: Vec<char> = message.chars().collect();
    let refuse = |at: usize, what: String| {
        let c = chars[at];
        let start = at.saturating_sub(8);
        let around: String = chars[start..(at + 12).min(chars.len())].iter().collect();
        Err(TagError {
            quoted: quote(around.trim()),
            reason: format!(
                "{what} U+{:04X} at character {}, where it hides or breaks a `::` tag; remove it (or write the tag with plain ASCII colons after a space)",
                c as u32,
                at + 1
            ),
        })
    };
    // Each run of colon-like characters, with hidden ones between them.
    let mut i = 0;
    while i < chars.len() {
        if !is_colon_like(chars[i]) {
            i += 1;
            continue;
        }
        let mut colons = vec![i];
        let mut j = i + 1;
        while j < chars.len() && (is_colon_like(chars[j]) || is_hidden(chars[j])) {
            if is_colon_like(chars[j]) {
                colons.push(j);
            }
            j += 1;
        }
        if colons.len() >= 2 {
            let first = colons[0];
            if let Some(h) = (first..=colons[colons.len() - 1]).find(|&k| is_hidden(chars[k])) {
                return refuse(h, "the invisible character".into());
            }
            if let Some(&k) = colons.iter().find(|&&k| chars[k] != ':') {
                return refuse(k, "the look-alike colon".into());
            }
            if first > 0 && is_hidden(chars[first - 1]) {
                return refuse(first - 1, "the invisible character".into());
            }
        }
        i = j;
    }
    Ok(())
}

/// The text after each `::` that starts a tag, with trailing punctuation removed.
fn candidates(message: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut prev_ws = true;
    let mut i = 0;
    let bytes = message.as_bytes();
    while i < message.len() {
        if prev_ws && message[i..].starts_with("::") {
            let start = i + 2;
            let end = message[start..]
                .find(char::is_whitespace)
                .map_or(message.len(), |n| start + n);
            out.push(message[start..end].trim_end_matches(TRAILING));
            i = end;
            prev_ws = false;
            continue;
        }
        let c = message[i..].chars().next().expect("in bounds");
        prev_ws = c.is_whitespace();
        i += c.len_utf8();
        debug_assert!(i <= bytes.len());
    }
    out
}

/// Escapes control and non-ASCII characters and shortens long text, for error messages.
fn quote(s: &str) -> String {
    let escaped: String = s.chars().flat_map(|c| c.escape_debug()).collect::<String>();
    let escaped: String = escaped
        .chars()
        .flat_map(|c| -> Box<dyn Iterator<Item = char>> {
            if c.is_ascii() {
                Box::new(std::iter::once(c))
            } else {
                Box::new(c.escape_unicode())
            }
        })
        .collect();
    if escaped.chars().count() > 80 {
        let head: String = escaped.chars().take(77).collect();
        format!("{head}...")
    } else {
        escaped
    }
}

#[cfg(test)]
mod hidden_tests {
    use super::*;

    #[test]
    fn hidden_and_look_alike_tags_are_refused_with_the_character() {
        for (msg, code, at) in [
            ("Fixed \u{200b}::app", "U+200B", 7),
            ("Fixed \u{202e}::app", "U+202E", 7),
            ("\u{feff}::app", "U+FEFF", 1),
            ("Fixed \0::app", "U+0000", 7),
            ("Fixed :\u{200b}:app", "U+200B", 8),
            ("Fixed \u{ff1a}\u{ff1a}app", "U+FF1A", 7),
            ("Fixed :\u{ff1a}app", "U+FF1A", 8),
        ] {
            let err = parse_message(msg).unwrap_err().to_string();
            assert!(err.contains(code), "{msg:?}: {err}");
            assert!(
                err.contains(&format!("at character {at}")),
                "{msg:?}: {err}"
            );
        }
        // Plain prose and ordinary tags are untouched.
        assert_eq!(parse_message("Report::new and a: b").unwrap(), vec![]);
        assert_eq!(
            parse_message("zero\u{200b}width, then ::app")
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn at_most_32_tags() {
        let ok: String = (0..TAGS_MAX).map(|i| format!("::app{i} ")).collect();
        assert_eq!(parse_message(&ok).unwrap().len(), TAGS_MAX);
        let err = parse_message(&format!("{ok} ::one-more"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 32"), "{err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(msg: &str) -> Vec<String> {
        parse_message(msg)
            .unwrap_or_else(|e| panic!("{msg:?}: {e}"))
            .iter()
            .map(|r| r.reference())
            .collect()
    }

    #[test]
    fn the_original_example() {
        assert_eq!(refs("Fixed yum for image ::mysql:latest"), ["mysql:latest"]);
    }

    #[test]
    fn tag_defaults_to_latest() {
        assert_eq!(refs("::mysql"), ["mysql:latest"]);
        let r = &parse_message("::mysql").unwrap()[0];
        assert_eq!(r.dir_name(), "mysql-latest");
    }

    #[test]
    fn several_tags_in_order_without_duplicates() {
        assert_eq!(
            refs("Bump ::app:e2e and ::second:e2e\n\nalso ::app:e2e again"),
            ["app:e2e", "second:e2e"]
        );
    }

    #[test]
    fn no_tag_in_prose() {
        assert!(refs("Use Report::new and std::fs::read; a::b").is_empty());
        assert!(refs("").is_empty());
        assert!(refs("nothing to see").is_empty());
    }

    #[test]
    fn trailing_punctuation_is_stripped() {
        for msg in [
            "Fixed ::mysql:latest.",
            "Fixed ::mysql:latest,",
            "(see ::mysql:latest)",
            "really ::mysql:latest!",
            "\"::mysql:latest\"",
            "is it ::mysql:latest?",
            "'::mysql:latest';",
            "`::mysql:latest`",
        ] {
            // A tag must start after whitespace, so a quote or bracket before `::` hides it.
            let got = refs(msg);
            if msg.contains(" ::") || msg.starts_with("::") {
                assert_eq!(got, ["mysql:latest"], "{msg}");
            } else {
                assert!(got.is_empty(), "{msg}: {got:?}");
            }
        }
        assert_eq!(refs("::mysql:."), ["mysql:latest"]);
    }

    #[test]
    fn registries_paths_and_digests() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            refs(&format!(
                "::registry.example.com:5000/team/app:1.2.3 ::localhost/app ::ghcr.io/o/r@{digest} ::a/b:v1@{digest}"
            )),
            [
                "registry.example.com:5000/team/app:1.2.3".to_string(),
                "localhost/app:latest".to_string(),
                format!("ghcr.io/o/r@{digest}"),
                format!("a/b:v1@{digest}"),
            ]
        );
        let r = parse_reference("registry:5000/team/my_app").unwrap();
        assert_eq!(r.short_name(), "my_app");
        assert_eq!(r.tag.as_deref(), Some("latest"));
        let d = parse_reference(&format!("app@{digest}")).unwrap();
        assert_eq!(d.tag, None);
        assert_eq!(d.dir_name(), "app-sha256-aaaaaaaaaaaa");
    }

    #[test]
    fn valid_edge_cases() {
        for ok in [
            "a",
            "a-b",
            "a--b",
            "a__b",
            "a.b",
            "a_b",
            "0",
            "app:V1.0_rc-1",
            "app:_x",
            "library/ubuntu:22.04",
        ] {
            parse_reference(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        parse_reference(&format!("app:{}", "t".repeat(128))).unwrap();
        parse_reference(&"a".repeat(255)).unwrap();
    }

    /// At least 30 hostile or malformed tags: each refused, quoting it.
    #[test]
    fn hostile_and_malformed_tags_are_refused() {
        let long_name = "a".repeat(256);
        let long_tag = format!("app:{}", "t".repeat(129));
        let long_path = format!("{}/{}", "a".repeat(200), "b".repeat(60));
        let hostile: Vec<String> = [
            "::--help",
            "::-v",
            "::--output=/etc/passwd",
            "::app;rm",
            "::app;rm -rf /",
            "::app|sh",
            "::app&&id",
            "::app$(id)",
            "::$(id)",
            "::`id`",
            "::app>out",
            "::app<in",
            "::app*",
            "::app{a,b}",
            "::~root",
            "::app\\x",
            "::../etc",
            "::..",
            "::.",
            "::a/../../etc",
            "::app/..",
            "::a..b",
            "::/app",
            "::app/",
            "::a//b",
            "::MySQL",
            "::mysql:latest:extra",
            "::Registry.io/app",
            "::app::x",
            "::app:-x",
            "::app:.x",
            "::app:a/b",
            "::app@",
            "::app@sha256:abc",
            "::app@sha256:zz",
            "::app@md5",
            "::-app",
            "::app-",
            "::_app",
            "::app%20",
            "::app#x",
            "::app=1",
            "::app,x;",
            "::reg:99999999/app",
            "::reg.io:/app",
            "::ｍｙｓｑｌ",
            "::mysqⅼ",
            "::аpp",
            "::app\u{200b}",
            "::app\u{0}",
            "::app\u{1b}[31m",
            "::",
            ":::",
            "::@sha256:abc",
            "::'app'x",
            "::\"app\"x",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([
            format!("::{long_name}"),
            format!("::{long_tag}"),
            format!("::{long_path}"),
        ])
        .collect();
        assert!(hostile.len() >= 30);
        for tag in &hostile {
            let msg = format!("Fixed yum for image {tag}");
            match parse_message(&msg) {
                Err(e) => {
                    let text = e.to_string();
                    assert!(text.starts_with("invalid image tag `::"), "{tag}: {text}");
                    assert!(!text.contains('\n'), "one line: {text}");
                    assert!(text.len() < 400, "short: {text}");
                }
                Ok(r) => panic!("{tag:?} was accepted as {r:?}"),
            }
        }
    }

    #[test]
    fn error_quotes_the_tag_and_escapes_it() {
        let e = parse_message("x ::MySQL:8 y").unwrap_err();
        assert_eq!(e.quoted, "::MySQL:8");
        assert!(e.reason.contains("uppercase"), "{e}");
        let e = parse_message("::аpp").unwrap_err();
        assert!(e.quoted.is_ascii(), "{}", e.quoted);
        assert!(e.reason.contains("U+0430"), "{e}");
        let e = parse_message("::app\u{1b}[31m").unwrap_err();
        assert!(!e.to_string().contains('\u{1b}'));
    }
}
