//! Package URLs as Trivy's ignore files compare them: parsed and normalized the way
//! `packageurl-go` v0.1.6 (the version Trivy 0.76 pins) does, and matched by Trivy's rule.
//!
//! Why not the `packageurl` crate: its normalization follows the current purl specification,
//! which differs from what Trivy compares in ways that change which findings a rule ignores
//! (it keeps `apk` names' case, which packageurl-go lower-cases; it refuses a `composer` purl
//! without a namespace, which packageurl-go reads). An ignore rule must mean what it means in
//! Trivy, so the few rules that matter are written out here.

use std::collections::BTreeMap;

/// A parsed, normalized package URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    pub ty: String,
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub qualifiers: BTreeMap<String, String>,
    pub subpath: String,
}

impl Purl {
    /// Parses `s` as packageurl-go's `FromString` does; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Purl, String> {
        if s.len() < 4 || !s.as_bytes()[..4].eq_ignore_ascii_case(b"pkg:") {
            return Err("it does not start with `pkg:`".into());
        }
        let mut rest = s[4..].trim_start_matches('/');
        let mut subpath = "";
        if let Some(i) = rest.find('#') {
            subpath = &rest[i + 1..];
            rest = &rest[..i];
        }
        let mut query = "";
        if let Some(i) = rest.find('?') {
            query = &rest[i + 1..];
            rest = &rest[..i];
        }
        let (ty, rest) = rest.split_once('/').ok_or("it has no type or no name")?;
        let ty = ty.to_ascii_lowercase();
        if !valid_type(&ty) {
            return Err(format!("`{ty}` is not a valid type"));
        }
        let qualifiers = qualifiers(query)?;
        if ty != "npm" && rest.starts_with('@') {
            return Err("it has no name".into());
        }
        let (mut rest, mut version) = (rest, String::new());
        if let Some(at) = rest.rfind('@').filter(|at| *at > 0) {
            version = decode(&rest[at + 1..])?;
            rest = &rest[..at];
        }
        let (ns, name) = match rest.rfind('/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => ("", rest),
        };
        let name = decode(name)?;
        if name.is_empty() {
            return Err("it has no name".into());
        }
        let namespace = ns
            .split('/')
            .filter(|seg| !seg.is_empty())
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?
            .join("/");
        let namespace = namespace.trim_matches('/');
        let lower_ns = matches!(
            ty.as_str(),
            "alpm"
                | "apk"
                | "bitbucket"
                | "composer"
                | "deb"
                | "github"
                | "golang"
                | "rpm"
                | "qpkg"
        );
        let name = match ty.as_str() {
            "alpm" | "apk" | "bitbucket" | "bitnami" | "chrome-extension" | "composer" | "deb"
            | "github" | "golang" => name.to_lowercase(),
            "pypi" => name.replace('_', "-").to_lowercase(),
            _ => name,
        };
        let version = if ty == "huggingface" {
            version.to_lowercase()
        } else {
            version
        };
        Ok(Purl {
            namespace: if lower_ns {
                namespace.to_lowercase()
            } else {
                namespace.to_string()
            },
            ty,
            name,
            version,
            qualifiers,
            subpath: subpath.trim_matches('/').to_string(),
        })
    }

    /// Whether a rule's purl (`self`) covers `target`: same type, namespace and name; the same
    /// version and subpath where the rule gives one; and every qualifier the rule gives.
    pub fn covers(&self, target: &Purl) -> bool {
        self.ty == target.ty
            && self.namespace == target.namespace
            && self.name == target.name
            && (self.version.is_empty() || self.version == target.version)
            && (self.subpath.is_empty() || self.subpath == target.subpath)
            && self
                .qualifiers
                .iter()
                .all(|(k, v)| target.qualifiers.get(k) == Some(v))
    }
}

fn valid_type(ty: &str) -> bool {
    let b = ty.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || matches!(b[0], b'.' | b'-' | b'+'))
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+'))
}

fn qualifiers(query: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if pair.contains(';') {
            return Err("a qualifier holds `;`".into());
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = key.to_ascii_lowercase();
        let b = key.as_bytes();
        let valid = !b.is_empty()
            && (b[0].is_ascii_alphabetic() || matches!(b[0], b'.' | b'-' | b'_'))
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'));
        if !valid {
            return Err(format!("`{key}` is not a valid qualifier key"));
        }
        let value = decode(value)?;
        // An empty value is the same as no qualifier.
        if value.is_empty() {
            continue;
        }
        if out.insert(key.clone(), value).is_some() {
            return Err(format!("the qualifier `{key}` is given twice"));
        }
    }
    Ok(out)
}

/// Percent-decoding as Go's `url.PathUnescape`: `+` stays `+`, a bad escape is an error.
fn decode(s: &str) -> Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            match (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            ) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(format!("`{s}` has a bad %-escape")),
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Purl {
        Purl::parse(s).unwrap()
    }

    #[test]
    fn normalizes_as_packageurl_go() {
        let a = p("PKG://deb/Debian/OpenSSL@3.0.1?Arch=amd64&distro=&x=%41#/sub/");
        assert_eq!(
            (
                a.ty.as_str(),
                a.namespace.as_str(),
                a.name.as_str(),
                a.version.as_str()
            ),
            ("deb", "debian", "openssl", "3.0.1")
        );
        assert_eq!(a.qualifiers.get("arch").map(String::as_str), Some("amd64"));
        assert!(!a.qualifiers.contains_key("distro"), "empty values drop");
        assert_eq!(a.qualifiers.get("x").map(String::as_str), Some("A"));
        assert_eq!(a.subpath, "sub");
        assert_eq!(p("pkg:pypi/Typing_Extensions@4").name, "typing-extensions");
        assert_eq!(p("pkg:npm/%40angular/Core@1").namespace, "@angular");
        assert_eq!(
            p("pkg:npm/%40angular/Core@1").name,
            "Core",
            "npm keeps case"
        );
        assert_eq!(p("pkg:npm/@babel/core@7").namespace, "@babel");
        for bad in [
            "npm/x@1",
            "pkg:npm",
            "pkg:1x/y",
            "pkg:deb/@x",
            "pkg:npm/a%zz",
            "pkg:a/b?k=1&k=2",
        ] {
            assert!(Purl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_cover_by_trivys_rule() {
        let target = p("pkg:npm/lodash@4.17.4?arch=x&os=y");
        assert!(p("pkg:npm/lodash").covers(&target));
        assert!(p("pkg:npm/lodash@4.17.4?os=y").covers(&target));
        assert!(!p("pkg:npm/lodash@4.17.5").covers(&target));
        assert!(!p("pkg:npm/lodash?os=z").covers(&target));
        assert!(!p("pkg:npm/Lodash").covers(&target));
    }
}
