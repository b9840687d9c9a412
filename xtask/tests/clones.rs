//! Two clones of the workspace sharing one `CARGO_TARGET_DIR` share the `xtask` binary too
//! (cargo keys workspace members by their path relative to the workspace). Each must still
//! work on itself: `cargo xtask test` in a second clone once tested the first clone's files.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace this test runs in, read at run time for the reason above.
fn workspace() -> PathBuf {
    let xtask = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    Path::new(&xtask)
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

/// Copies the workspace's files (tracked and new, not ignored: no build output) to `to`.
fn clone_into(from: &Path, to: &Path) {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(from)
        .output()
        .expect("git ls-files");
    assert!(listed.status.success(), "git ls-files failed");
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).expect("UTF-8 file names");
        let (source, target) = (from.join(name), to.join(name));
        if !source.is_file() {
            continue; // listed but deleted in the working tree
        }
        std::fs::create_dir_all(target.parent().expect("a file has a parent")).unwrap();
        std::fs::copy(&source, &target).unwrap();
    }
}

fn cargo_xtask_root(clone: &Path, target: &Path) -> String {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "run",
            "--quiet",
            "--locked",
            "--package",
            "xtask",
            "--",
            "root",
        ])
        .current_dir(clone)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("cargo run");
    assert!(
        out.status.success(),
        "cargo xtask root in {}: {}",
        clone.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn each_clone_works_on_itself_with_a_shared_target_dir() {
    let scratch = std::env::temp_dir().join(format!("ringdesk-clones-{}", std::process::id()));
    let (first, second) = (scratch.join("first"), scratch.join("second"));
    clone_into(&workspace(), &first);
    clone_into(&workspace(), &second);
    // Kept between runs (outside the clones) so the shared build is warm the next time.
    let target = std::env::temp_dir().join("ringdesk-clones-target");
    assert_eq!(
        cargo_xtask_root(&first, &target),
        first.display().to_string()
    );
    assert_eq!(
        cargo_xtask_root(&second, &target),
        second.display().to_string(),
        "the second clone's cargo xtask works on the second clone"
    );
    // Run directly (no cargo to say where it is), it finds the workspace around it.
    let binary = target.join("debug/xtask");
    let out = Command::new(&binary)
        .arg("root")
        .current_dir(second.join("crates/store"))
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("run xtask");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        second.display().to_string()
    );
    std::fs::remove_dir_all(&scratch).ok();
}
