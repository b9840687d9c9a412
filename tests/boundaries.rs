//! The crate boundaries of ARCHITECTURE.md (Conventions), checked against `cargo metadata`'s
//! resolved graph: the pure crates stay pure, only the wire crate speaks serde among ours, and
//! the cloud and the desktop shell never depend on each other.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

struct Graph {
    names: HashMap<String, String>,
    deps: HashMap<String, Vec<String>>,
}

impl Graph {
    fn load() -> Graph {
        let out = Command::new(env!("CARGO"))
            .args([
                "metadata",
                "--format-version",
                "1",
                "--manifest-path",
                ringdesk_tests::crate_dir()
                    .join("../Cargo.toml")
                    .to_str()
                    .unwrap(),
            ])
            .output()
            .expect("cargo metadata");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let names = v["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap().to_string(),
                    p["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let deps = v["resolve"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                // Normal (non-dev, non-build) dependencies only: what ships.
                let normal = n["deps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|d| {
                        d["dep_kinds"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|k| k["kind"].is_null())
                    })
                    .map(|d| d["pkg"].as_str().unwrap().to_string())
                    .collect();
                (n["id"].as_str().unwrap().to_string(), normal)
            })
            .collect();
        Graph { names, deps }
    }

    fn id(&self, name: &str) -> String {
        self.names
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("{name} not in workspace"))
    }

    fn direct(&self, name: &str) -> BTreeSet<String> {
        self.deps[&self.id(name)]
            .iter()
            .map(|d| self.names[d].clone())
            .collect()
    }

    fn transitive(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.id(name)];
        while let Some(id) = stack.pop() {
            for d in &self.deps[&id] {
                if seen.insert(self.names[d].clone()) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    }
}

#[test]
fn pure_crates_stay_pure() {
    let g = Graph::load();
    for pure in ["ringdesk-core", "ringdesk-media"] {
        let all = g.transitive(pure);
        for banned in [
            "tokio",
            "axum",
            "tauri",
            "sqlx",
            "rusqlite",
            "str0m",
            "reqwest",
            "ringdesk-core",
            "ringdesk-media",
        ] {
            if banned != pure {
                assert!(!all.contains(banned), "{pure} depends on {banned}");
            }
        }
    }
}

#[test]
fn only_wire_speaks_serde() {
    let g = Graph::load();
    for ours in [
        "ringdesk-core",
        "ringdesk-media",
        "ringdesk-sip",
        "ringdesk-rtc",
        "ringdesk-store",
        "ringdesk-cloud",
        "ringdesk-agent",
    ] {
        assert!(
            !g.direct(ours).contains("serde"),
            "{ours} depends on serde directly; put the type in ringdesk-wire"
        );
    }
    assert!(g.direct("ringdesk-wire").contains("serde"));
}

/// ts-rs generates the UI's TypeScript in ringdesk-wire's tests; nothing that ships builds it.
#[test]
fn typescript_generation_never_ships() {
    let g = Graph::load();
    let shipped = [
        "ringdesk-wire",
        "ringdesk-core",
        "ringdesk-media",
        "ringdesk-sip",
        "ringdesk-rtc",
        "ringdesk-store",
        "ringdesk-cloud",
        "ringdesk-agent",
        "ringdesk",
    ];
    for ours in shipped.iter().filter(|n| g.names.values().any(|m| m == *n)) {
        assert!(
            !g.transitive(ours).contains("ts-rs"),
            "{ours} depends on ts-rs; keep it a dev-dependency of ringdesk-wire"
        );
    }
}

#[test]
fn cloud_and_desktop_shell_never_depend_on_each_other() {
    let g = Graph::load();
    assert!(!g.transitive("ringdesk-cloud").contains("tauri"));
    assert!(
        !g.transitive("ringdesk-agent").contains("tauri"),
        "the agent runs headless"
    );
    if g.names.values().any(|n| n == "ringdesk") {
        assert!(
            !g.transitive("ringdesk").contains("ringdesk-cloud"),
            "the shell runs the cloud as a separate process"
        );
    }
}
