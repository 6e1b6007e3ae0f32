//! Image references (`registry:5000/team/app:1.2@sha256:…`): the one parser, strict by Docker's
//! grammar, which `scan`'s commit tags, the dashboard and SARIF categories share.
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ domain "/" ] component ( "/" component )*     (at most 255 characters)
//! domain     := host [ ":" port ]           (first part, only if it has a "." or ":" or is "localhost")
//! host       := label ( "." label )*        label := [a-z0-9] ( [a-z0-9-]* [a-z0-9] )?
//! port       := [0-9]{1,5}
//! component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}              (defaults to "latest")
//! digest     := algorithm ":" hex           algorithm := [a-z0-9]+ ( [+._-] [a-z0-9]+ )*
//!                                           hex := [a-fA-F0-9]{32,}  (sha256: exactly 64)
//! ```

use std::fmt;

/// Docker's limit on the whole name (domain and path).
pub const NAME_MAX: usize = 255;
/// Docker's limit on a tag.
pub const TAG_MAX: usize = 128;

/// A valid image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// `registry.example.com:5000/team/app` (no tag, no digest).
    pub name: String,
    /// The tag, `latest` when none was given (and no digest was).
    pub tag: Option<String>,
    /// `sha256:…` when given.
    pub digest: Option<String>,
}

impl ImageRef {
    /// The last path component of the name: `app` for `registry:5000/team/app`.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    /// `name:tag`, `name@digest` or `name:tag@digest`, with the default tag filled in.
    pub fn reference(&self) -> String {
        let mut s = self.name.clone();
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }

    /// The output folder name: `<short name>-<tag>`, or `<short name>-<algo>-<first 12 hex>`
    /// for a digest without a tag. Only `[a-z0-9._-]` and the tag's characters: safe as a path.
    pub fn dir_name(&self) -> String {
        match (&self.tag, &self.digest) {
            (Some(t), _) => format!("{}-{t}", self.short_name()),
            (None, Some(d)) => {
                let (algo, hex) = d.split_once(':').unwrap_or(("digest", d));
                format!(
                    "{}-{}-{}",
                    self.short_name(),
                    algo.replace('+', "-"),
                    &hex[..hex.len().min(12)]
                )
            }
            (None, None) => format!("{}-latest", self.short_name()),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reference())
    }
}

/// Parses one reference (the text after `::`). The error is the reason, for [`TagError`].
pub fn parse_reference(s: &str) -> Result<ImageRef, String> {
    if s.is_empty() {
        return Err("no image name after `::`".into());
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "non-ASCII character {c:?} (U+{:04X}); image names are plain ASCII",
            c as u32
        ));
    }
    if let Some(c) = s.chars().find(|c| c.is_ascii_control()) {
        return Err(format!("control character {c:?}"));
    }
    if s.starts_with('-') {
        return Err("an image name cannot start with `-`".into());
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(parse_digest(d)?)),
        None => (s, None),
    };
    // A `:` after the last `/` separates the tag; one before it belongs to a registry port.
    let last_slash = rest.rfind('/').map_or(0, |n| n + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(n) => (&rest[..last_slash + n], Some(&rest[last_slash + n + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        check_tag(t)?;
    }
    check_name(name)?;
    let tag = match (tag, &digest) {
        (Some(t), _) => Some(t.to_string()),
        (None, Some(_)) => None,
        (None, None) => Some("latest".to_string()),
    };
    Ok(ImageRef {
        name: name.to_string(),
        tag,
        digest,
    })
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty image name".into());
    }
    if name.len() > NAME_MAX {
        return Err(format!(
            "the name is {} characters long; Docker allows at most {NAME_MAX}",
            name.len()
        ));
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            check_domain(first)?;
            parts.remove(0);
        }
    }
    for p in parts {
        check_component(p)?;
    }
    Ok(())
}

fn check_domain(d: &str) -> Result<(), String> {
    let (host, port) = match d.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (d, None),
    };
    if let Some(p) = port {
        if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("registry port `{p}` is not a number"));
        }
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.is_empty() || !host.split('.').all(label_ok) {
        return Err(format!(
            "registry `{host}` is not a lowercase host name (letters, digits, `-` and `.`)"
        ));
    }
    Ok(())
}

fn check_component(c: &str) -> Result<(), String> {
    let why = |what: &str| Err(format!("name component `{c}` {what}"));
    if c.is_empty() {
        return why("is empty (`//` or a trailing `/`)");
    }
    if c.bytes().any(|b| b.is_ascii_uppercase()) {
        return why("has uppercase letters; Docker names are lowercase");
    }
    if let Some(b) = c
        .bytes()
        .find(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b)))
    {
        return why(&format!("holds `{}`, which is not allowed", b as char));
    }
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = c.as_bytes();
    if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return why("must start and end with a letter or digit");
    }
    // Separators between alphanumeric runs: ".", "_", "__" or one or more "-".
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return why(&format!(
                "has the separator `{sep}`; use `.`, `_`, `__` or `-`"
            ));
        }
    }
    Ok(())
}

fn check_tag(t: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if t.is_empty() {
        return Err("empty tag after `:`".into());
    }
    if t.len() > TAG_MAX {
        return Err(format!(
            "the tag is {} characters long; Docker allows at most {TAG_MAX}",
            t.len()
        ));
    }
    let b = t.as_bytes();
    if !word(b[0]) {
        return Err(format!("tag `{t}` must start with a letter, digit or `_`"));
    }
    if let Some(x) = b.iter().find(|&&x| !(word(x) || x == b'.' || x == b'-')) {
        return Err(format!(
            "tag `{t}` holds `{}`, which is not allowed",
            *x as char
        ));
    }
    Ok(())
}

fn parse_digest(d: &str) -> Result<String, String> {
    let Some((algo, hex)) = d.split_once(':') else {
        return Err(format!(
            "digest `{d}` must look like `sha256:<64 hex digits>`"
        ));
    };
    let algo_ok = !algo.is_empty()
        && algo.split(['+', '.', '_', '-']).all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    let hex_ok = hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if !algo_ok || !hex_ok || (algo == "sha256" && hex.len() != 64) {
        return Err(format!(
            "digest `{d}` must look like `sha256:<64 hex digits>`"
        ));
    }
    Ok(d.to_string())
}

/// An artifact's repository: its name without tag or digest (`ghcr.io/org/app:1.2@sha256:…` →
/// `ghcr.io/org/app`; a registry port stays). Artifact names are not always references (a
/// filesystem scan is named by its path, a tarball by its file): those are cut the same way,
/// at a tag after the last `/` and at a digest.
pub fn repository(name: &str) -> &str {
    if let Ok(r) = parse_reference(name) {
        return &name[..r.name.len()];
    }
    let no_digest = name.split('@').next().unwrap_or(name);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].find(':') {
        Some(i) => &no_digest[..last_slash + i],
        None => no_digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("ghcr.io/a/b:1.0"), "ghcr.io/a/b");
        assert_eq!(repository("localhost:5000/b"), "localhost:5000/b");
        assert_eq!(repository("localhost:5000/b:2"), "localhost:5000/b");
        assert_eq!(repository("b@sha256:abc"), "b");
        assert_eq!(repository("docker/app"), "docker/app");
        assert_eq!(repository("mysql:8.0@sha256:x"), "mysql");
        assert_eq!(
            repository("testdata/fixtures/images/alpine-310.tar.gz"),
            "testdata/fixtures/images/alpine-310.tar.gz"
        );
        assert_eq!(repository("."), ".");
    }
}
