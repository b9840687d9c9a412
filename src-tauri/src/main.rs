//! The `ringdesk` desktop app binary.

// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    ringdesk_desktop::run();
}
