//! The API's TLS certificate: the configured one, or a self-signed one generated on first
//! start and kept in the data directory (so agents can pin it across restarts).

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Returns (certificate, key) paths, generating a self-signed pair for `localhost`,
/// `127.0.0.1` and `::1` (plus `extra_ip`) when none exists yet.
pub fn ensure_certificate(
    data_dir: &Path,
    extra_ip: Option<std::net::IpAddr>,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let dir = data_dir.join("tls");
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if let Some(ip) = extra_ip.filter(|ip| !ip.is_loopback() && !ip.is_unspecified()) {
        names.push(ip.to_string());
    }
    let certified = rcgen::generate_simple_self_signed(names)
        .context("generating a self-signed certificate")?;
    std::fs::write(&cert_path, certified.cert.pem())?;
    write_private(&key_path, certified.signing_key.serialize_pem().as_bytes())?;
    Ok((cert_path, key_path))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
