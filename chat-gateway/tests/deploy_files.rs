//! The deployment files at the repository root: `compose.yaml` validates with Docker Compose
//! (v2 `docker compose`, else v1 `docker-compose`; skipped with one line when neither is
//! installed, required under CI only when one is), and `.env.example` documents every
//! variable `compose.yaml` reads.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn compose_yaml_validates_with_and_without_an_env_file() {
    let candidates: [&[&str]; 2] = [&["docker", "compose"], &["docker-compose"]];
    let Some(compose) = candidates
        .into_iter()
        .find(|c| Command::new(c[0]).args(&c[1..]).arg("version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("skipped: neither `docker compose` nor `docker-compose` is installed");
        return;
    };
    for env_file in [None, Some(".env.example")] {
        let mut cmd = Command::new(compose[0]);
        cmd.args(&compose[1..]).current_dir(root());
        if let Some(file) = env_file {
            cmd.args(["--env-file", file]);
        }
        let out = cmd.args(["-f", "compose.yaml", "config", "-q"]).output().unwrap();
        assert!(
            out.status.success(),
            "{compose:?} config ({env_file:?}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn env_example_documents_every_variable_compose_reads() {
    let compose = std::fs::read_to_string(root().join("compose.yaml")).unwrap();
    let example = std::fs::read_to_string(root().join(".env.example")).unwrap();
    let documented: Vec<&str> = example
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .collect();
    let mut read = Vec::new();
    for piece in compose.split("${").skip(1) {
        let name: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && !read.contains(&name) {
            read.push(name);
        }
    }
    assert!(read.len() > 10, "compose.yaml reads its settings from the environment: {read:?}");
    let missing: Vec<_> = read.iter().filter(|v| !documented.contains(&v.as_str())).collect();
    assert!(missing.is_empty(), ".env.example lacks {missing:?}");
}

/// The lines of one service's block in `compose.yaml` (two-space indented `name:` to the next).
fn service_block<'a>(compose: &'a str, name: &str) -> Vec<&'a str> {
    let start = format!("  {name}:");
    compose
        .lines()
        .skip_while(|l| *l != start)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with("   ") || l.starts_with("    "))
        .collect()
}

/// `/metrics` is unauthenticated: compose serves it on `METRICS_BIND`'s port, which no service
/// publishes, and the gateway answers only the names `GATEWAY_ALLOWED_HOSTS` lists.
#[test]
fn compose_keeps_metrics_off_published_ports_and_names_the_gateways_hosts() {
    let compose = std::fs::read_to_string(root().join("compose.yaml")).unwrap();
    for service in ["chat-gateway", "mcp-tasks"] {
        let block = service_block(&compose, service);
        assert!(block.len() > 10, "{service} found in compose.yaml");
        let bind = block.iter().find_map(|l| l.trim().strip_prefix("METRICS_BIND:")).map(str::trim);
        let port = bind.and_then(|b| b.rsplit_once(':')).map(|(_, p)| p).unwrap_or_else(|| {
            panic!("{service} sets METRICS_BIND: {block:?}");
        });
        let published: Vec<&str> = block
            .iter()
            .skip_while(|l| l.trim() != "ports:")
            .skip(1)
            .take_while(|l| l.trim().starts_with("- "))
            .copied()
            .collect();
        assert!(!published.is_empty(), "{service} publishes its main port");
        for entry in published {
            let container_port =
                entry.trim().trim_start_matches("- ").trim_matches('"').rsplit(':').next().unwrap();
            assert_ne!(container_port, port, "{service} publishes its metrics port: {entry}");
        }
    }
    let gateway = service_block(&compose, "chat-gateway");
    assert!(gateway.iter().any(|l| l.trim().starts_with("GATEWAY_ALLOWED_HOSTS:")), "{gateway:?}");
}
