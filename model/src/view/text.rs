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

/// Lowercase search terms: whitespace-separated, all must match.
pub fn terms(q: &str) -> Vec<String> {
    q.split_whitespace().map(fold).take(64).collect()
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
    let terms = terms(q);
    if terms.is_empty() || text.is_empty() {
        return Vec::new();
    }
    // Lowercase char by char, remembering where each lowercase byte came from, because
    // lowercasing can change byte lengths outside ASCII.
    let mut lower = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (pos, c) in text.char_indices() {
        let before = lower.len();
        lower.push(fold_char(c));
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
        while let Some(p) = lower[from..].find(t.as_str()) {
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
