//! Vendor signatures on plugin components.
//!
//! Format: a detached ed25519 signature over the 32 raw bytes of the
//! component's sha256 digest, written as 128 hex digits. It travels beside
//! the upload (the `x-plaza-signature` header; `plaza plugin push
//! --signature`), and a district that lists `trusted_keys` accepts only
//! components signed by one of them. `plaza plugin keygen` makes a key
//! pair and `plaza plugin sign` a signature.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The digest a signature covers.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Signs a component with a secret key; returns the signature as hex.
pub fn sign(key: &SigningKey, component: &[u8]) -> String {
    hex::encode(key.sign(&digest(component)).to_bytes())
}

/// Reads a hex secret key (32 bytes).
pub fn parse_signing_key(hex_key: &str) -> Result<SigningKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a secret key is 64 hex digits")?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// A fresh key pair: (secret, public), both hex.
pub fn generate() -> Result<(String, String), String> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| format!("no randomness: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((
        hex::encode(key.to_bytes()),
        hex::encode(key.verifying_key().to_bytes()),
    ))
}

/// Which of `trusted` keys signed `digest` with `signature` (hex); the
/// error says why none did.
pub fn verify<'k>(
    trusted: &'k [(String, VerifyingKey)],
    digest: &[u8; 32],
    signature: &str,
) -> Result<&'k str, String> {
    let bytes: [u8; 64] = hex::decode(signature.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 128 hex digits (an ed25519 signature)")?;
    let signature = Signature::from_bytes(&bytes);
    trusted
        .iter()
        .find(|(_, key)| key.verify(digest, &signature).is_ok())
        .map(|(hex_key, _)| hex_key.as_str())
        .ok_or_else(|| "the signature matches none of the district's trusted keys".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_with_its_key_and_its_bytes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let trusted = vec![("k".to_owned(), key.verifying_key())];
        let sig = sign(&key, b"component");
        assert_eq!(verify(&trusted, &digest(b"component"), &sig), Ok("k"));
        assert!(verify(&trusted, &digest(b"tampered"), &sig).is_err());
        let forged = sign(&other, b"component");
        assert!(verify(&trusted, &digest(b"component"), &forged).is_err());
        assert!(verify(&trusted, &digest(b"component"), "zz").is_err());
    }
}
