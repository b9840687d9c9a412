//! The session token in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) — never in a plain file, so a copied home directory or a backup does not
//! carry a working login. Entries are keyed by account, `email on server`.
//!
//! The calls block on the OS service; async callers run them on a blocking thread.

use crate::AgentError;

/// The keyring service name of every entry we write.
pub const KEYRING_SERVICE: &str = "dev.ringdesk.desktop";

/// The account key for a login: one entry per manager per cloud.
pub fn account(server: &str, email: &str) -> String {
    format!("{email} on {}", server.trim_end_matches('/'))
}

fn entry(account: &str) -> Result<keyring::Entry, AgentError> {
    keyring::Entry::new(KEYRING_SERVICE, account)
        .map_err(|e| AgentError::Keyring(format!("opening the keyring: {e}")))
}

/// Stores (or replaces) the token of an account.
pub fn save_token(account: &str, token: &str) -> Result<(), AgentError> {
    entry(account)?
        .set_password(token)
        .map_err(|e| AgentError::Keyring(format!("saving the session: {e}")))
}

/// The stored token of an account, if there is one.
pub fn load_token(account: &str) -> Result<Option<String>, AgentError> {
    match entry(account)?.get_password() {
        Ok(t) => Ok(Some(t)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(AgentError::Keyring(format!("reading the session: {e}"))),
    }
}

/// Forgets the token of an account (logout). Forgetting a missing entry is not an error.
pub fn delete_token(account: &str) -> Result<(), AgentError> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(AgentError::Keyring(format!("deleting the session: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn accounts_name_the_manager_and_the_cloud() {
        assert_eq!(
            super::account("https://127.0.0.1:8443/", "minji@demo.ringdesk.dev"),
            "minji@demo.ringdesk.dev on https://127.0.0.1:8443"
        );
    }
}
