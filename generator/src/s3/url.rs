//! `s3://bucket/prefix`: the destination `publish` is given, checked before anything is read or
//! sent.
//!
//! S3 itself takes any key, so `s3://b/../../x` would silently create objects named `..`, and a
//! browser or the AWS console would later show them somewhere else than the user meant. A
//! prefix is therefore plain segments only; anything else is refused with the fix.

use super::S3Error;

/// `s3://bucket/prefix`, with the prefix's trailing slash trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    pub fn parse(s: &str) -> Result<S3Url, S3Error> {
        // Messages quote the URL escaped: it may hold the very control characters refused here,
        // and the error must stay one printable line.
        let shown = || s.escape_debug().to_string();
        let rest = s
            .strip_prefix("s3://")
            .ok_or_else(|| S3Error::BadUrl(shown()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if let Err(why) = check_bucket(bucket) {
            return Err(S3Error::BadBucket {
                url: shown(),
                bucket: bucket.escape_debug().to_string(),
                why,
            });
        }
        // One trailing slash is how people write a folder; any other empty segment is a typo.
        let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
        if !prefix.is_empty() {
            for segment in prefix.split('/') {
                if let Err(why) = check_segment(segment) {
                    return Err(S3Error::BadPrefix { url: shown(), why });
                }
            }
        }
        Ok(S3Url {
            bucket: bucket.into(),
            prefix: prefix.into(),
        })
    }

    /// The key of `rel` under the prefix.
    pub fn key(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.into()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }
}

/// Whether `segment` may be one `/`-separated part of a key: the reason if not.
pub fn check_segment(segment: &str) -> Result<(), &'static str> {
    match segment {
        "" => Err("has an empty segment (`//`)"),
        "." | ".." => Err("has a `.` or `..` segment, which S3 keeps literally"),
        _ if segment.contains('\\') => Err("has a backslash, which S3 keeps as part of the name"),
        _ if segment.chars().any(char::is_control) => Err("has a control character"),
        _ => Ok(()),
    }
}

/// AWS's rules for general purpose bucket names. The reserved suffixes (`-s3alias`, `--ol-s3`)
/// are not refused: they mark access point aliases, which S3 accepts wherever a bucket name goes.
fn check_bucket(b: &str) -> Result<(), &'static str> {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(3..=63).contains(&b.len()) {
        Err("it must be 3 to 63 characters long")
    } else if !b
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
    {
        Err("it may hold only lowercase letters, digits, dots and hyphens")
    } else if !edge(b.chars().next()) || !edge(b.chars().last()) {
        Err("it must begin and end with a letter or digit")
    } else if b.contains("..") {
        Err("it must not hold two dots in a row")
    } else if b.split('.').count() == 4 && b.split('.').all(|p| p.parse::<u8>().is_ok()) {
        Err("it must not look like an IP address")
    } else if ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .any(|p| b.starts_with(p))
    {
        Err("it must not start with xn--, sthree- or amzn-s3-demo-, which AWS reserves")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_urls() {
        let u = S3Url::parse("s3://my-bucket/a/b/").unwrap();
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("my-bucket", "a/b"));
        assert_eq!(u.key("x/report.json"), "a/b/x/report.json");
        let u = S3Url::parse("s3://my-bucket").unwrap();
        assert_eq!(u.key("x"), "x");
        assert_eq!(S3Url::parse("s3://my.bucket/").unwrap().prefix, "");
        assert_eq!(
            S3Url::parse("s3://b-1/scans/app v1.2/").unwrap().prefix,
            "scans/app v1.2"
        );
        assert!(S3Url::parse("s3://ap-1234-s3alias/x").is_ok());
    }

    #[test]
    fn odd_prefixes_are_refused_with_the_fix() {
        for (url, why) in [
            ("s3://b-1/../../x", "`..`"),
            ("s3://b-1/a/./c", "`.`"),
            ("s3://b-1/.", "`.`"),
            ("s3://b-1/..", "`..`"),
            ("s3://b-1/a//c", "empty segment"),
            ("s3://b-1//a", "empty segment"),
            ("s3://b-1/a//", "empty segment"),
            ("s3://b-1/a\\b", "backslash"),
            ("s3://b-1/a\nb", "control character"),
            ("s3://b-1/a\u{1b}[2Jb", "control character"),
            ("s3://b-1/a\tb", "control character"),
            ("s3://b-1/a\u{85}b", "control character"),
        ] {
            let e = S3Url::parse(url).unwrap_err().to_string();
            assert!(e.contains(why), "{url:?}: {e}");
            assert!(e.contains("s3://bucket/scans/app"), "names the fix: {e}");
            assert!(
                !e.chars().any(char::is_control),
                "one printable line: {e:?}"
            );
        }
    }

    #[test]
    fn bucket_names_follow_aws_rules() {
        for bad in [
            "s3://Bad_Bucket/x",
            "s3://ab/x",
            "s3:///x",
            "s3://-bucket/x",
            "s3://bucket-/x",
            "s3://my..bucket/x",
            "s3://192.168.5.4/x",
            "s3://xn--bucket/x",
            "s3://sthree-bucket/x",
            &format!("s3://{}/x", "a".repeat(64)),
            "s3://bu\u{7}cket/x",
        ] {
            let e = S3Url::parse(bad).unwrap_err().to_string();
            assert!(e.contains("not a valid S3 bucket name"), "{bad:?}: {e}");
            assert!(!e.chars().any(char::is_control), "{e:?}");
        }
        assert!(S3Url::parse("https://b/x")
            .unwrap_err()
            .to_string()
            .contains("write it as s3://bucket/prefix"));
        assert!(S3Url::parse("s3://1.2.3.4.5/x").is_ok());
    }
}
