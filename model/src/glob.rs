//! Trivy's path globs: the meaning `github.com/bmatcuk/doublestar/v4`'s `Match` gives them, which
//! is what Trivy's ignore files use for `paths`.
//!
//! Why hand-written: matched against the real `trivy convert` on 2,296 pattern/path pairs, the
//! closest crates disagree with it in 20 (`fast-glob`), 80 (`globset`, with literal separators)
//! and 155 (`glob`) cases, all where doublestar's `**` meets the end of a path: `app/**` matches
//! `app`, `*/**` matches `x`, `**/*` does not match the empty path. An ignore rule that matches
//! something else than in Trivy changes what the gate counts, so this follows doublestar's rules
//! exactly (including its quirk of treating a `**` that starts an alternative as starting a path
//! segment), and `generator/tests/trivy_differential.rs` holds it to the real binary.
//!
//! Syntax, with `/` as the only separator: `*` any run of non-separators; `**` as a whole path
//! segment any number of segments (elsewhere like `*`); `?` one non-separator; `[abc]`, `[a-z]`,
//! `[!x]`, `[^x]` classes; `{a,b}` alternatives, nested; `\c` the character `c`. The whole path
//! must match.

/// Work allowed for one match: alternatives multiply it, so a hostile pattern gives up (no
/// match) instead of running for ever.
const BUDGET: usize = 1 << 20;

/// Whether `pattern` is well formed (closed classes and alternatives, no trailing `\`), as
/// doublestar's `ValidatePattern` decides; Trivy refuses an ignore file with one that is not.
pub fn is_valid(pattern: &str) -> bool {
    let p = pattern.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => {
                i += 1;
                if i >= p.len() {
                    return false;
                }
            }
            b'[' => {
                i += 1;
                if i < p.len() && matches!(p[i], b'^' | b'!') {
                    i += 1;
                }
                if i >= p.len() || p[i] == b']' {
                    return false;
                }
                loop {
                    if i >= p.len() {
                        return false;
                    }
                    match p[i] {
                        b'\\' => i += 1,
                        b']' => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'{' => depth += 1,
            b'}' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    depth == 0
}

/// Work allowed for all the matches of one gate run together: per match alone, a file of many
/// costly patterns (1,000 copies of `{a,a}` twenty times over) ran for minutes. 2^28 steps are
/// about 13 s here, and a hundred times what an ignore file of real paths needs for 100,000
/// findings.
pub const RUN_BUDGET: usize = 1 << 28;

/// What a gate run may still spend on matching paths ([`matches_within`]).
#[derive(Debug, Clone)]
pub struct Work(std::cell::Cell<usize>);

impl Default for Work {
    fn default() -> Work {
        Work(std::cell::Cell::new(RUN_BUDGET))
    }
}

impl Work {
    /// A budget of `steps` (tests use small ones; runs use [`RUN_BUDGET`]).
    pub fn new(steps: usize) -> Work {
        Work(std::cell::Cell::new(steps))
    }

    /// Whether the run's budget is used up: from then on no pattern matches.
    pub fn spent(&self) -> bool {
        self.0.get() == 0
    }
}

/// Whether `name` matches `pattern`. A malformed pattern matches nothing.
pub fn matches(pattern: &str, name: &str) -> bool {
    matches_within(pattern, name, &Work::new(usize::MAX))
}

/// [`matches`], spending from `work`; once it is spent, nothing matches (the finding then
/// counts, and the caller says why).
pub fn matches_within(pattern: &str, name: &str, work: &Work) -> bool {
    let left = work.0.get();
    let mut budget = BUDGET.min(left);
    let start = budget;
    let matched = Matcher {
        name: name.as_bytes(),
        budget: &mut budget,
    }
    .run(pattern.as_bytes(), Backtrack::default(), 0, 0)
    .unwrap_or(false);
    work.0.set(left - (start - budget));
    matched
}

/// Where to resume after a failed step: after the last `*` and after the last `/**/`, each with
/// the name position it was tried from.
#[derive(Clone, Copy, Default)]
struct Backtrack {
    star: Option<(usize, usize)>,
    globstar: Option<(usize, usize)>,
}

struct Matcher<'a> {
    name: &'a [u8],
    budget: &'a mut usize,
}

/// The character at `at` and its length in bytes (invalid UTF-8 counts as one byte each, and
/// the end of the text as a character that matches nothing, as Go's decoder does).
fn char_at(s: &[u8], at: usize) -> (char, usize) {
    let Some(rest) = s.get(at..).filter(|r| !r.is_empty()) else {
        return (char::REPLACEMENT_CHARACTER, 0);
    };
    let len = match rest[0] {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    };
    match rest.get(..len).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(s) => (s.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER), len),
        None => (char::REPLACEMENT_CHARACTER, 1),
    }
}

/// Why a step did not match: the pattern is malformed (stop), or try to backtrack.
enum Miss {
    Bad,
    Backtrack,
}

impl Matcher<'_> {
    /// Matches `p` from `pi` against the name from `ni`. `None` for a malformed pattern.
    fn run(&mut self, p: &[u8], mut bt: Backtrack, mut pi: usize, mut ni: usize) -> Option<bool> {
        let name = self.name;
        // Every call starts a segment, even at an alternative's start (doublestar does so).
        let mut segment_start = true;
        'names: while ni < name.len() {
            if *self.budget == 0 {
                return Some(false);
            }
            *self.budget -= 1;
            let step = if pi < p.len() {
                self.step(p, &mut bt, &mut pi, &mut ni, &mut segment_start)
            } else {
                Err(Miss::Backtrack)
            };
            match step {
                Ok(Some(done)) => return Some(done),
                Ok(None) => continue,
                Err(Miss::Bad) => return None,
                Err(Miss::Backtrack) => {}
            }
            if let Some((sp, sn)) = bt.star {
                let (c, len) = char_at(name, sn);
                if c != '/' {
                    bt.star = Some((sp, sn + len));
                    (pi, ni) = (sp, sn + len);
                    segment_start = false;
                    continue;
                }
            }
            if let Some((gp, gn)) = bt.globstar {
                // Let `**` take one more segment of the name.
                ni = gn;
                while ni < name.len() {
                    let (c, len) = char_at(name, ni);
                    ni += len;
                    if c == '/' {
                        bt.globstar = Some((gp, ni));
                        pi = gp;
                        segment_start = true;
                        continue 'names;
                    }
                }
            }
            if pi < p.len() && !is_valid_bytes(&p[pi..]) {
                return None;
            }
            return Some(false);
        }
        zero_length(&p[pi.min(p.len())..])
    }

    /// One step of the pattern at `pi`: `Ok(None)` to go on, `Ok(Some(m))` when the outcome is
    /// known, `Err` on a mismatch.
    fn step(
        &mut self,
        p: &[u8],
        bt: &mut Backtrack,
        pi: &mut usize,
        ni: &mut usize,
        segment_start: &mut bool,
    ) -> Result<Option<bool>, Miss> {
        let name = self.name;
        match p[*pi] {
            b'*' => {
                *pi += 1;
                if p.get(*pi) == Some(&b'*') {
                    *pi += 1;
                    if *segment_start {
                        if *pi >= p.len() {
                            // A pattern ending in a segment `**` takes the rest of the name.
                            return Ok(Some(true));
                        }
                        let (c, len) = char_at(p, *pi);
                        if c == '/' {
                            *pi += len;
                            bt.globstar = Some((*pi, *ni));
                            bt.star = None;
                            return Ok(None);
                        }
                    }
                }
                *segment_start = false;
                bt.star = Some((*pi, *ni));
                Ok(None)
            }
            b'?' => {
                *segment_start = false;
                let (c, len) = char_at(name, *ni);
                if c == '/' {
                    return Err(Miss::Backtrack);
                }
                *pi += 1;
                *ni += len;
                Ok(None)
            }
            b'[' => {
                *segment_start = false;
                self.class(p, pi, ni).map(|()| None)
            }
            b'{' => {
                *segment_start = false;
                let before = *pi;
                let open = before + 1;
                let close = open + closing_brace(&p[open..]).ok_or(Miss::Bad)?;
                let mut from = open;
                loop {
                    let comma = next_alternative(&p[from..close]).map(|c| from + c);
                    let end = comma.unwrap_or(close);
                    let mut alt = Vec::with_capacity(p.len());
                    alt.extend_from_slice(&p[..before]);
                    alt.extend_from_slice(&p[from..end]);
                    alt.extend_from_slice(&p[close + 1..]);
                    match self.run(&alt, *bt, before, *ni) {
                        Some(false) if comma.is_some() => from = end + 1,
                        Some(m) => return Ok(Some(m)),
                        None => return Err(Miss::Bad),
                    }
                }
            }
            c => {
                let escaped = c == b'\\';
                if escaped {
                    *pi += 1;
                    if *pi >= p.len() {
                        return Err(Miss::Bad);
                    }
                }
                let (pc, plen) = char_at(p, *pi);
                let (nc, nlen) = char_at(name, *ni);
                if pc != nc {
                    if escaped {
                        *pi -= 1;
                    }
                    return Err(Miss::Backtrack);
                }
                *pi += plen;
                *ni += nlen;
                *segment_start = pc == '/';
                Ok(None)
            }
        }
    }

    /// A character class at `pi` (on its `[`) against the name's character at `ni`.
    fn class(&self, p: &[u8], pi: &mut usize, ni: &mut usize) -> Result<(), Miss> {
        *pi += 1;
        if *pi >= p.len() {
            return Err(Miss::Bad);
        }
        let (c, clen) = char_at(self.name, *ni);
        let negate = matches!(p[*pi], b'!' | b'^');
        if negate {
            *pi += 1;
        }
        if *pi >= p.len() || p[*pi] == b']' {
            return Err(Miss::Bad);
        }
        let mut hit = false;
        let mut last: Option<char> = None;
        while *pi < p.len() && p[*pi] != b']' {
            let (mut r, rlen) = char_at(p, *pi);
            *pi += rlen;
            if let Some(lo) = last {
                if r == '-' && *pi < p.len() && p[*pi] != b']' {
                    if p[*pi] == b'\\' {
                        *pi += 1;
                    }
                    let (hi, hlen) = char_at(p, *pi);
                    *pi += hlen;
                    if lo <= c && c <= hi {
                        hit = true;
                        break;
                    }
                    last = None;
                    continue;
                }
            }
            if r == '\\' {
                let (e, elen) = char_at(p, *pi);
                r = e;
                *pi += elen;
            }
            if r == c {
                hit = true;
                break;
            }
            last = Some(r);
        }
        if hit == negate {
            return Err(if *pi >= p.len() {
                Miss::Bad
            } else {
                Miss::Backtrack
            });
        }
        let close = unescaped(&p[*pi..], b']').ok_or(Miss::Bad)?;
        *pi += close + 1;
        *ni += clen;
        Ok(())
    }
}

fn is_valid_bytes(p: &[u8]) -> bool {
    std::str::from_utf8(p).map_or(true, is_valid)
}

/// Whether what is left of the pattern matches at the end of the name: `a/**` matches `a`,
/// because `a` may be a directory.
fn zero_length(p: &[u8]) -> Option<bool> {
    if matches!(p, b"" | b"*" | b"**" | b"/**" | b"**/" | b"/**/") {
        return Some(true);
    }
    if p[0] == b'{' {
        let close = 1 + closing_brace(&p[1..])?;
        let mut from = 1;
        loop {
            let comma = next_alternative(&p[from..close]).map(|c| from + c);
            let end = comma.unwrap_or(close);
            let mut alt = p[from..end].to_vec();
            alt.extend_from_slice(&p[close + 1..]);
            match zero_length(&alt)? {
                true => return Some(true),
                false if comma.is_some() => from = end + 1,
                false => return Some(false),
            }
        }
    }
    if !is_valid_bytes(p) {
        return None;
    }
    Some(false)
}

/// The first `c` not escaped by a backslash.
fn unescaped(s: &[u8], c: u8) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' {
            i += 1;
        } else if s[i] == c {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The `}` closing the alternatives whose `{` is just before `s`.
fn closing_brace(s: &[u8]) -> Option<usize> {
    let mut depth = 1;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The comma ending the first alternative of `s` (the inside of a `{…}`), skipping nested
/// alternatives and character classes.
fn next_alternative(s: &[u8]) -> Option<usize> {
    let mut depth = 1;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 1,
            b'[' => {
                i += 1;
                while i < s.len() {
                    match s[i] {
                        b'\\' => i += 1,
                        b']' => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth == 1 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs checked against the real `trivy convert` (see the module doc).
    #[test]
    fn doublestar_meanings() {
        let yes = [
            ("**", ""),
            ("*", ""),
            ("**", "a/b/c"),
            ("app/**", "app"),
            ("app/**", "app/x/y"),
            ("app/**/", "app"),
            ("*/**", "x"),
            ("**/x", "x"),
            ("**/x", "a/b/x"),
            ("app/*", "app/x"),
            ("a?c", "abc"),
            ("a[bc]d", "abd"),
            ("a[!b]d", "acd"),
            ("a[^b]d", "acd"),
            ("{app,lib}/**/*.json", "lib/q/r.json"),
            ("app/{a,{b,c}}.json", "app/c.json"),
            ("x\\*y", "x*y"),
            ("{**,x}", "app/x"),
            ("a/**/b/**/c", "a/q/b/r/c"),
            ("{,app/}x", "x"),
        ];
        let no = [
            ("**/*", ""),
            ("**/**", ""),
            ("***", ""),
            ("**/", "x"),
            ("*.json", "app/a.json"),
            ("a?c", "a/c"),
            ("x\\*y", "xzy"),
            ("app/*", "app/x/y"),
            ("a[bc]d", "aed"),
        ];
        for (p, n) in yes {
            assert!(matches(p, n), "{p:?} should match {n:?}");
        }
        for (p, n) in no {
            assert!(!matches(p, n), "{p:?} should not match {n:?}");
        }
    }

    #[test]
    fn validity() {
        for p in ["a", "**/{a,b}", "[a-]", "x\\*", "{}", "{a,}"] {
            assert!(is_valid(p), "{p}");
        }
        for p in ["[]a]", "[abc", "{a,b", "a}", "x\\", "[", "[!]"] {
            assert!(!is_valid(p), "{p}");
        }
    }

    #[test]
    fn hostile_patterns_end() {
        let p = "{a,b}".repeat(40) + "c";
        let n = "a".repeat(40);
        assert!(!matches(&p, &n));
        let stars = "*a".repeat(200);
        assert!(!matches(&stars, &"a".repeat(100)));
    }
}
