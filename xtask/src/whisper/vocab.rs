//! The token table of a whisper.cpp model file: the byte strings of Whisper's byte-level BPE
//! tokens, taken from CTranslate2's `vocabulary.json`, which spells each token in GPT-2's
//! printable alphabet. whisper.cpp derives the special tokens' ids itself, so only the tokens
//! before `<|endoftext|>` go into the file (as OpenAI's own converter writes them).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};

/// The byte strings of the ordinary tokens (ids 0 up to `<|endoftext|>`) of the vocabulary
/// at `path` (a JSON array of strings).
pub(super) fn tokens(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let vocab: Vec<String> = serde_json::from_slice(&text)
        .with_context(|| format!("{}: not a JSON array of strings", path.display()))?;
    let n_tokens = vocab
        .iter()
        .position(|t| t == "<|endoftext|>")
        .with_context(|| format!("{}: no <|endoftext|> token", path.display()))?;
    let bytes = gpt2_unicode_to_byte();
    let mut tokens = Vec::with_capacity(n_tokens);
    for (id, token) in vocab[..n_tokens].iter().enumerate() {
        let mut raw = Vec::with_capacity(token.len());
        for ch in token.chars() {
            let Some(&b) = bytes.get(&ch) else {
                bail!(
                    "{}: token {id} {token:?} has {ch:?}, not in GPT-2's byte alphabet",
                    path.display()
                );
            };
            raw.push(b);
        }
        tokens.push(raw);
    }
    Ok(tokens)
}

/// The inverse of GPT-2's `bytes_to_unicode()`: bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF are
/// spelled as the same code point, the other 68 as U+0100, U+0101, … in increasing order.
fn gpt2_unicode_to_byte() -> HashMap<char, u8> {
    let printable = |b: u8| matches!(b, 0x21..=0x7e | 0xa1..=0xac | 0xae..=0xff);
    let mut others = ('\u{100}'..).take(68);
    (0..=u8::MAX)
        .map(|b| {
            let ch = if printable(b) {
                char::from(b)
            } else {
                others.next().unwrap_or(char::REPLACEMENT_CHARACTER)
            };
            (ch, b)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The alphabet is a bijection between the 256 bytes and 256 distinct characters.
    #[test]
    fn byte_map_is_a_bijection() {
        let map = gpt2_unicode_to_byte();
        assert_eq!(map.len(), 256, "256 distinct characters");
        let mut bytes: Vec<u8> = map.values().copied().collect();
        bytes.sort_unstable();
        assert_eq!(bytes, (0..=u8::MAX).collect::<Vec<_>>(), "every byte once");
        assert!(!map.contains_key(&char::REPLACEMENT_CHARACTER));
        assert_eq!(map[&'Ġ'], b' ');
        assert_eq!(map[&'Ċ'], b'\n');
        assert_eq!(map[&'\u{143}'], 0xad);
    }

    /// Tokens are decoded to bytes ("åľº" is "场" in UTF-8) and cut at `<|endoftext|>`; a
    /// character outside the alphabet is an error naming the token.
    #[test]
    fn reads_a_vocabulary() {
        let dir = std::env::temp_dir().join(format!("ringdesk-vocab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("vocabulary.json");
        std::fs::write(
            &path,
            r#"["!", "Ġa", "åľº", "", "<|endoftext|>", "<|startoftranscript|>"]"#,
        )
        .unwrap();
        let tokens = tokens(&path).unwrap();
        assert_eq!(tokens, [b"!".to_vec(), b" a".to_vec(), "场".into(), vec![]]);
        std::fs::write(&path, r#"["a", "€", "<|endoftext|>"]"#).unwrap();
        let err = format!("{:#}", super::tokens(&path).unwrap_err());
        assert!(err.contains("token 1"), "{err}");
        std::fs::write(&path, r#"["a"]"#).unwrap();
        assert!(super::tokens(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
