//! Global hotkeys (tauri-plugin-global-shortcut): registered from the settings, working while
//! the app is not focused. A binding the OS refuses (taken by another app, or not a valid key)
//! is reported on that binding and the others still work; a press with nothing to act on does
//! nothing (the rules are [`ringdesk_agent::desk::Desk::hotkey`]).

use std::collections::HashMap;

use ringdesk_wire::{HotkeyAction, HotkeyBinding};
use tauri::{AppHandle, Manager};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutEvent, ShortcutState};

use crate::shell::Shell;

/// Error text for a binding another application holds; the UI shows it translated.
pub const TAKEN: &str = "taken";
/// Prefix of the error text for a binding that does not parse.
pub const INVALID: &str = "invalid";

/// Registers `bindings` in place of whatever was registered, recording each failure on its
/// binding; returns the shortcut-id → action map for the handler.
pub fn register(app: &AppHandle, bindings: &mut [HotkeyBinding]) -> HashMap<u32, HotkeyAction> {
    let shortcuts = app.global_shortcut();
    if let Err(e) = shortcuts.unregister_all() {
        tracing::warn!("unregistering hotkeys: {e}");
    }
    let mut actions = HashMap::new();
    for binding in bindings.iter_mut() {
        binding.error = match binding.accelerator.parse::<Shortcut>() {
            Err(e) => Some(format!("{INVALID}: {e}")),
            Ok(s) if actions.contains_key(&s.id()) => Some(format!("{INVALID}: used twice")),
            Ok(s) => match shortcuts.register(s) {
                Ok(()) => {
                    actions.insert(s.id(), binding.action);
                    None
                }
                // The plugin hands global-hotkey's errors over as text; "already registered"
                // is its X11 BadAccess / Windows / macOS conflict.
                Err(e) if e.to_string().contains("already registered") => Some(TAKEN.into()),
                Err(e) => Some(e.to_string()),
            },
        };
        if let Some(e) = &binding.error {
            tracing::warn!(
                "hotkey {} for {:?}: {e}",
                binding.accelerator,
                binding.action
            );
        }
    }
    actions
}

/// The plugin's handler: a press runs the bound action.
pub fn on_shortcut(app: &AppHandle, shortcut: &Shortcut, event: ShortcutEvent) {
    if event.state() != ShortcutState::Pressed {
        return;
    }
    app.state::<Shell>().hotkey_pressed(app, shortcut.id());
}
