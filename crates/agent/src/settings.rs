//! Desktop settings: defaults, and repairing saved settings from an older version so every
//! hotkey action always has exactly one binding.

use ringdesk_wire::{DesktopSettings, HotkeyAction, HotkeyBinding};

/// Every hotkey action, in the order the settings screen lists them.
pub const HOTKEY_ACTIONS: [HotkeyAction; 6] = [
    HotkeyAction::OpenDialpad,
    HotkeyAction::Answer,
    HotkeyAction::ToggleMute,
    HotkeyAction::ToggleHold,
    HotkeyAction::EndForAll,
    HotkeyAction::Leave,
];

/// The default accelerator of an action (`docs/product.md#hotkeys`); `Cmd` replaces `Ctrl` on
/// macOS.
pub fn default_accelerator(action: HotkeyAction, macos: bool) -> String {
    let keys = match action {
        HotkeyAction::OpenDialpad => "Shift+D",
        HotkeyAction::Answer => "Shift+Space",
        HotkeyAction::ToggleMute => "Shift+M",
        HotkeyAction::ToggleHold => "Shift+H",
        HotkeyAction::EndForAll => "Shift+O",
        HotkeyAction::Leave => "O",
    };
    let modifier = if macos { "Cmd" } else { "Ctrl" };
    format!("{modifier}+{keys}")
}

/// First-run settings: system default devices, notifications on, the hotkeys of
/// `docs/product.md#hotkeys`.
pub fn defaults(macos: bool) -> DesktopSettings {
    DesktopSettings {
        language: None,
        microphone: None,
        speaker: None,
        ringer: None,
        start_muted: false,
        missed_call_notifications: true,
        voice: ringdesk_wire::VoiceProcessing::default(),
        volume: ringdesk_wire::CallVolume::default(),
        network_test_offered: false,
        hotkeys: HOTKEY_ACTIONS
            .iter()
            .map(|&action| HotkeyBinding {
                action,
                accelerator: default_accelerator(action, macos),
                error: None,
            })
            .collect(),
    }
}

/// Makes saved (or UI-submitted) settings whole: one binding per action in the standard order,
/// defaults for missing ones, registration errors cleared (they are re-learned on registering).
pub fn normalized(mut settings: DesktopSettings, macos: bool) -> DesktopSettings {
    settings.hotkeys = HOTKEY_ACTIONS
        .iter()
        .map(|&action| HotkeyBinding {
            action,
            accelerator: settings
                .hotkeys
                .iter()
                .find(|b| b.action == action)
                .map(|b| b.accelerator.trim().to_string())
                .unwrap_or_else(|| default_accelerator(action, macos)),
            error: None,
        })
        .collect();
    if settings
        .language
        .as_deref()
        .is_some_and(|l| !matches!(l, "ko" | "en"))
    {
        settings.language = None;
    }
    settings.volume = settings.volume.clamped();
    settings
}

/// The UI language for an OS locale such as `ko_KR.UTF-8` or `en-US`: Korean first, English for
/// every other locale (our two languages).
pub fn language_for_locale(locale: Option<&str>) -> &'static str {
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("ko") => "ko",
        Some(l) if l.to_ascii_lowercase().starts_with("en") => "en",
        // No locale, "C" or "POSIX": our first customers are Korean teams.
        None => "ko",
        Some(l) if l == "C" || l == "POSIX" || l.starts_with("C.") => "ko",
        Some(_) => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_product_table() {
        let pc = defaults(false);
        let keys: Vec<&str> = pc.hotkeys.iter().map(|b| b.accelerator.as_str()).collect();
        assert_eq!(
            keys,
            [
                "Ctrl+Shift+D",
                "Ctrl+Shift+Space",
                "Ctrl+Shift+M",
                "Ctrl+Shift+H",
                "Ctrl+Shift+O",
                "Ctrl+O"
            ]
        );
        assert_eq!(defaults(true).hotkeys[5].accelerator, "Cmd+O");
        assert!(pc.missed_call_notifications);
    }

    #[test]
    fn normalizing_fills_gaps_drops_duplicates_and_bad_languages() {
        let mut s = defaults(false);
        s.hotkeys = vec![
            HotkeyBinding {
                action: HotkeyAction::ToggleMute,
                accelerator: " Alt+M ".into(),
                error: Some("taken".into()),
            },
            HotkeyBinding {
                action: HotkeyAction::ToggleMute,
                accelerator: "Alt+N".into(),
                error: None,
            },
        ];
        s.language = Some("fr".into());
        let n = normalized(s, false);
        assert_eq!(n.hotkeys.len(), 6);
        assert_eq!(n.hotkeys[2].accelerator, "Alt+M");
        assert_eq!(n.hotkeys[2].error, None);
        assert_eq!(n.hotkeys[0].accelerator, "Ctrl+Shift+D");
        assert_eq!(n.language, None);
    }

    #[test]
    fn korean_locales_get_korean_and_others_english() {
        assert_eq!(language_for_locale(Some("ko_KR.UTF-8")), "ko");
        assert_eq!(language_for_locale(Some("en_US.UTF-8")), "en");
        assert_eq!(language_for_locale(Some("de-DE")), "en");
        assert_eq!(language_for_locale(Some("C.UTF-8")), "ko");
        assert_eq!(language_for_locale(None), "ko");
    }
}
