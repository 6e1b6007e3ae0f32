//! Maven's order: `org.apache.maven.artifact.versioning.ComparableVersion` of Maven 3.9 (and
//! 3.8.7, which has the same rules).
//!
//! A version is a tree of items: numbers and qualifiers separated by `.` stay in one list; a `-`,
//! and a change between digits and letters, open a sub-list; a qualifier after `.` opens one too
//! (MNG-7644: `1.0.RC1` is `1.0-RC1`). Trailing "null" items (0, an empty list, the release
//! qualifiers `ga`, `final`, `release`, empty) are dropped from each list. Then item by item,
//! a missing item comparing as null: numbers by value; known qualifiers `alpha` (`a1`) < `beta`
//! (`b1`) < `milestone` (`m1`) < `rc` (`cr`) < `snapshot` < release < `sp`, then unknown ones by
//! text, all below numbers; a sub-list above a qualifier and below a number. Case is ignored.
//!
//! Hand-written, a port of Maven's rules: the `mvn_version` crate (2021) predates MNG-7644 and
//! disagreed with Maven 3.8.7 on 156 of 4,268 pairs of the differential test (`1.0-1` vs
//! `1.0.a`: crate less, Maven greater), and it brings `num-bigint`; `maven-version-rs` (2017) is
//! older still. Numbers here are digit strings, compared by length then digits, which is what
//! Maven's int/long/BigInteger items amount to. Maven also reads non-ASCII digits and letters
//! (Java's `Character.isDigit`); a non-ASCII version is not read here.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// Digits without leading zeros (`""` is 0).
    Number(String),
    /// A qualifier after aliasing (`cr` → `rc`, `ga` → ``).
    Qualifier(String),
    /// A sub-list: indices into the version's item arena.
    List(Vec<usize>),
}

/// A parsed version: an arena of items, the root list at index 0.
struct Version {
    items: Vec<Item>,
}

/// Maven's known qualifiers in order; the empty one is the release.
const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE: usize = 5;

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(list_cmp(&a, 0, Some((&b, 0))))
}

/// The first two numbers of the top list, when it starts with a number.
pub(super) fn branch(v: &str) -> Option<Vec<u64>> {
    let v = parse(v)?;
    let Item::List(root) = &v.items[0] else {
        return None;
    };
    let mut numbers = root.iter().map_while(|&i| match &v.items[i] {
        Item::Number(n) if n.is_empty() => Some(Some(0)),
        Item::Number(n) => Some(n.parse::<u64>().ok()),
        _ => None,
    });
    let first = numbers.next()??;
    Some(vec![first, numbers.next().flatten().unwrap_or(0)])
}

/// `ComparableVersion.parseVersion`, step for step; `None` for the empty string, surrounding
/// whitespace and non-ASCII text.
fn parse(version: &str) -> Option<Version> {
    if version.is_empty() || version.trim() != version || !version.is_ascii() {
        return None;
    }
    let s = version.to_ascii_lowercase();
    let mut v = Version {
        items: vec![Item::List(Vec::new())],
    };
    let mut stack = vec![0usize];
    let mut list = 0usize;
    let mut is_digit = false;
    let mut start = 0usize;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'.' | b'-' => {
                let item = if i == start {
                    Item::Number(String::new())
                } else {
                    item(is_digit, &s[start..i])
                };
                v.add(list, item);
                start = i + 1;
                if c == b'-' {
                    list = v.sublist(list, &mut stack);
                }
            }
            b'0'..=b'9' => {
                if !is_digit && i > start {
                    // A qualifier after `.` is treated as after `-` (MNG-7644).
                    if !v.is_empty(list) {
                        list = v.sublist(list, &mut stack);
                    }
                    v.add(list, qualifier(&s[start..i], true));
                    start = i;
                    list = v.sublist(list, &mut stack);
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    v.add(list, item(true, &s[start..i]));
                    start = i;
                    list = v.sublist(list, &mut stack);
                }
                is_digit = false;
            }
        }
    }
    if s.len() > start {
        if !is_digit && !v.is_empty(list) {
            list = v.sublist(list, &mut stack);
        }
        v.add(list, item(is_digit, &s[start..]));
    }
    while let Some(l) = stack.pop() {
        v.normalize(l);
    }
    Some(v)
}

impl Version {
    fn add(&mut self, list: usize, item: Item) {
        self.items.push(item);
        let i = self.items.len() - 1;
        if let Item::List(children) = &mut self.items[list] {
            children.push(i);
        }
    }

    /// Adds an empty list to `list` and makes it the current one.
    fn sublist(&mut self, list: usize, stack: &mut Vec<usize>) -> usize {
        self.add(list, Item::List(Vec::new()));
        let i = self.items.len() - 1;
        stack.push(i);
        i
    }

    fn is_empty(&self, list: usize) -> bool {
        matches!(&self.items[list], Item::List(c) if c.is_empty())
    }

    fn is_null(&self, i: usize) -> bool {
        match &self.items[i] {
            Item::Number(n) => n.is_empty(),
            Item::Qualifier(q) => q.is_empty(),
            Item::List(c) => c.is_empty(),
        }
    }

    /// `ListItem.normalize`: drops null items from the end, stepping over non-null lists.
    fn normalize(&mut self, list: usize) {
        let Item::List(children) = &self.items[list] else {
            return;
        };
        let mut children = children.clone();
        for k in (0..children.len()).rev() {
            let i = children[k];
            if self.is_null(i) {
                children.remove(k);
            } else if !matches!(self.items[i], Item::List(_)) {
                break;
            }
        }
        self.items[list] = Item::List(children);
    }
}

/// `parseItem`: a number without leading zeros, or a qualifier.
fn item(is_digit: bool, s: &str) -> Item {
    if is_digit {
        Item::Number(s.trim_start_matches('0').to_string())
    } else {
        qualifier(s, false)
    }
}

/// `StringItem`: `a1`, `b1`, `m1` are alpha, beta, milestone; then the aliases.
fn qualifier(s: &str, followed_by_digit: bool) -> Item {
    let s = match (followed_by_digit, s) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "ga" | "final" | "release") => "",
        (_, "cr") => "rc",
        (_, s) => s,
    };
    Item::Qualifier(s.to_string())
}

/// `comparableQualifier`'s order: known qualifiers by rank, then unknown ones by text. (Maven
/// compares the strings `"0"`..`"6"` and `"7-" + text`, which gives this order.)
fn qualifier_key(q: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(rank) => (rank, ""),
        None => (QUALIFIERS.len(), q),
    }
}

fn number_cmp(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `Item.compareTo` of item `i` of `a` against item `j` of `b`, or against null.
fn item_cmp(a: &Version, i: usize, other: Option<(&Version, usize)>) -> Ordering {
    use Ordering::*;
    match &a.items[i] {
        Item::Number(n) => match other.map(|(b, j)| &b.items[j]) {
            None => (!n.is_empty()).cmp(&false),
            Some(Item::Number(m)) => number_cmp(n, m),
            Some(Item::Qualifier(_) | Item::List(_)) => Greater,
        },
        Item::Qualifier(q) => match other.map(|(b, j)| &b.items[j]) {
            None => qualifier_key(q).cmp(&(RELEASE, "")),
            Some(Item::Number(_) | Item::List(_)) => Less,
            Some(Item::Qualifier(r)) => qualifier_key(q).cmp(&qualifier_key(r)),
        },
        Item::List(_) => list_cmp(a, i, other),
    }
}

/// `ListItem.compareTo`.
fn list_cmp(a: &Version, i: usize, other: Option<(&Version, usize)>) -> Ordering {
    use Ordering::*;
    let Item::List(left) = &a.items[i] else {
        return item_cmp(a, i, other);
    };
    let Some((b, j)) = other else {
        // Against null: the first item that differs from null decides.
        return left
            .iter()
            .map(|&k| item_cmp(a, k, None))
            .find(|o| o.is_ne())
            .unwrap_or(Equal);
    };
    match &b.items[j] {
        Item::Number(_) => Less,
        Item::Qualifier(_) => Greater,
        Item::List(right) => {
            let n = left.len().max(right.len());
            (0..n)
                .map(|k| match (left.get(k), right.get(k)) {
                    (Some(&l), Some(&r)) => item_cmp(a, l, Some((b, r))),
                    (Some(&l), None) => item_cmp(a, l, None),
                    (None, Some(&r)) => item_cmp(b, r, None).reverse(),
                    (None, None) => Equal,
                })
                .find(|o| o.is_ne())
                .unwrap_or(Equal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    // The orders of Maven's ComparableVersionTest (VERSIONS_QUALIFIER, VERSIONS_NUMBER) and
    // its documented examples.
    #[test]
    fn orders_as_maven_documents() {
        let qualifiers = [
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ];
        let numbers = [
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
            "11", "11.a", "11b", "11c", "11m",
        ];
        for chain in [&qualifiers[..], &numbers[..]] {
            for (k, a) in chain.iter().enumerate() {
                for b in &chain[k + 1..] {
                    assert_eq!(compare(a, b), Some(Less), "{a} < {b}");
                    assert_eq!(compare(b, a), Some(Greater), "{b} > {a}");
                }
            }
        }
        for (a, b) in [
            ("1", "1.0.0"),
            ("1-ga", "1.0.final"),
            ("1.0-RC1", "1.0.0.CR1"),
            ("1a1", "1-alpha-1"),
            ("1.0.a", "1.0-a"),
            ("1.0.0.RELEASE", "1"),
            ("1.0-0", "1"),
            ("1.0-0.0", "1"),
        ] {
            assert_eq!(compare(a, b), Some(Equal), "{a} == {b}");
        }
        // MNG-7644: `.X1` < `-X2` < `.1` for any qualifier X.
        assert_eq!(compare("1.0.RC2", "1.0-RC3"), Some(Less));
        assert_eq!(compare("1.0-RC3", "1.0.1"), Some(Less));
        assert_eq!(compare("2.9.10.4", "2.9.10"), Some(Greater));
        assert_eq!(compare("5.3.15", "5.3.18"), Some(Less));
        assert_eq!(
            compare("1.0.12345678901234567890", "1.0.1234567890"),
            Some(Greater)
        );
    }

    #[test]
    fn reads_any_ascii_text() {
        assert_eq!(compare("", "1"), None);
        assert_eq!(compare(" 1", "1"), None);
        assert_eq!(compare("1.０", "1"), None);
        assert_eq!(compare("..--", "x"), Some(Less));
        assert_eq!(branch("2.9.10.4"), Some(vec![2, 9]));
        assert_eq!(branch("2-SNAPSHOT"), Some(vec![2, 0]));
        assert_eq!(branch("RELEASE"), None);
    }
}
