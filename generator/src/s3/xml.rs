//! The little XML S3 and STS answer with: flat error bodies, `ListObjectsV2` pages and
//! `AssumeRoleWithWebIdentity` results. Elements are found by name, text is unescaped; nothing
//! else of XML (attributes, namespaces, CDATA) occurs in these answers, so no XML crate is needed.

/// The unescaped text of the first `<name>` element.
pub fn field(xml: &str, name: &str) -> Option<String> {
    elements(xml, name).next().map(unescape)
}

/// The raw contents of every `<name>…</name>` element, in order.
pub fn elements<'a>(xml: &'a str, name: &str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut rest = xml;
    std::iter::from_fn(move || {
        let start = rest.find(&open)? + open.len();
        let end = rest[start..].find(&close)? + start;
        let inner = &rest[start..end];
        rest = &rest[end + close.len()..];
        Some(inner)
    })
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references; anything else is kept.
pub fn unescape(s: &str) -> String {
    let s = s.trim();
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_elements_and_entities() {
        assert_eq!(
            field("<Error><Code>NoSuchBucket</Code></Error>", "Code").as_deref(),
            Some("NoSuchBucket")
        );
        let xml = "<R><Contents><Key>a&amp;b</Key></Contents><Contents><Key>c&#x2F;&#100;</Key></Contents></R>";
        let keys: Vec<String> = elements(xml, "Contents")
            .filter_map(|c| field(c, "Key"))
            .collect();
        assert_eq!(keys, ["a&b", "c/d"]);
        assert_eq!(unescape("&lt;x&gt; &bogus; &"), "<x> &bogus; &");
    }
}
