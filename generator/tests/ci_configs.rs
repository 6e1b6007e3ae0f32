//! The CI files we ship (the GitHub action and workflow, the CodeBuild buildspec, the GitLab and
//! Jenkins examples) parse, use and document every input, and call scanlens only with flags that
//! exist: a renamed flag breaks this test rather than a user's pipeline.

use clap::CommandFactory;
use serde_norway::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> Value {
    serde_norway::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
}

fn text(v: &Value) -> String {
    serde_norway::to_string(v).unwrap()
}

/// The long flags of a scanlens subcommand (`scan`, or `feeds fetch`), from the real CLI
/// definition.
fn flags(sub: &str) -> Vec<String> {
    let mut cmd = scanlens::cli::Cli::command();
    for name in sub.split_whitespace() {
        cmd = cmd
            .find_subcommand(name)
            .unwrap_or_else(|| panic!("no subcommand {sub}"))
            .clone();
    }
    cmd.get_arguments()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}

/// Every `scanlens SUB ...` command line in a script, with the `--flags` it uses.
fn scanlens_calls(script: &str) -> Vec<(String, Vec<String>)> {
    let mut calls = Vec::new();
    for line in script.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("scanlens ") {
            let after = &rest[i + "scanlens ".len()..];
            let mut words = after.split_whitespace();
            let mut sub = words.next().unwrap_or("").to_string();
            // `feeds` has subcommands of its own.
            if sub == "feeds" {
                sub = format!("feeds {}", words.next().unwrap_or(""));
            }
            // The command ends at the next shell separator.
            let end = ["&&", "||", ";", "|"]
                .iter()
                .filter_map(|sep| after.find(sep))
                .min()
                .unwrap_or(after.len());
            let used: Vec<String> = after[..end]
                .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '(')
                .filter(|w| w.starts_with("--") && w.len() > 2)
                .map(|w| w.split('=').next().unwrap().to_string())
                .collect();
            calls.push((sub, used));
            rest = after;
        }
    }
    calls
}

fn check_calls(what: &str, script: &str) -> usize {
    let subs = [
        "scan",
        "render",
        "publish",
        "site",
        "diff",
        "query",
        "schema",
        "feeds fetch",
    ];
    let mut n = 0;
    for (sub, used) in scanlens_calls(script) {
        if !subs.contains(&sub.as_str()) {
            continue; // prose such as "scanlens reads", or `scanlens --version`
        }
        let known = flags(&sub);
        for f in used {
            assert!(
                known.contains(&f),
                "{what}: `scanlens {sub}` has no flag {f}"
            );
        }
        n += 1;
    }
    n
}

#[test]
fn action_inputs_are_used_documented_and_safe() {
    let action = yaml("action.yml");
    let readme = read("README.md");
    let inputs = action["inputs"].as_mapping().expect("inputs");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    assert_eq!(action["runs"]["using"], "composite");
    let steps_text = text(&action["runs"]["steps"]);
    for (name, spec) in inputs {
        let name = name.as_str().unwrap();
        let desc = spec["description"].as_str().unwrap_or("");
        assert!(desc.len() > 10, "input {name} has no description");
        // Accepted so that a trivy-action step keeps working; Scanlens never shows trivy's
        // progress bar, so there is nothing to hide.
        if name == "hide-progress" {
            assert!(desc.contains("compatibility"), "{desc}");
            continue;
        }
        assert!(
            steps_text.contains(&format!("inputs.{name} "))
                || steps_text.contains(&format!("inputs.{name}}}"))
                || steps_text.contains(&format!("inputs.{name})"))
                || steps_text.contains(&format!("inputs.{name},")),
            "input {name} is never used in the steps"
        );
        assert!(
            readme.contains(&format!("`{name}`")),
            "README does not document input `{name}`"
        );
    }
    // Step ids are unique (the runner refuses an action with two alike).
    let mut ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate step ids in action.yml");
    // Script injection: inputs reach shells through env only.
    let mut scan_step = None;
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "a run script splices an expression; pass it through env: {run}"
            );
            assert_eq!(step["shell"], "bash", "composite run steps need a shell");
        }
        if step["id"] == "scan" {
            scan_step = step["run"].as_str();
        }
    }
    // The scan step builds its argument list in an array; every flag must exist.
    let scan = scan_step.expect("a step with id: scan");
    let known = flags("scan");
    let used: Vec<&str> = scan
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| w.starts_with("--"))
        .collect();
    assert!(used.len() >= 20, "{used:?}");
    for f in used {
        assert!(
            known.iter().any(|k| k == f),
            "scanlens scan has no flag {f}"
        );
    }
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses
        .iter()
        .any(|u| u.starts_with("actions/upload-artifact@")));
    assert!(uses
        .iter()
        .any(|u| u.starts_with("github/codeql-action/upload-sarif@")));
    assert!(steps_text.contains("GITHUB_STEP_SUMMARY"));
    assert!(
        scan.contains("--feeds \"$FEEDS\""),
        "the scan reads the feeds"
    );
}

/// The action fetches the KEV and EPSS feeds at most once a day: restored from a cache keyed by
/// the date (falling back to an earlier day's), fetched only on a miss, saved only when the
/// fetch succeeded, and passed to the scan from the same folder.
#[test]
fn action_fetches_the_feeds_once_a_day_and_caches_them() {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let by_use = |prefix: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
            .unwrap_or_else(|| panic!("no step uses {prefix}"))
    };
    let restore = by_use("actions/cache/restore@");
    let save = by_use("actions/cache/save@");
    let date_step = steps
        .iter()
        .find(|s| s["id"] == "feeds-date")
        .expect("a step dates the feeds");
    assert!(date_step["run"]
        .as_str()
        .unwrap()
        .contains("date -u +%Y-%m-%d"));
    let key = restore["with"]["key"].as_str().unwrap();
    assert!(key.contains("steps.feeds-date.outputs.date"), "{key}");
    assert_eq!(save["with"]["key"], restore["with"]["key"]);
    assert_eq!(save["with"]["path"], restore["with"]["path"]);
    let prefix = key.split("${{").next().unwrap();
    assert_eq!(restore["with"]["restore-keys"].as_str(), Some(prefix));

    let fetch = steps
        .iter()
        .find(|s| s["id"] == "feeds-fetch")
        .expect("a step fetches the feeds");
    assert_eq!(fetch["if"], "steps.feeds-cache.outputs.cache-hit != 'true'");
    assert_eq!(restore["id"], "feeds-cache");
    let run = fetch["run"].as_str().unwrap();
    assert!(
        run.contains("scanlens feeds fetch --out \"$FEEDS\""),
        "{run}"
    );
    assert_eq!(check_calls("action.yml", run), 1);
    assert!(save["if"]
        .as_str()
        .unwrap()
        .contains("steps.feeds-fetch.outputs.fetched == 'true'"));
    // One folder: where the cache keeps it, where fetch writes it, what the scan reads.
    let scan = steps.iter().find(|s| s["id"] == "scan").unwrap();
    assert_eq!(fetch["env"]["FEEDS"], restore["with"]["path"]);
    assert_eq!(scan["env"]["FEEDS"], restore["with"]["path"]);
    // The feeds come before the scan.
    let at = |step: &Value| steps.iter().position(|s| s == step).unwrap();
    assert!(at(restore) < at(fetch) && at(fetch) < at(save) && at(save) < at(scan));
}

#[test]
fn example_workflow_scans_and_deploys_pages() {
    let wf = yaml(".github/workflows/scan.yml");
    let all = text(&wf);
    assert!(wf["on"]["push"].is_mapping(), "runs on push");
    for action in [
        "uses: ./",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ] {
        assert!(all.contains(action), "workflow lacks {action}");
    }
    let mut runs = String::new();
    for job in wf["jobs"].as_mapping().unwrap().values() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(r) = step["run"].as_str() {
                runs.push_str(r);
                runs.push('\n');
            }
        }
    }
    assert!(runs.contains("scanlens site --out"));
    assert!(check_calls("scan.yml", &runs) >= 1);
    assert!(all.contains("pages: write") && all.contains("id-token: write"));
}

/// GitHub workflows among the files we ship: `.github/workflows/*.yml` and `examples/*.yml`
/// with jobs that run on a runner (GitLab's file has none).
fn shipped_workflows() -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for dir in [".github/workflows", "examples"] {
        let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
            .collect();
        names.sort();
        for name in names {
            let rel = format!("{dir}/{name}");
            let wf = yaml(&rel);
            let is_workflow = wf["jobs"]
                .as_mapping()
                .is_some_and(|jobs| jobs.values().all(|j| !j["runs-on"].is_null()));
            if is_workflow {
                found.push((rel, wf));
            }
        }
    }
    found
}

/// The dashboard's history never lives only in the Actions cache (evicted after 7 days without
/// use): every shipped workflow that builds a site with `scanlens site` restores it from where it
/// is deployed (`--from` the URL configure-pages gives, before adding this run's scans), and none
/// keeps the site in actions/cache.
#[test]
fn shipped_workflows_restore_the_dashboard_from_where_it_is_deployed() {
    let workflows = shipped_workflows();
    let names: Vec<&str> = workflows.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&".github/workflows/scan.yml")
            && names.contains(&"examples/fleet-pages-history.yml"),
        "{names:?}"
    );
    let mut sites = 0;
    for (name, wf) in &workflows {
        for job in wf["jobs"].as_mapping().unwrap().values() {
            let Some(steps) = job["steps"].as_sequence() else {
                continue;
            };
            for (i, step) in steps.iter().enumerate() {
                if step["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/cache"))
                {
                    let path = text(&step["with"]["path"]);
                    assert!(
                        !path
                            .lines()
                            .any(|l| l.trim() == "site" || l.contains("site/")),
                        "{name}: the site's history is kept in the Actions cache"
                    );
                }
                let Some(run) = step["run"].as_str() else {
                    continue;
                };
                let Some(call) = run.lines().find(|l| l.contains("scanlens site ")) else {
                    continue;
                };
                sites += 1;
                assert!(call.contains("--from \"$"), "{name}: {call}");
                let var = call
                    .split("--from \"$")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap();
                assert_eq!(
                    step["env"][var].as_str(),
                    Some("${{ steps.pages.outputs.base_url }}"),
                    "{name}: --from ${var}"
                );
                let pages = steps
                    .iter()
                    .position(|s| s["id"] == "pages")
                    .unwrap_or_else(|| panic!("{name}: no step with id pages"));
                assert!(
                    steps[pages]["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("actions/configure-pages@")),
                    "{name}"
                );
                assert!(
                    pages < i,
                    "{name}: configure-pages runs after the site step"
                );
            }
        }
    }
    assert!(sites >= 2, "{sites} site steps");
}

#[test]
fn buildspec_installs_scans_and_publishes() {
    let b = yaml("buildspec.yml");
    assert_eq!(b["version"].as_f64(), Some(0.2));
    let phase = |name: &str| -> String {
        b["phases"][name]["commands"]
            .as_sequence()
            .unwrap_or_else(|| panic!("buildspec lacks phases.{name}.commands"))
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (install, build, post) = (phase("install"), phase("build"), phase("post_build"));
    // A release binary, checksum-verified, instead of compiling; Trivy pinned and verified.
    assert!(!install.contains("cargo install"), "{install}");
    for needle in [
        "$SCANLENS_RELEASES/$SCANLENS_VERSION/$archive.sha256",
        "echo \"$(cut -d ' ' -f 1 \"$archive.sha256\")  $archive\" | sha256sum -c -",
        "trivy_${TRIVY_VERSION}_checksums.txt\" | grep \" $tarball\\$\" | sha256sum -c -",
    ] {
        assert!(
            install.contains(needle),
            "install lacks {needle}: {install}"
        );
    }
    assert!(install.find("sha256sum -c") < install.find("tar -xzf"));
    assert!(b["env"]["variables"]["SCANLENS_VERSION"]
        .as_str()
        .is_some_and(|v| v.starts_with('v')));
    assert!(build.contains("scanlens scan"));
    assert!(post.contains("scanlens publish --s3 \"s3://$REPORT_BUCKET/"));
    // One fixed prefix for every build, so PREFIX/findings/ is one Athena table (scan IDs keep
    // the builds' keys apart); a per-commit prefix would make one table per commit.
    assert!(
        post.contains("scanlens publish --s3 \"s3://$REPORT_BUCKET/scans\" "),
        "{post}"
    );
    // feeds fetch, scan (and the echo of scan's exit code)
    assert!(check_calls("buildspec.yml", &build) >= 2);
    check_calls("buildspec.yml", &post);

    // The feeds: fetched into a folder named by the day (so at most once a day), kept by
    // CodeBuild's cache, and read by the scan.
    let cache = b["env"]["variables"]["FEEDS_CACHE"]
        .as_str()
        .expect("FEEDS_CACHE");
    let paths: Vec<&str> = b["cache"]["paths"]
        .as_sequence()
        .expect("cache.paths")
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&format!("{cache}/**/*").as_str()),
        "{paths:?}"
    );
    assert!(build.contains("date -u +%Y-%m-%d"));
    assert!(
        build.contains("scanlens feeds fetch --out \"$FEEDS_CACHE/$day\""),
        "{build}"
    );
    let scan = build.lines().find(|l| l.contains("scanlens scan")).unwrap();
    assert!(scan.contains("--feeds \"$FEEDS\""), "{scan}");
    // Trivy's DB is cached too, where the scan tells Trivy to keep it.
    let db = b["env"]["variables"]["TRIVY_CACHE_DIR"]
        .as_str()
        .expect("TRIVY_CACHE_DIR");
    assert!(paths.contains(&format!("{db}/**/*").as_str()), "{paths:?}");
    assert!(scan.contains("--cache-dir \"$TRIVY_CACHE_DIR\""), "{scan}");
    assert!(build.find("feeds fetch") < build.find("scanlens scan"));

    // A trivy server: TRIVY_SERVER_URL (empty by default) becomes --server; the token is only
    // ever the variable scanlens reads, documented at the top, from a secret store.
    assert_eq!(b["env"]["variables"]["TRIVY_SERVER_URL"].as_str(), Some(""));
    assert!(
        build.contains(
            "if [ -n \"$TRIVY_SERVER_URL\" ]; then server=(--server \"$TRIVY_SERVER_URL\"); fi"
        ),
        "{build}"
    );
    assert!(scan.contains("\"${server[@]}\""), "{scan}");
    let spec = read("buildspec.yml");
    for commands in [&install, &build, &post] {
        assert!(
            !commands.contains("--token"),
            "the token is never an argument"
        );
    }
    let var = token_env();
    let header: String = spec
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        header.contains("TRIVY_SERVER_URL") && header.contains(&var),
        "{header}"
    );
    assert!(header.contains("Secrets Manager"), "{header}");
    assert!(!b["env"]["variables"]
        .as_mapping()
        .unwrap()
        .contains_key(var.as_str()));
}

#[test]
fn gitlab_and_jenkins_examples_are_short_and_valid() {
    let gitlab = read("examples/gitlab-ci.yml");
    let jenkins = read("examples/Jenkinsfile");
    assert!(
        gitlab.lines().count() < 30,
        "gitlab-ci.yml is 30 lines or more"
    );
    assert!(
        jenkins.lines().count() < 30,
        "Jenkinsfile is 30 lines or more"
    );
    let g: Value = serde_norway::from_str(&gitlab).expect("gitlab-ci.yml parses");
    let script = text(&g["scanlens"]["script"]);
    assert!(check_calls("gitlab-ci.yml", &script) >= 2);
    assert!(check_calls("Jenkinsfile", &jenkins) >= 2);
    // Both run in the Scanlens image (nothing compiled, nothing fetched) and keep Trivy's DB.
    let image = "ghcr.io/scanlens/scanlens:";
    assert!(g["scanlens"]["image"]["name"]
        .as_str()
        .is_some_and(|i| i.starts_with(image)));
    assert!(jenkins.contains(&format!("image '{image}")));
    assert!(!gitlab.contains("cargo install") && !jenkins.contains("cargo install"));
    assert_eq!(g["scanlens"]["cache"]["paths"][0], ".cache/trivy/");
    assert!(
        script.contains("--cache-dir .cache/trivy") && jenkins.contains("--cache-dir .cache/trivy")
    );
    assert!(jenkins.contains("pipeline {") && jenkins.contains("stages {"));
    assert_eq!(
        jenkins.matches('{').count(),
        jenkins.matches('}').count(),
        "Jenkinsfile braces balance"
    );
    let readme = read("README.md");
    for f in [
        "examples/gitlab-ci.yml",
        "examples/Jenkinsfile",
        "buildspec.yml",
        "action.yml",
    ] {
        assert!(readme.contains(f), "README does not mention {f}");
    }
}

#[test]
fn call_parser_sees_flags() {
    let calls = scanlens_calls(
        "x; scanlens scan --out \"a\" --fail-on=HIGH && scanlens publish --s3 s3://b",
    );
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].0, "scan");
    assert_eq!(calls[0].1, ["--out", "--fail-on"]);
    assert_eq!(calls[1].1, ["--s3"]);
}

/// trivy-action's inputs that apply to image scanning, with their defaults (`None`: no
/// `default:` key), as in aquasecurity/trivy-action v0.36.0 (ed142fd0673e97e23eac54620cfb913e5ce36c25)
/// action.yaml. Its other inputs (scan-type, scan-ref, format, template, output, ignore-policy,
/// github-pat, trivy-config, tf-vars, token-setup-trivy) do not apply: the README's migration
/// table says what replaces each.
const TRIVY_ACTION_IMAGE_INPUTS: &[(&str, Option<&str>)] = &[
    ("image-ref", None),
    ("input", Some("")),
    ("exit-code", None),
    ("ignore-unfixed", Some("false")),
    ("vuln-type", Some("os,library")),
    ("severity", Some("UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL")),
    ("skip-dirs", Some("")),
    ("skip-files", Some("")),
    ("cache-dir", Some("${{ github.workspace }}/.cache/trivy")),
    ("timeout", Some("")),
    ("hide-progress", None),
    ("list-all-pkgs", Some("false")),
    ("scanners", Some("")),
    ("trivyignores", Some("")),
    ("limit-severities-for-sarif", None),
    ("docker-host", None),
    // trivy-action: v0.72.0. Scanlens installs the Trivy it is tested with.
    ("version", Some("v0.76.0")),
    ("cache", Some("true")),
    ("skip-setup-trivy", Some("false")),
];

/// A trivy-action step becomes a Scanlens step by changing `uses:` only: every image-scanning
/// input exists with trivy-action's default, the README's migration table maps each, and the
/// scan step gives each its trivy-action meaning.
#[test]
fn action_takes_every_trivy_action_image_input_with_its_default() {
    let action = yaml("action.yml");
    let inputs = action["inputs"].as_mapping().unwrap();
    let readme = read("README.md");
    let table = readme
        .split("### Migrating from trivy-action")
        .nth(1)
        .expect("README has a `### Migrating from trivy-action` section");
    for (name, default) in TRIVY_ACTION_IMAGE_INPUTS {
        let spec = inputs
            .get(*name)
            .unwrap_or_else(|| panic!("action.yml lacks trivy-action's input {name}"));
        assert_eq!(
            spec["default"].as_str(),
            *default,
            "input {name}: default differs from trivy-action's"
        );
        assert!(
            table.contains(&format!("| `{name}` |")),
            "the migration table lacks {name}"
        );
    }
    for other in ["scan-type", "format", "output", "template", "trivy-config"] {
        assert!(table.contains(&format!("| `{other}` |")), "{other}");
    }

    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let scan = steps.iter().find(|s| s["id"] == "scan").unwrap();
    let run = scan["run"].as_str().unwrap();
    // exit-code has no default: only a set, non-zero exit-code adds a gate; severity only scopes.
    assert!(run.contains("if [ -n \"$EXIT_CODE\" ]; then"), "{run}");
    assert!(run.contains(
        "--fail-on \"${SEVERITY:-UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL}\" --exit-code \"$EXIT_CODE\""
    ));
    assert!(run.contains("args+=(--severity \"$SEVERITY\")"));
    assert!(
        run.contains("args+=(--image \"$IMAGE_REF\")")
            && run.contains("args+=(--input \"$INPUT\")")
    );
    assert!(run.contains("--sarif-severity \"$SEVERITY\""));
    assert!(run.contains("export DOCKER_HOST="));
    // Trivy: setup-trivy unless skip-setup-trivy; its DB cached by date as trivy-action does.
    let setup = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("aquasecurity/setup-trivy@"))
        })
        .expect("Trivy is installed with aquasecurity/setup-trivy");
    assert_eq!(setup["if"], "inputs.skip-setup-trivy != 'true'");
    assert_eq!(setup["with"]["cache"], "${{ inputs.cache }}");
    let db = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("Trivy's DB is cached");
    assert_eq!(
        db["if"],
        "inputs.cache == 'true' && inputs.server-url == ''"
    );
    assert_eq!(db["with"]["path"], "${{ inputs.cache-dir }}");
    assert_eq!(
        db["with"]["key"],
        "cache-trivy-${{ steps.feeds-date.outputs.date }}"
    );
    assert_eq!(db["with"]["restore-keys"], "cache-trivy-");
    assert!(run.contains("args+=(--cache-dir \"$CACHE_DIR\")"));
}

/// The environment variable `scan --token` is read from, from the real CLI definition.
fn token_env() -> String {
    let cmd = scanlens::cli::Cli::command();
    let scan = cmd.find_subcommand("scan").expect("scan");
    let token = scan
        .get_arguments()
        .find(|a| a.get_long() == Some("token"))
        .expect("scan --token");
    token
        .get_env()
        .expect("--token is read from the environment")
        .to_string_lossy()
        .into_owned()
}

/// `server-url` and `server-token`: the scan runs in Trivy's client mode with `--server`, the
/// token reaches scanlens only through the variable `--token` reads (never an argument, never
/// printed), a token without a server is refused, and Trivy's DB is neither downloaded nor cached.
#[test]
fn action_scans_against_a_trivy_server_with_the_token_in_the_environment() {
    let action = yaml("action.yml");
    let inputs = action["inputs"].as_mapping().unwrap();
    for name in ["server-url", "server-token"] {
        assert_eq!(inputs[name]["default"].as_str(), Some(""), "{name}");
    }
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let scan = steps.iter().find(|s| s["id"] == "scan").unwrap();
    assert_eq!(scan["env"]["SERVER_URL"], "${{ inputs.server-url }}");
    assert_eq!(scan["env"]["SERVER_TOKEN"], "${{ inputs.server-token }}");
    // The token input reaches no other step, and no step's `with` or script.
    for step in steps {
        let text = text(step);
        if step["id"] != "scan" {
            assert!(!text.contains("server-token"), "{text}");
        }
    }
    let run = scan["run"].as_str().unwrap();
    assert!(run.contains("args+=(--server \"$SERVER_URL\")"), "{run}");
    let var = token_env();
    assert!(
        run.contains(&format!("export {var}=\"$SERVER_TOKEN\"")),
        "the token must reach scanlens as {var}: {run}"
    );
    // Tested twice and exported once; never on a command line or in a message.
    assert_eq!(run.matches("$SERVER_TOKEN").count(), 3, "{run}");
    assert!(
        !run.contains("--token"),
        "the token is never an argument: {run}"
    );
    for line in run.lines().filter(|l| l.contains("echo")) {
        assert!(
            !line.contains("$SERVER_TOKEN") && !line.contains(&format!("${var}")),
            "{line}"
        );
    }
    assert!(run.contains("::error::server-token needs server-url"));
    assert!(run.contains("unset SERVER_TOKEN"));
    // No DB to cache when the server holds it.
    let db = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .unwrap();
    assert!(db["if"]
        .as_str()
        .unwrap()
        .contains("inputs.server-url == ''"));
}

/// Every `uses:` in what we ship names a full commit SHA with its version in a comment, and
/// `upload-sarif` is at its current major version (v4).
#[test]
fn every_uses_is_pinned_by_sha_with_its_version() {
    let mut files = vec!["action.yml".to_string()];
    for entry in std::fs::read_dir(root().join(".github/workflows")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        files.push(format!(".github/workflows/{name}"));
    }
    let mut pinned = 0;
    for file in &files {
        for line in read(file).lines() {
            let Some(rest) = line
                .trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses:")
            else {
                continue;
            };
            let rest = rest.trim();
            if rest.starts_with("./") {
                continue;
            }
            let (target, comment) = rest.split_once(" # ").unwrap_or((rest, ""));
            let sha = target.rsplit_once('@').map(|(_, r)| r).unwrap_or("");
            assert!(
                sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                "{file}: `{rest}` is not pinned by a full commit SHA"
            );
            assert!(
                comment.starts_with('v') && comment[1..].split('.').count() == 3,
                "{file}: `{rest}` has no `# vX.Y.Z` comment"
            );
            if target.starts_with("github/codeql-action/") {
                assert!(comment.starts_with("v4."), "{file}: {rest}");
            }
            pinned += 1;
        }
    }
    assert!(pinned >= 8, "{pinned} pinned uses in {files:?}");
}

/// The release (dist-workspace.toml, release.yml) makes the archives every installer asks for:
/// the action, the buildspec and packaging/installer.sh download `scanlens-TARGET.tar.gz` and its
/// `.sha256` for targets dist builds, and release.yml pins what dist-workspace.toml pins. Windows
/// gets a zip that users download themselves.
#[test]
fn release_builds_what_the_installers_download() {
    let dist = read("dist-workspace.toml");
    let release = read(".github/workflows/release.yml");
    let action = read("action.yml");
    let installer = read("packaging/installer.sh");
    assert!(dist.contains("unix-archive = \".tar.gz\"") && dist.contains("checksum = \"sha256\""));
    // The shell installer is ours (below); dist makes none.
    assert!(dist.contains("installers = []"));
    // Only scanlens is built (`cargo build -p scanlens`), not the workspace's other binaries.
    assert!(dist.contains("precise-builds = true"));
    // The shell installer users pipe to sh is the tested one, versioned as xtask versions it.
    assert!(release.contains(
        "sed \"s/@VERSION@/$TAG/\" packaging/installer.sh > target/distrib/scanlens-installer.sh"
    ));
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(
            dist.contains(&format!("\"{target}\"")),
            "dist does not build {target}"
        );
        assert!(
            action.contains(&format!("target={target}")),
            "the action lacks {target}"
        );
        assert!(
            installer.contains(&format!("target={target}")),
            "installer lacks {target}"
        );
    }
    // Windows: a zip, which no installer unpacks; the shell installer sends Windows users to it.
    assert!(
        dist.contains("\"x86_64-pc-windows-msvc\"") && dist.contains("windows-archive = \".zip\""),
        "dist does not build the Windows zip"
    );
    assert!(
        installer.contains("MINGW* | MSYS* | CYGWIN*)")
            && installer.contains("$base/scanlens-x86_64-pc-windows-msvc.zip and its .sha256"),
        "the installer does not name the Windows zip"
    );
    assert!(
        action.contains("archive=\"scanlens-$target.tar.gz\"")
            && action.contains("\"$base/$archive.sha256\"")
    );
    assert!(
        installer.contains("archive=\"scanlens-$target.tar.gz\"")
            && installer.contains("$base/$archive.sha256")
    );
    // The completions and man pages every archive carries come from packaging/generate.sh.
    assert!(dist.contains(
        "include = [\"packaging/generated/completions/\", \"packaging/generated/man/\"]"
    ));
    assert!(
        release.contains("bash packaging/generate.sh target/debug/scanlens packaging/generated")
    );
    assert!(read(".github/build-setup.yml")
        .contains("bash packaging/generate.sh target/debug/scanlens packaging/generated"));
    assert!(
        release.contains("\"v[0-9]+.[0-9]+.[0-9]+*\""),
        "runs on a version tag"
    );
    let version = dist
        .lines()
        .find_map(|l| l.strip_prefix("cargo-dist-version = "))
        .unwrap()
        .trim_matches('"');
    assert!(release.contains(&format!("DIST_VERSION: \"{version}\"")));
    for line in dist.lines().filter(|l| l.starts_with("\"actions/")) {
        let (name, rest) = line.split_once(" = ").unwrap();
        let sha = rest.split('"').nth(1).unwrap();
        assert!(
            release.contains(&format!("{}@{sha}", name.trim_matches('"'))),
            "release.yml does not pin {line}"
        );
    }
    // dist's install command is PowerShell on the Windows runner and sh elsewhere: each runs in
    // its own shell (tests/tests/ship_dist.rs checks the plan gives no other).
    assert!(
        release.contains("if: matrix.install_dist.shell == 'pwsh'\n        shell: pwsh")
            && release.contains("if: matrix.install_dist.shell != 'pwsh'\n        shell: bash")
    );
    // The container image is built from the release's own Linux binary, checksum-verified.
    assert!(
        release.contains("sha256sum -c -")
            && release.contains("docker build -f packaging/Dockerfile")
    );
}

/// The container image's Trivy is pinned: packaging/Dockerfile holds a SHA-256 for both Linux
/// archives of its default Trivy version (the one the buildspec and the action install), and the
/// release builds the image with that pin, not a checksum fetched beside the archive.
#[test]
fn container_image_pins_trivys_checksum() {
    let dockerfile = read("packaging/Dockerfile");
    let version = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ARG TRIVY_VERSION="))
        .expect("the Dockerfile has a default TRIVY_VERSION");
    for arch in ["64bit", "ARM64"] {
        let line = format!("      {version}/{arch}) pinned=");
        let pin = dockerfile
            .lines()
            .find_map(|l| l.strip_prefix(line.as_str()))
            .and_then(|rest| rest.strip_suffix(" ;; \\"))
            .unwrap_or_else(|| panic!("no pinned checksum for Trivy {version} {arch}"));
        assert!(
            pin.len() == 64
                && pin
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{arch}: {pin}"
        );
    }
    assert!(dockerfile.contains("sum=\"${TRIVY_SHA256:-$pinned}\""));
    assert!(dockerfile.contains("echo \"$sum  /tmp/trivy.tar.gz\" | sha256sum -c -"));
    let buildspec = yaml("buildspec.yml");
    assert_eq!(
        buildspec["env"]["variables"]["TRIVY_VERSION"].as_str(),
        Some(version)
    );
    assert!(read("action.yml").contains(&format!("default: 'v{version}'")));
    let release = read(".github/workflows/release.yml");
    assert!(release.contains("docker build -f packaging/Dockerfile -t \"$image\""));
    assert!(!release.contains("TRIVY_SHA256") && !release.contains("checksums.txt"));
}
