//! Secrets and their hashes: random tokens for links and keys, the hashes that are stored instead
//! of them, and keyed hashes that outlive the data they were made from.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the OS, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The hex SHA-256 of a secret; only hashes of tokens are stored.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The hex HMAC-SHA-256 of `value` under `key`.
pub fn keyed_hash(key: &str, value: &str) -> String {
    use hmac::{Hmac, Mac};
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC key");
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_url_safe_and_never_repeat() {
        let a = random_token(32);
        assert_eq!(a.len(), 43, "32 bytes in base64 without padding");
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(a, random_token(32));
    }

    #[test]
    fn hashes_are_hex_sha_256_and_keyed_hashes_depend_on_the_key() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(keyed_hash("k1", "v"), keyed_hash("k2", "v"));
        assert_eq!(keyed_hash("k1", "v"), keyed_hash("k1", "v"));
        assert_eq!(keyed_hash("k1", "v").len(), 64);
    }
}
