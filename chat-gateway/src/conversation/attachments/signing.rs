//! [`PreviewKey`]: signs the short-lived preview URLs of image attachments. An `<img>` cannot
//! send a Bearer token, so the URL itself proves the owner asked: an HMAC-SHA256 over the
//! user, the attachment and the expiry, checked in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The key preview URLs are signed with (every replica needs the same one).
#[derive(Clone)]
pub struct PreviewKey(Vec<u8>);

impl std::fmt::Debug for PreviewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PreviewKey(…)")
    }
}

impl PreviewKey {
    /// A key derived from `secret` (so the secret itself, possibly shared with another use,
    /// never signs anything here).
    pub fn derive(secret: &[u8]) -> Self {
        Self(mac(secret, b"chat-gateway attachment previews").finalize().into_bytes().to_vec())
    }

    /// A random key: URLs signed with it verify only in this process.
    pub fn random() -> Self {
        let bytes: Vec<u8> =
            [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()].iter().flat_map(|u| *u.as_bytes()).collect();
        Self(bytes)
    }

    /// The lower-case hex signature of `user`'s attachment `id` until `expires` (Unix seconds).
    pub fn sign(&self, user: &str, id: &str, expires: i64) -> String {
        hex::encode(self.message(user, id, expires).finalize().into_bytes())
    }

    /// Whether `signature` is this key's for `user`, `id` and `expires`, and `expires` is
    /// not before `now` (Unix seconds).
    pub fn verify(&self, user: &str, id: &str, expires: i64, signature: &str, now: i64) -> bool {
        let Ok(given) = hex::decode(signature) else { return false };
        expires >= now && self.message(user, id, expires).verify_slice(&given).is_ok()
    }

    fn message(&self, user: &str, id: &str, expires: i64) -> HmacSha256 {
        // Lengths first, so no two (user, id) pairs read as the same message.
        let text = format!("preview\n{}:{user}\n{}:{id}\n{expires}", user.len(), id.len());
        mac(&self.0, text.as_bytes())
    }
}

fn mac(key: &[u8], message: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    mac.update(message);
    mac
}

#[cfg(test)]
mod tests {
    use super::PreviewKey;

    #[test]
    fn a_signature_holds_for_its_user_attachment_and_time_only() {
        let key = PreviewKey::derive(b"secret");
        let sig = key.sign("alice", "atc_1", 1_000);
        assert!(key.verify("alice", "atc_1", 1_000, &sig, 999));
        assert!(!key.verify("alice", "atc_1", 1_000, &sig, 1_001), "expired");
        assert!(!key.verify("bob", "atc_1", 1_000, &sig, 999));
        assert!(!key.verify("alice", "atc_2", 1_000, &sig, 999));
        assert!(!key.verify("alice", "atc_1", 2_000, &sig, 999));
        assert!(!PreviewKey::derive(b"other").verify("alice", "atc_1", 1_000, &sig, 999));
        assert!(!key.verify("alice", "atc_1", 1_000, "zz", 999));
    }
}
