//! apk-tools' order of Alpine versions: `digits{.digits}[letter]{_suffix[digits]}[~hash][-rN]`.
//!
//! Hand-written after apk-tools 3's `src/version.c` (the tokenizer and `token_cmp`), because no
//! crate implements it: crates.io has Alpine package *readers* (`alpkit`) and pacman's order
//! (`alpmver`), nothing that compares apk versions. Debian does not package `apk-tools`, so the
//! differential test cannot run `apk version -t`; the unit tests below hold it to orderings
//! apk-tools documents in its own test data (`test/unit/version.data`).
//!
//! Rules: the first number and every later number, `_suffix` number and `-r` revision compare
//! by value, except that a dotted number with a leading zero on either side compares as a
//! string (Gentoo's rule); a letter by its byte; suffixes in the order `alpha` < `beta` < `pre`
//! < `rc` < (none) < `cvs` < `svn` < `git` < `hg` < `p`; when one version runs out first, the
//! longer one is greater unless its next token is a pre-release suffix. A version apk-tools'
//! `apk_version_validate` refuses is not read (apk itself falls back to a partial comparison).

use std::cmp::Ordering;

/// Token kinds in the order apk-tools numbers them: the order matters when one version ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
}

/// Suffix ranks; `NONE` (no suffix) sits between the pre-release and post-release ones.
const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
const NONE: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    text: &'a [u8],
    number: u64,
    suffix: usize,
}

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let ta = tokens(a)?;
    let tb = tokens(b)?;
    for (x, y) in ta.iter().zip(&tb) {
        if x.kind != y.kind {
            return Some(ended(x, y));
        }
        let o = token_cmp(x, y);
        if o != Ordering::Equal {
            return Some(o);
        }
    }
    // Both lists end with an `End` token, so a shorter one meets a longer one's token there.
    Some(Ordering::Equal)
}

/// When the token kinds differ: the version whose next token is a pre-release suffix is less;
/// otherwise the later kind (`End` latest) is less.
fn ended(x: &Token, y: &Token) -> Ordering {
    if x.kind == Kind::Suffix && x.suffix < NONE {
        return Ordering::Less;
    }
    if y.kind == Kind::Suffix && y.suffix < NONE {
        return Ordering::Greater;
    }
    y.kind.cmp(&x.kind)
}

fn token_cmp(x: &Token, y: &Token) -> Ordering {
    match x.kind {
        Kind::Digit if x.text[0] == b'0' || y.text[0] == b'0' => blob_sort(x.text, y.text),
        Kind::Digit | Kind::InitialDigit | Kind::SuffixNo | Kind::RevisionNo => {
            x.number.cmp(&y.number)
        }
        Kind::Letter => x.text[0].cmp(&y.text[0]),
        Kind::Suffix => x.suffix.cmp(&y.suffix),
        Kind::CommitHash | Kind::End => blob_sort(x.text, y.text),
    }
}

/// apk's `apk_blob_sort`: bytes first, then the shorter one first.
fn blob_sort(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then(a.len().cmp(&b.len()))
}

/// The tokens of a valid version, ending with an `End` token; `None` when apk-tools would call
/// it invalid.
fn tokens(v: &str) -> Option<Vec<Token<'_>>> {
    let mut rest = v.as_bytes();
    let mut out = Vec::new();
    let mut t = digits(Kind::InitialDigit, &mut rest)?;
    loop {
        out.push(t);
        let Some(&c) = rest.first() else {
            out.push(Token {
                kind: Kind::End,
                text: &[],
                number: 0,
                suffix: 0,
            });
            return Some(out);
        };
        let prev = t.kind;
        t = match c {
            b'a'..=b'z' if prev <= Kind::Digit => {
                let (text, r) = rest.split_at(1);
                rest = r;
                Token {
                    kind: Kind::Letter,
                    text,
                    number: 0,
                    suffix: 0,
                }
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if prev > Kind::Digit {
                        return None;
                    }
                    rest = &rest[1..];
                }
                let kind = match prev {
                    Kind::InitialDigit | Kind::Digit => Kind::Digit,
                    Kind::Suffix => Kind::SuffixNo,
                    _ => return None,
                };
                digits(kind, &mut rest)?
            }
            b'_' if prev <= Kind::SuffixNo => {
                let n = rest[1..]
                    .iter()
                    .take_while(|c| c.is_ascii_lowercase())
                    .count();
                let text = &rest[1..1 + n];
                rest = &rest[1 + n..];
                let suffix = SUFFIXES.iter().position(|s| s.as_bytes() == text)?;
                Token {
                    kind: Kind::Suffix,
                    text,
                    number: 0,
                    // Ranks in SUFFIXES skip NONE: post-release suffixes rank above it.
                    suffix: if suffix < NONE { suffix } else { suffix + 1 },
                }
            }
            b'~' if prev < Kind::CommitHash => {
                let n = rest[1..]
                    .iter()
                    .take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
                    .count();
                if n == 0 {
                    return None;
                }
                let text = &rest[1..1 + n];
                rest = &rest[1 + n..];
                Token {
                    kind: Kind::CommitHash,
                    text,
                    number: 0,
                    suffix: 0,
                }
            }
            b'-' if prev < Kind::RevisionNo && rest.get(1) == Some(&b'r') => {
                rest = &rest[2..];
                digits(Kind::RevisionNo, &mut rest)?
            }
            _ => return None,
        };
    }
}

/// A run of digits (at least one) as a token of `kind`. apk's `apk_blob_pull_uint` wraps on
/// overflow; so does this.
fn digits<'a>(kind: Kind, rest: &mut &'a [u8]) -> Option<Token<'a>> {
    let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    let (text, r) = rest.split_at(n);
    *rest = r;
    let number = text.iter().fold(0u64, |acc, d| {
        acc.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
    });
    Some(Token {
        kind,
        text,
        number,
        suffix: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn orders_as_apk_tools_documents() {
        for (a, b, o) in [
            ("1.1.1b-r1", "1.1.1d-r2", Less),
            ("1.1.1c-r0", "1.1.1d-r0", Less),
            ("1.0_rc1", "1.0", Less),
            ("1.0_alpha", "1.0_beta", Less),
            ("1.0_beta2", "1.0_pre1", Less),
            ("1.0_pre1", "1.0_rc1", Less),
            ("1.0", "1.0_cvs", Less),
            ("1.0_git20200101", "1.0_p1", Less),
            ("1.0_p1", "1.0_p2", Less),
            ("1.0", "1.0-r0", Less),
            ("1.0-r9", "1.0-r10", Less),
            ("1.0", "1.0a", Less),
            ("1.0a", "1.0.1", Less),
            ("1.2", "1.10", Less),
            ("1.02", "1.1", Less),
            ("1.01", "1.001", Greater),
            ("2.34", "0.1.0_alpha", Greater),
            ("1.0~abc", "1.0~abd", Less),
            ("1.0~abc", "1.0", Greater),
            ("1.0~abc-r1", "1.0-r1", Greater),
            ("1.1_alpha1", "1.1", Less),
            ("1.0_rc1_p2", "1.0_rc1", Greater),
            ("2.2.39-r1", "1.0.4-r3", Greater),
        ] {
            assert_eq!(compare(a, b), Some(o), "{a} vs {b}");
            assert_eq!(compare(b, a), Some(o.reverse()), "{b} vs {a}");
        }
    }

    #[test]
    fn refuses_what_apk_calls_invalid() {
        for bad in [
            "",
            "a1",
            "1.",
            "1..2",
            "1.0-1",
            "1.0-r",
            "1.0_foo",
            "1.0_",
            "1.0ab",
            "1.0a.1",
            "1.0~",
            "1.0~xyz",
            "1.0-r1-r2",
            "1.0 ",
            "v1.0",
            "1.0-r1_p1",
        ] {
            assert_eq!(compare(bad, "1.0"), None, "{bad:?}");
        }
    }
}
