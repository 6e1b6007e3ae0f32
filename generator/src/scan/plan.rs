//! From image references to a plan: which image to build from which Dockerfile, and which to
//! scan straight from a registry.
//!
//! The last path component of a reference's name picks the folder `<docker-dir>/<name>/`; when
//! it holds a `Dockerfile`, the image is built from it with that folder as the context. When
//! there is no such folder, the image is scanned as it is (from the local engine or its
//! registry: the "import from ECR" case). A reference with a digest names an existing image and
//! is never built. A folder can never lie outside the docker dir: the component grammar forbids
//! `/`, `.` and `..`, and the canonical path is checked too (a symlink out is refused).

use scanlens_model::image::ImageRef;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `scan` will do; `--dry-run` prints it as JSON.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Plan {
    /// Where the commit message came from.
    pub source: String,
    pub images: Vec<PlannedImage>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlannedImage {
    /// `mysql:latest`.
    pub reference: String,
    /// `docker/mysql/Dockerfile`, or `null` for an image scanned from a registry.
    pub dockerfile: Option<String>,
    /// `docker/mysql`, or `null`.
    pub context: Option<String>,
    /// `--input`: the image archive scanned instead of a reference (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<PathBuf>,
    #[serde(skip)]
    pub image: ImageRef,
    #[serde(skip)]
    pub build: Option<Build>,
}

impl PlannedImage {
    /// The report folder's name: `<short name>-<tag>`, or for an archive its file name without
    /// `.tar` / `.tar.gz`, reduced to `[a-z0-9._-]` so that it is safe as a path.
    pub fn dir_name(&self) -> String {
        match &self.input {
            None => self.image.dir_name(),
            Some(path) => archive_dir_name(path),
        }
    }
}

fn archive_dir_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = [".tar.gz", ".tgz", ".tar", ".oci"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    let clean: String = stem
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '-',
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() {
        "input".to_string()
    } else {
        clean.to_string()
    }
}

/// The paths of a build, as they are passed to docker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub dockerfile: PathBuf,
    pub context: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("--docker-dir {0} does not exist; create it or point --docker-dir at the folder holding <name>/Dockerfile")]
    DockerDirMissing(String),
    #[error("{folder} exists but has no Dockerfile; add {folder}/Dockerfile to build {reference}, or remove the folder to scan {reference} from its registry")]
    MissingDockerfile { folder: String, reference: String },
    #[error("{folder} leads outside the docker dir {docker_dir} (a symlink?); keep image folders inside {docker_dir}")]
    Escapes { folder: String, docker_dir: String },
    #[error("--image `{text}` is not an image reference ({why}); write it as name[:tag][@digest], such as registry.example.com/team/app:1.2")]
    BadImage { text: String, why: String },
    #[error(
        "--input {0} is not a file; pass an image archive written by `docker save -o FILE IMAGE`"
    )]
    InputMissing(String),
    #[error("cannot read {path}: {source}; check its permissions")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Plans `refs`. `explicit_dir` says whether the user gave `--docker-dir` (then it must exist);
/// the default `docker` may be absent, and every image is scanned from its registry.
pub fn plan(
    source: &str,
    refs: &[ImageRef],
    docker_dir: &Path,
    explicit_dir: bool,
) -> Result<Plan, PlanError> {
    let dir_exists = docker_dir.is_dir();
    if explicit_dir && !dir_exists {
        return Err(PlanError::DockerDirMissing(
            docker_dir.display().to_string(),
        ));
    }
    let canonical_dir = if dir_exists {
        Some(docker_dir.canonicalize().map_err(|source| PlanError::Io {
            path: docker_dir.display().to_string(),
            source,
        })?)
    } else {
        None
    };
    let mut images = Vec::new();
    for r in refs {
        let build = match &canonical_dir {
            Some(canon) if r.digest.is_none() => find_build(r, docker_dir, canon)?,
            _ => None,
        };
        images.push(PlannedImage {
            reference: r.reference(),
            dockerfile: build.as_ref().map(|b| b.dockerfile.display().to_string()),
            context: build.as_ref().map(|b| b.context.display().to_string()),
            input: None,
            image: r.clone(),
            build,
        });
    }
    Ok(Plan {
        source: source.to_string(),
        images,
    })
}

/// The plan of `--image` and `--input`: each image scanned as it is, nothing built, no commit
/// message read (trivy-action's `image-ref` and `input`).
pub fn explicit(images: &[String], inputs: &[PathBuf]) -> Result<Plan, PlanError> {
    let mut planned = Vec::new();
    for text in images.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        // The tag grammar's check: nothing that trivy could read as an option or a path.
        let r =
            scanlens_model::image::parse_reference(text).map_err(|why| PlanError::BadImage {
                text: text.to_string(),
                why,
            })?;
        planned.push(PlannedImage {
            reference: r.reference(),
            dockerfile: None,
            context: None,
            input: None,
            image: r,
            build: None,
        });
    }
    for path in inputs {
        if !path.is_file() {
            return Err(PlanError::InputMissing(path.display().to_string()));
        }
        let name = path.display().to_string();
        planned.push(PlannedImage {
            reference: name.clone(),
            dockerfile: None,
            context: None,
            input: Some(path.clone()),
            image: ImageRef {
                name: archive_dir_name(path),
                tag: None,
                digest: None,
            },
            build: None,
        });
    }
    let source = match (images.is_empty(), inputs.is_empty()) {
        (false, true) => "--image",
        (true, false) => "--input",
        _ => "--image and --input",
    };
    Ok(Plan {
        source: source.to_string(),
        images: planned,
    })
}

fn find_build(
    r: &ImageRef,
    docker_dir: &Path,
    canon_dir: &Path,
) -> Result<Option<Build>, PlanError> {
    let name = r.short_name();
    // The tag grammar already guarantees this; checked again because it guards a path.
    if name.is_empty()
        || name.starts_with('.')
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(PlanError::Escapes {
            folder: name.to_string(),
            docker_dir: docker_dir.display().to_string(),
        });
    }
    let folder = docker_dir.join(name);
    let meta = match std::fs::symlink_metadata(&folder) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(PlanError::Io {
                path: folder.display().to_string(),
                source,
            })
        }
    };
    let canon = folder.canonicalize().map_err(|source| PlanError::Io {
        path: folder.display().to_string(),
        source,
    })?;
    if !canon.starts_with(canon_dir) || canon == canon_dir {
        return Err(PlanError::Escapes {
            folder: folder.display().to_string(),
            docker_dir: docker_dir.display().to_string(),
        });
    }
    if !meta.is_dir() && !canon.is_dir() {
        // A plain file named like the image is not an image folder.
        return Ok(None);
    }
    let dockerfile = folder.join("Dockerfile");
    match dockerfile.canonicalize() {
        Ok(c) if c.starts_with(canon_dir) && c.is_file() => Ok(Some(Build {
            dockerfile,
            context: folder,
        })),
        Ok(_) => Err(PlanError::Escapes {
            folder: dockerfile.display().to_string(),
            docker_dir: docker_dir.display().to_string(),
        }),
        Err(_) => Err(PlanError::MissingDockerfile {
            folder: folder.display().to_string(),
            reference: r.reference(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::tag::parse_message;

    fn setup() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let docker = d.path().join("docker");
        std::fs::create_dir_all(docker.join("mysql")).unwrap();
        std::fs::write(docker.join("mysql/Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::create_dir_all(docker.join("empty")).unwrap();
        d
    }

    #[test]
    fn folder_means_build_otherwise_registry() {
        let d = setup();
        let docker = d.path().join("docker");
        let refs = parse_message("::mysql:latest ::team/mysql:8 ::redis").unwrap();
        let p = plan("--message", &refs, &docker, true).unwrap();
        let json = serde_json::to_value(&p).unwrap();
        let df = docker
            .join("mysql")
            .join("Dockerfile")
            .display()
            .to_string();
        let ctx = docker.join("mysql").display().to_string();
        assert_eq!(
            json,
            serde_json::json!({
                "source": "--message",
                "images": [
                    {"reference": "mysql:latest", "dockerfile": df, "context": ctx},
                    {"reference": "team/mysql:8", "dockerfile": df, "context": ctx},
                    {"reference": "redis:latest", "dockerfile": null, "context": null},
                ]
            })
        );
    }

    #[test]
    fn folder_without_dockerfile_is_an_error() {
        let d = setup();
        let refs = parse_message("::empty").unwrap();
        let e = plan("s", &refs, &d.path().join("docker"), true).unwrap_err();
        assert!(matches!(e, PlanError::MissingDockerfile { .. }), "{e}");
        assert!(e.to_string().contains("add "), "{e}");
    }

    #[test]
    fn missing_docker_dir() {
        let d = setup();
        let refs = parse_message("::mysql").unwrap();
        let missing = d.path().join("nope");
        assert!(matches!(
            plan("s", &refs, &missing, true).unwrap_err(),
            PlanError::DockerDirMissing(_)
        ));
        // The default dir may be absent: everything is a registry image.
        let p = plan("s", &refs, &missing, false).unwrap();
        assert_eq!(p.images[0].dockerfile, None);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_the_docker_dir_is_refused() {
        let d = setup();
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("Dockerfile"), "FROM scratch\n").unwrap();
        std::os::unix::fs::symlink(&outside, d.path().join("docker/evil")).unwrap();
        let refs = parse_message("::evil").unwrap();
        let e = plan("s", &refs, &d.path().join("docker"), true).unwrap_err();
        assert!(matches!(e, PlanError::Escapes { .. }), "{e}");
        // A Dockerfile symlinked out of the folder too.
        std::fs::create_dir_all(d.path().join("docker/sneaky")).unwrap();
        std::os::unix::fs::symlink(
            outside.join("Dockerfile"),
            d.path().join("docker/sneaky/Dockerfile"),
        )
        .unwrap();
        let refs = parse_message("::sneaky").unwrap();
        let e = plan("s", &refs, &d.path().join("docker"), true).unwrap_err();
        assert!(matches!(e, PlanError::Escapes { .. }), "{e}");
    }

    #[test]
    fn digest_is_never_built() {
        let d = setup();
        let refs = parse_message(&format!("::mysql@sha256:{}", "0".repeat(64))).unwrap();
        let p = plan("s", &refs, &d.path().join("docker"), true).unwrap();
        assert!(p.images[0].build.is_none());
    }
}
