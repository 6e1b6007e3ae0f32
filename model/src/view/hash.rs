//! A [`Query`] as the URL hash holds it (`#q=openssl&severity=CRITICAL,HIGH&group=package`), so
//! a view can be bookmarked and shared; anything unreadable falls back to the default.

use super::filter::*;
use crate::report::*;

fn encode_component(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'@'
            | b':'
            | b'/' => out.push(b as char),
            b' ' => out.push_str("%20"),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn push_param(out: &mut String, key: &str, values: &[&str]) {
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    for (n, v) in values.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        encode_component(v, out);
    }
}

/// The hash for `q` without the leading `#`; only what differs from the default is written.
pub fn to_hash(q: &Query) -> String {
    let mut out = String::new();
    if !q.q.is_empty() {
        push_param(&mut out, "q", &[&q.q]);
    }
    let list = |out: &mut String, key: &str, v: Vec<&str>| {
        if !v.is_empty() {
            push_param(out, key, &v);
        }
    };
    list(
        &mut out,
        "severity",
        q.severities.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "kind",
        q.kinds.iter().map(|k| k.as_str()).collect(),
    );
    if q.fix != Fix::Any {
        push_param(&mut out, "fix", &[q.fix.as_str()]);
    }
    list(
        &mut out,
        "status",
        q.statuses.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "class",
        q.classes.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "type",
        q.pkg_types.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "target",
        q.targets.iter().map(|s| s.as_str()).collect(),
    );
    if q.show != Show::Counted {
        push_param(&mut out, "show", &[q.show.as_str()]);
    }
    if q.group != GroupBy::Severity {
        push_param(&mut out, "group", &[q.group.as_str()]);
    }
    if q.kev {
        push_param(&mut out, "kev", &["1"]);
    }
    if q.sort != SortBy::Severity {
        push_param(&mut out, "sort", &[q.sort.as_str()]);
    }
    if q.reverse {
        push_param(&mut out, "reverse", &["1"]);
    }
    if q.unmerged {
        push_param(&mut out, "merge", &["0"]);
    }
    if let Some(f) = &q.finding {
        push_param(&mut out, "finding", &[f]);
    }
    out
}

/// Reads a hash (with or without the leading `#`). Unknown keys and values are ignored, so an
/// old or hand-edited link still opens.
pub fn from_hash(hash: &str) -> Query {
    let mut q = Query::default();
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    for pair in hash.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let values = || {
            raw.split(',')
                .map(decode_component)
                .filter(|v| !v.is_empty())
        };
        match key {
            "q" => q.q = decode_component(raw),
            "severity" => {
                q.severities = values().filter_map(|v| Severity::from_name(&v)).collect();
                super::sort::sort(&mut q.severities);
                q.severities.dedup();
            }
            "kind" => {
                q.kinds = values().filter_map(|v| Kind::from_name(&v)).collect();
                super::sort::sort(&mut q.kinds);
                q.kinds.dedup();
            }
            "fix" => q.fix = Fix::from_name(&decode_component(raw)).unwrap_or_default(),
            "status" => q.statuses = values().collect(),
            "class" => q.classes = values().collect(),
            "type" => q.pkg_types = values().collect(),
            "target" => q.targets = values().collect(),
            "show" => q.show = Show::from_name(&decode_component(raw)).unwrap_or_default(),
            "group" => q.group = GroupBy::from_name(&decode_component(raw)).unwrap_or_default(),
            "sort" => q.sort = SortBy::from_name(&decode_component(raw)).unwrap_or_default(),
            "reverse" => q.reverse = raw == "1",
            "kev" => q.kev = raw == "1",
            "merge" => q.unmerged = raw == "0",
            "finding" => {
                let f = decode_component(raw);
                q.finding = (!f.is_empty()).then_some(f);
            }
            _ => {}
        }
    }
    q
}
