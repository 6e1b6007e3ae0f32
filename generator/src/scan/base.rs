//! Which layers of a built image are its base image's: the final stage's `FROM`, and the layer
//! list the engine holds for it (`docker image inspect`). Findings in those layers are fixed by a
//! newer base image, the others in the Dockerfile.

use crate::process::{Cmd, Runner};
use std::collections::HashMap;

/// The image the final stage of `dockerfile` is built `FROM`, following stage names and `ARG`
/// defaults (overridden by `build_args`, `KEY=VALUE`); `None` for `FROM scratch` or when it
/// cannot be told (a variable without a value).
pub fn final_base(dockerfile: &str, build_args: &[String]) -> Option<String> {
    let mut args: HashMap<String, String> = HashMap::new();
    let overrides: HashMap<&str, &str> = build_args
        .iter()
        .filter_map(|a| a.split_once('='))
        .collect();
    // Stage name → the image it is FROM, in order; the last is the final stage.
    let mut stages: Vec<(Option<String>, String)> = Vec::new();
    for line in instructions(dockerfile) {
        let mut words = line.split_whitespace();
        let Some(op) = words.next() else { continue };
        if op.eq_ignore_ascii_case("ARG") && stages.is_empty() {
            // Only ARGs before the first FROM reach a FROM line.
            for decl in words {
                let (k, v) = decl.split_once('=').unwrap_or((decl, ""));
                let v = overrides.get(k).copied().unwrap_or(v);
                args.insert(k.to_string(), v.trim_matches('"').to_string());
            }
        } else if op.eq_ignore_ascii_case("FROM") {
            let rest: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
            let image = substitute(rest.first()?, &args)?;
            let name = match rest.as_slice() {
                [_, as_, name] if as_.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
                _ => None,
            };
            stages.push((name, image));
        }
    }
    let mut image = stages.last()?.1.clone();
    // A stage built FROM an earlier stage has that stage's base.
    for _ in 0..stages.len() {
        match stages
            .iter()
            .find(|(n, _)| n.as_deref() == Some(&image.to_ascii_lowercase()))
        {
            Some((_, from)) => image = from.clone(),
            None => break,
        }
    }
    (!image.eq_ignore_ascii_case("scratch")).then_some(image)
}

/// The instructions of a Dockerfile, continuation lines joined and comments dropped.
fn instructions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') && current.is_empty() {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(t);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `${NAME}` and `$NAME` replaced from `args`; `None` when one has no value.
fn substitute(word: &str, args: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, next) = match after.strip_prefix('{') {
            Some(inner) => {
                let end = inner.find('}')?;
                (&inner[..end], &inner[end + 1..])
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        let value = args.get(name).filter(|v| !v.is_empty())?;
        out.push_str(value);
        rest = next;
    }
    out.push_str(rest);
    Some(out)
}

/// `docker image inspect` of `image`: its layers' DiffIDs, oldest first.
pub fn inspect_cmd(docker: &std::ffi::OsStr, image: &str) -> Cmd {
    Cmd::new(docker).args([
        "image",
        "inspect",
        "--format",
        "{{json .RootFS.Layers}}",
        "--",
        image,
    ])
}

/// The base image's DiffIDs, or why they are not known (one line, for a notice).
pub fn base_layers(
    runner: &dyn Runner,
    docker: &std::ffi::OsStr,
    image: &str,
) -> Result<Vec<String>, String> {
    let out = runner
        .run(&inspect_cmd(docker, image), None)
        .map_err(|e| e.to_string())?;
    if !out.success() {
        let why = out.stderr_text();
        let why = why
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        return Err(format!(
            "docker image inspect {image} failed: {}",
            why.trim()
        ));
    }
    serde_json::from_slice::<Vec<String>>(out.stdout.trim_ascii())
        .map_err(|e| format!("docker image inspect {image} gave no layer list ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_stages_base() {
        assert_eq!(
            final_base("FROM debian:12\nRUN x\n", &[]).as_deref(),
            Some("debian:12")
        );
        assert_eq!(final_base("FROM scratch\nCOPY a /\n", &[]), None);
        let multi = "FROM golang:1.22 AS build\nRUN make\nFROM --platform=linux/amd64 gcr.io/distroless/static AS run\nCOPY --from=build /app /app\n";
        assert_eq!(
            final_base(multi, &[]).as_deref(),
            Some("gcr.io/distroless/static")
        );
        let chained =
            "FROM local/debian:bookworm AS base\nRUN apt-get update\nfrom base as final\n";
        assert_eq!(
            final_base(chained, &[]).as_deref(),
            Some("local/debian:bookworm")
        );
        let args = "# comment\nARG BASE=debian\nARG TAG=\"12\"\nFROM ${BASE}:$TAG \\\n  AS app\n";
        assert_eq!(final_base(args, &[]).as_deref(), Some("debian:12"));
        assert_eq!(
            final_base(args, &["TAG=13".into()]).as_deref(),
            Some("debian:13")
        );
        assert_eq!(final_base("ARG BASE\nFROM $BASE\n", &[]), None);
        assert_eq!(final_base("", &[]), None);
    }
}
