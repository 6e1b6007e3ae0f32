//! Text as search sees it: folding to lower case without Unicode tables, search terms, and the
//! ranges of a text a search highlights.

/// Lowercase for matching, one char for one char of the same UTF-8 length: ASCII, Latin-1,
/// Latin Extended-A, Greek and Cyrillic capitals fold; other characters stay. Rust's full
/// `to_lowercase` would bring ~12 KB of Unicode tables into the wasm viewer.
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    let l = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB => u + 32,
        0x410..=0x42F => u + 32,
        0x400..=0x40F => u + 80,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u & 1 == 0 => u + 1,
        0x139..=0x148 | 0x179..=0x17E if u & 1 == 1 => u + 1,
        0x178 => 0xFF,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if u & 1 == 0 => u + 1,
        _ => u,
    };
    char::from_u32(l).unwrap_or(c)
}

/// [`fold_char`] over a string; the result has the same byte length as `s`.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(fold_char).collect()
}

/// A search's words, folded to lower case; a finding must match all of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Terms {
    /// Found anywhere in a finding's text (ID, package, PURL, title, description, target,
    /// path). At most 64: the search keeps which ones matched in a `u64`.
    pub text: Vec<String>,
    /// Each equal to one of a finding's fields.
    pub fields: Vec<Field>,
}

/// A term that names a field and its whole value: what narrows to exactly one check, license
/// or package where a text term also finds what mentions it (`GPL-3.0` finds `LGPL-3.0`,
/// `openssl` finds curl's advisories that name OpenSSL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `id:X`: the finding's ID is X (a vulnerability's, a check's, a secret's rule, a
    /// license's name).
    Id(String),
    /// `package:NAME` or `package:NAME@VERSION`: the package is NAME, or NAME at installed
    /// VERSION. Either reading may hold, so an `@` anywhere (an npm scope, a version with one)
    /// needs no rule. Not `pkg:`, which starts every package URL a text term may search for.
    Package(String),
}

/// The names of the fields, as a search writes them.
const ID: &str = "id";
const PACKAGE: &str = "package";

impl Field {
    /// The text a match shows, for highlighting: a package's name without its version.
    fn shown(&self) -> &str {
        match self {
            Field::Id(v) => v,
            Field::Package(v) => match v.rfind('@').filter(|&at| at > 0) {
                Some(at) => &v[..at],
                None => v,
            },
        }
    }

    /// Whether a finding with this ID and package (name, installed version) has the field.
    pub fn matches(&self, id: &str, package: Option<(&str, &str)>) -> bool {
        match self {
            Field::Id(v) => folds_to(id, v),
            Field::Package(v) => package.is_some_and(|(name, installed)| {
                folds_to(name, v) || {
                    // `name@installed`, in place: fold keeps byte lengths, so the `@` is at
                    // the name's length.
                    let at = name.len();
                    v.len() == at + 1 + installed.len()
                        && v.as_bytes()[at] == b'@'
                        && folds_to(name, &v[..at])
                        && folds_to(installed, &v[at + 1..])
                }
            }),
        }
    }

    fn key(&self) -> &'static str {
        match self {
            Field::Id(_) => ID,
            Field::Package(_) => PACKAGE,
        }
    }

    /// The search text that finds exactly this field, as [`parse_terms`] reads it back
    /// (`id:GPL-3.0`): quoted when the value is empty or holds whitespace or a quote, with `\`
    /// and `"` escaped in the quotes.
    pub fn term(&self) -> String {
        let (Field::Id(value) | Field::Package(value)) = self;
        let key = self.key();
        if !value.is_empty() && !value.contains(|c: char| c == '"' || c.is_whitespace()) {
            return format!("{key}:{value}");
        }
        let mut out = format!("{key}:\"");
        for c in value.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }

    /// `None` for a word that names no field (or whose name is quoted: `"id: x"` is text);
    /// `Some(None)` for a field's name with no value yet (`package:`), which is no term. A
    /// quoted empty value (`id:""`) is one.
    fn parse(w: &Word) -> Option<Option<Field>> {
        let (key, value) = w.text.split_once(':')?;
        if w.quote_at.is_some_and(|q| q <= key.len()) {
            return None;
        }
        let typed = !value.is_empty() || w.quote_at.is_some();
        let field = match key {
            ID => typed.then(|| Field::Id(value.to_string())),
            PACKAGE => typed.then(|| Field::Package(value.to_string())),
            _ => return None,
        };
        Some(field)
    }
}

/// `text`, folded, is `folded`: without the allocation [`fold`] makes.
fn folds_to(text: &str, folded: &str) -> bool {
    text.len() == folded.len() && text.chars().map(fold_char).eq(folded.chars())
}

/// The words of a search box's text, folded: separated by whitespace, except inside double
/// quotes (`id:"Custom License"`, `"heap overflow"`), which are dropped; in them `\"` is a
/// quote and `\\` a backslash. `id:` and `package:` words are [`Field`]s, their values as
/// written (an empty one, still being typed, is no term); every other word is a text term,
/// each run of whitespace in it one space, as in the text searched ([`spaced`]).
pub fn parse_terms(q: &str) -> Terms {
    let mut t = Terms::default();
    for w in words(&fold(q)) {
        match Field::parse(&w) {
            Some(Some(f)) => t.fields.push(f),
            Some(None) => {}
            None if w.text.is_empty() => {}
            None => t.text.push(spaced(&w.text).into_owned()),
        }
    }
    t.text.truncate(64);
    t
}

/// One word of a search, and where in it a quote first opened.
struct Word {
    text: String,
    quote_at: Option<usize>,
}

/// Splits at whitespace outside double quotes; the quotes go. An unclosed quote runs to the
/// end, as it does while being typed.
fn words(q: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut w = Word {
        text: String::new(),
        quote_at: None,
    };
    let mut quoted = false;
    let mut chars = q.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                w.quote_at.get_or_insert(w.text.len());
            }
            '\\' if quoted && matches!(chars.peek(), Some('"' | '\\')) => {
                w.text.extend(chars.next());
            }
            c if c.is_whitespace() && !quoted => {
                if !w.text.is_empty() || w.quote_at.is_some() {
                    out.push(std::mem::replace(
                        &mut w,
                        Word {
                            text: String::new(),
                            quote_at: None,
                        },
                    ));
                }
            }
            c => w.text.push(c),
        }
    }
    if !w.text.is_empty() || w.quote_at.is_some() {
        out.push(w);
    }
    out
}

/// `text` with each run of whitespace made one space (`heap\n  overflow` → `heap overflow`),
/// as quoted words are, so that a phrase finds wrapped advisory text; borrowed when there is
/// none to change, as for most text.
pub(super) fn spaced(text: &str) -> std::borrow::Cow<'_, str> {
    let mut prev_space = false;
    let clean = text.chars().all(|c| {
        let bad = c.is_whitespace() && (c != ' ' || prev_space);
        prev_space = c == ' ';
        !bad
    });
    if clean {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The text terms of a search: what [`parse_terms`] finds anywhere in a finding's text.
pub fn terms(q: &str) -> Vec<String> {
    parse_terms(q).text
}

/// `needle` occurs in `hay`: a plain scan, faster than `str::contains`'s setup for the short
/// IDs it is used on.
pub(super) fn has(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    hay.len() >= needle.len()
        && (0..=hay.len() - needle.len())
            .any(|p| hay[p] == first && &hay[p + 1..p + needle.len()] == rest)
}

/// Byte ranges of `text` that match any search term, case-insensitively, merged and sorted.
pub fn highlight(text: &str, q: &str) -> Vec<(usize, usize)> {
    let t = parse_terms(q);
    let terms: Vec<&str> = (t.text.iter().map(String::as_str))
        .chain(t.fields.iter().map(Field::shown))
        .collect();
    if terms.is_empty() || text.is_empty() {
        return Vec::new();
    }
    // Lowercase char by char, remembering where each lowercase byte came from, because
    // lowercasing can change byte lengths outside ASCII; a run of whitespace is one space, as
    // the search reads the text ([`spaced`]), so that a phrase found over a line break shows.
    let mut lower = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (pos, c) in text.char_indices() {
        if c.is_whitespace() && lower.ends_with(' ') {
            continue;
        }
        let before = lower.len();
        lower.push(if c.is_whitespace() { ' ' } else { fold_char(c) });
        origin.extend(std::iter::repeat_n(pos, lower.len() - before));
    }
    origin.push(text.len());
    let end_of = |lower_end: usize| -> usize {
        // The end of the original char that produced the byte before `lower_end`.
        let start = origin[lower_end - 1];
        start + text[start..].chars().next().map_or(0, char::len_utf8)
    };
    let mut ranges = Vec::new();
    for t in &terms {
        let mut from = 0;
        while let Some(p) = lower[from..].find(t) {
            let s = from + p;
            let e = s + t.len();
            ranges.push((origin[s], end_of(e)));
            from = s + t.len().max(1);
        }
    }
    super::sort::sort(&mut ranges);
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
            _ => merged.push(r),
        }
    }
    merged
}

/// Splits `text` into (segment, highlighted) pieces for display.
pub fn segments<'a>(text: &'a str, ranges: &[(usize, usize)]) -> Vec<(&'a str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in ranges {
        if s > at {
            out.push((&text[at..s], false));
        }
        out.push((&text[s..e], true));
        at = e;
    }
    if at < text.len() || out.is_empty() {
        out.push((&text[at..], false));
    }
    out
}

#[cfg(test)]
mod fold_tests {
    use super::*;

    #[test]
    fn has_finds_substrings() {
        assert!(has(b"cve-2019-15", b"cve"));
        assert!(has(b"cve-2019-15", b"9-15"));
        assert!(has(b"cve", b""));
        assert!(!has(b"cv", b"cve"));
        assert!(!has(b"cve-2019-15", b"2020"));
    }

    #[test]
    fn spaced_makes_each_run_of_whitespace_one_space_ascii_or_not() {
        for (text, want) in [
            ("plain text", "plain text"),
            ("a  b", "a b"),
            ("a\tb\n", "a b "),
            ("a\u{b}b", "a b"),
            ("a\u{c}\r\nb", "a b"),
            ("a\u{a0}b", "a b"),
            ("é  x", "é x"),
            (" ", " "),
            ("", ""),
        ] {
            assert_eq!(spaced(text), want, "{text:?}");
        }
        assert!(matches!(spaced("a b c"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn folds_like_to_lowercase_where_it_folds() {
        for c in (0u32..0x530).filter_map(char::from_u32) {
            let f = fold_char(c);
            assert_eq!(f.len_utf8(), c.len_utf8(), "{c:?}");
            if f != c {
                assert_eq!(c.to_lowercase().collect::<String>(), f.to_string(), "{c:?}");
            }
        }
        assert_eq!(fold("OpenSSL ÉCLAIR Ωmega ЖУК"), "openssl éclair ωmega жук");
    }
}
