//! Tauri's build step: reads `tauri.conf.json` (a link to the root one) and capabilities.

fn main() {
    tauri_build::build();
}
