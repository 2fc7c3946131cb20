//! Signed notes (c2sp.org/signed-note), Ed25519 only (signature type 0x01).
//!
//! Why notes: checkpoints, and later witness cosignatures, travel as signed
//! notes so that Go tooling (sumdb, the transparency-dev witness and
//! omniwitness) and our Rust code can check each other's output byte for
//! byte. Parsing follows the spec and the reference Go implementation
//! (golang.org/x/mod/sumdb/note): anything it would call a malformed note is
//! rejected here too. Only Ed25519 is supported because that is all Truce
//! signs with; other signature types are simply "unknown keys".

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::TlogError;

/// Signature type identifier of Ed25519 in c2sp.org/signed-note.
pub const ALG_ED25519: u8 = 0x01;

/// Most signatures a note may carry; more makes it malformed (the spec
/// requires accepting at least 16; Go's limit is 100).
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// The key ID of an Ed25519 key: the first four bytes (big-endian) of
/// SHA-256(name || "\n" || 0x01 || pubkey).
pub fn key_id(name: &str, pubkey: &[u8; 32]) -> u32 {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update([ALG_ED25519])
        .chain_update(pubkey)
        .finalize()
        .into();
    let [a, b, c, d, ..] = digest;
    u32::from_be_bytes([a, b, c, d])
}

/// Whether `name` may be a key name: non-empty, no '+', no Unicode
/// whitespace. Control characters are refused too, since a note containing
/// them is malformed anyway.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('+')
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub(crate) fn check_name(name: &str) -> Result<(), TlogError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(TlogError::InvalidKeyName(name.to_owned()))
    }
}

/// Parses "hex8+base64" (the tail of both key string forms) into the key id
/// and the decoded `type || key` bytes.
/// A vkey's parts, `name+hex8(key ID)+base64(type || key)`: the name
/// (checked), the key ID it states and the typed key bytes.
pub(crate) fn split_vkey(s: &str) -> Result<(&str, u32, Vec<u8>), TlogError> {
    let bad = |why: String| TlogError::InvalidVerifierKey(why);
    let (name, rest) = s
        .split_once('+')
        .ok_or_else(|| bad("missing '+' after the name".into()))?;
    check_name(name)?;
    let (id, key) = parse_id_and_key(rest).map_err(bad)?;
    Ok((name, id, key))
}

/// Refuses a vkey whose stated key ID is not the one its key gives.
pub(crate) fn check_key_id(stated: u32, computed: u32) -> Result<(), TlogError> {
    if stated == computed {
        Ok(())
    } else {
        Err(TlogError::InvalidVerifierKey(format!(
            "key id {stated:08x} does not match the key ({computed:08x})"
        )))
    }
}

pub(crate) fn parse_id_and_key(rest: &str) -> Result<(u32, Vec<u8>), String> {
    let (hex8, b64) = rest.split_once('+').ok_or("missing '+' before the key")?;
    if hex8.len() != 8 || !hex8.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("key id must be 8 hex digits".into());
    }
    let id = u32::from_str_radix(hex8, 16).map_err(|e| format!("bad key id: {e}"))?;
    let key = STANDARD
        .decode(b64)
        .map_err(|e| format!("bad base64 key: {e}"))?;
    Ok((id, key))
}

/// Splits `type || key` and checks it is an Ed25519 key of 32 bytes.
fn ed25519_key_bytes(key: &[u8]) -> Result<[u8; 32], String> {
    match key.split_first() {
        None => Err("empty key".into()),
        Some((&ALG_ED25519, rest)) => rest
            .try_into()
            .map_err(|_| format!("Ed25519 key must be 32 bytes, got {}", rest.len())),
        Some((alg, _)) => Err(format!("unsupported signature type 0x{alg:02x}")),
    }
}

fn encode_key(key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(ALG_ED25519);
    bytes.extend_from_slice(key);
    STANDARD.encode(bytes)
}

/// A named Ed25519 note signing key.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// Parses `PRIVATE+KEY+name+hex8(keyID)+base64(0x01 || seed)`, checking
    /// that the key id matches the derived public key.
    pub fn from_skey(s: &str) -> Result<Self, TlogError> {
        let bad = |why: String| TlogError::InvalidSignerKey(why);
        let rest = s
            .strip_prefix(PRIVATE_KEY_PREFIX)
            .ok_or_else(|| bad("must start with PRIVATE+KEY+".into()))?;
        let (name, rest) = rest
            .split_once('+')
            .ok_or_else(|| bad("missing '+' after the name".into()))?;
        check_name(name)?;
        let (id, key) = parse_id_and_key(rest).map_err(bad)?;
        let seed = ed25519_key_bytes(&key).map_err(bad)?;
        let signer = Self::from_seed(name, seed)?;
        if signer.key_id != id {
            return Err(bad(format!(
                "key id {id:08x} does not match the key ({:08x})",
                signer.key_id
            )));
        }
        Ok(signer)
    }

    /// Generates a fresh key named `name`.
    pub fn generate(
        name: &str,
        rng: &mut (impl rand::CryptoRng + rand::RngCore),
    ) -> Result<Self, TlogError> {
        check_name(name)?;
        let key = SigningKey::generate(rng);
        Ok(Self::with_key(name, key))
    }

    /// The key named `name` with the given 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, TlogError> {
        check_name(name)?;
        Ok(Self::with_key(name, SigningKey::from_bytes(&seed)))
    }

    fn with_key(name: &str, key: SigningKey) -> Self {
        let key_id = key_id(name, key.verifying_key().as_bytes());
        NoteSigner {
            name: name.to_owned(),
            key_id,
            key,
        }
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The private key string `PRIVATE+KEY+name+hex8+base64(0x01 || seed)`.
    /// It is a secret: keep it out of logs.
    pub fn skey(&self) -> String {
        format!(
            "{PRIVATE_KEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key(&self.key.to_bytes())
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The underlying Ed25519 key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// Ed25519 signature over `msg` (for a note, `msg` is its text).
    pub fn sign_bytes(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

/// A named Ed25519 note verification key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// Parses `name+hex8(keyID)+base64(0x01 || pubkey)`, checking the key id.
    pub fn from_vkey(s: &str) -> Result<Self, TlogError> {
        let bad = |why: String| TlogError::InvalidVerifierKey(why);
        let (name, id, key) = split_vkey(s)?;
        let pubkey = ed25519_key_bytes(&key).map_err(bad)?;
        let key = VerifyingKey::from_bytes(&pubkey)
            .map_err(|e| bad(format!("not an Ed25519 public key: {e}")))?;
        let v = Self::new(name, key)?;
        check_key_id(id, v.key_id)?;
        Ok(v)
    }

    /// The verifier named `name` for `key`.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, TlogError> {
        check_name(name)?;
        Ok(NoteVerifier {
            name: name.to_owned(),
            key_id: key_id(name, key.as_bytes()),
            key,
        })
    }

    /// The verifier key string `name+hex8+base64(0x01 || pubkey)`.
    pub fn vkey(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key(self.key.as_bytes())
        )
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The underlying Ed25519 key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Whether `signature` is a valid (strict) Ed25519 signature of `msg`.
    pub fn verify_bytes(&self, msg: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature)
            .map(|sig| self.key.verify_strict(msg, &sig).is_ok())
            .unwrap_or(false)
    }
}

/// One signature line of a note: `— name base64(keyID || signature)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// Key id (the first four bytes of the decoded signature).
    pub key_id: u32,
    /// The signature proper, without the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The signature line, including the final newline.
    pub fn to_line(&self) -> String {
        let mut bytes = Vec::with_capacity(4 + self.signature.len());
        bytes.extend_from_slice(&self.key_id.to_be_bytes());
        bytes.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, STANDARD.encode(bytes))
    }

    /// Parses one signature line (`— name base64`, without its newline),
    /// as a witness's answer carries them (c2sp.org/tlog-witness).
    pub fn parse_line(line: &str) -> Result<Self, TlogError> {
        parse_signature_line(line)
    }
}

/// A note: its text (ending in a newline) and signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    /// Signatures, in note order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// The wire form: text, blank line, signature lines.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + 120 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for sig in &self.signatures {
            out.push_str(&sig.to_line());
        }
        out
    }
}

fn malformed(why: &str) -> TlogError {
    TlogError::MalformedNote(why.to_owned())
}

/// Checks that a note text can be signed: non-empty, ending in a newline,
/// no ASCII control characters other than newline.
fn check_text(text: &str) -> Result<(), TlogError> {
    if !text.ends_with('\n') {
        return Err(malformed("text must be non-empty and end with a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(malformed("text contains a control character"));
    }
    Ok(())
}

/// Signs `text` with every signer, in order. `text` must be non-empty, end
/// in '\n' and contain no control characters but newlines; it may contain
/// blank lines (the last blank line of a note separates the signatures).
pub fn sign_note(text: &str, signers: &[&NoteSigner]) -> Result<String, TlogError> {
    check_text(text)?;
    if signers.is_empty() {
        return Err(malformed("a note needs at least one signature"));
    }
    if signers.len() > MAX_SIGNATURES {
        return Err(malformed("too many signatures"));
    }
    let note = Note {
        text: text.to_owned(),
        signatures: signers
            .iter()
            .map(|s| NoteSignature {
                name: s.name.clone(),
                key_id: s.key_id,
                signature: s.sign_bytes(text.as_bytes()).to_vec(),
            })
            .collect(),
    };
    Ok(note.encode())
}

/// Like [`parse_note`], for raw bytes (rejects invalid UTF-8 as malformed).
pub fn parse_note_bytes(note: &[u8]) -> Result<Note, TlogError> {
    let s = std::str::from_utf8(note).map_err(|_| malformed("not valid UTF-8"))?;
    parse_note(s)
}

/// Parses a note without verifying anything. Malformed notes per the spec
/// and the Go implementation are errors: control characters, no blank line
/// before the signatures, no final newline, a line that is not a
/// well-formed signature, a signature shorter than 5 bytes, or more than
/// [`MAX_SIGNATURES`] signatures.
pub fn parse_note(note: &str) -> Result<Note, TlogError> {
    if note.chars().any(|c| c < ' ' && c != '\n') {
        return Err(malformed("note contains a control character"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or_else(|| malformed("no blank line before the signatures"))?;
    let text = note
        .get(..=split)
        .ok_or_else(|| malformed("bad text boundary"))?;
    let block = note
        .get(split + 2..)
        .ok_or_else(|| malformed("bad signature boundary"))?;
    let lines = block
        .strip_suffix('\n')
        .ok_or_else(|| malformed("signature block must be non-empty and end with a newline"))?;

    let mut signatures = Vec::new();
    for line in lines.split('\n') {
        if signatures.len() >= MAX_SIGNATURES {
            return Err(malformed("too many signatures"));
        }
        signatures.push(parse_signature_line(line)?);
    }
    Ok(Note {
        text: text.to_owned(),
        signatures,
    })
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, TlogError> {
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or_else(|| malformed("signature line must start with an em dash and a space"))?;
    let (name, b64) = rest.split_once(' ').unwrap_or((rest, ""));
    if !is_valid_key_name(name) {
        return Err(malformed("invalid key name in signature line"));
    }
    if b64.is_empty() {
        return Err(malformed("empty signature"));
    }
    let raw = STANDARD
        .decode(b64)
        .map_err(|_| malformed("signature is not valid base64"))?;
    match raw.split_first_chunk::<4>() {
        Some((id, sig)) if !sig.is_empty() => Ok(NoteSignature {
            name: name.to_owned(),
            key_id: u32::from_be_bytes(*id),
            signature: sig.to_vec(),
        }),
        _ => Err(malformed("signature too short")),
    }
}

/// Parses `note` and checks its signatures against `verifiers`.
///
/// Returns the note carrying only the signatures that verified (repeats of
/// a key are dropped), and the signatures from unknown keys (identical
/// repeats dropped). Fails if the note is malformed, if any signature by a
/// known key (same name *and* key id) is invalid, or if no known key signed.
pub fn open_note(
    note: &str,
    verifiers: &[NoteVerifier],
) -> Result<(Note, Vec<NoteSignature>), TlogError> {
    let parsed = parse_note(note)?;
    let mut verified: Vec<NoteSignature> = Vec::new();
    let mut unknown: Vec<NoteSignature> = Vec::new();
    for sig in parsed.signatures {
        let known = verifiers
            .iter()
            .find(|v| v.name == sig.name && v.key_id == sig.key_id);
        match known {
            None => {
                if !unknown.contains(&sig) {
                    unknown.push(sig);
                }
            }
            Some(v) => {
                if verified
                    .iter()
                    .any(|s| s.name == sig.name && s.key_id == sig.key_id)
                {
                    continue;
                }
                if !v.verify_bytes(parsed.text.as_bytes(), &sig.signature) {
                    return Err(TlogError::InvalidSignature {
                        name: sig.name,
                        key_id: sig.key_id,
                    });
                }
                verified.push(sig);
            }
        }
    }
    if verified.is_empty() {
        return Err(TlogError::UnverifiedNote);
    }
    Ok((
        Note {
            text: parsed.text,
            signatures: verified,
        },
        unknown,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_follow_the_spec() {
        assert!(is_valid_key_name("example.com/log"));
        assert!(is_valid_key_name("PeterNeumann"));
        assert!(!is_valid_key_name(""));
        assert!(!is_valid_key_name("a+b"));
        assert!(!is_valid_key_name("a b"));
        assert!(!is_valid_key_name("a\u{00a0}b"));
        assert!(!is_valid_key_name("a\u{1}b"));
    }

    #[test]
    fn keys_round_trip_through_their_strings() {
        let s = NoteSigner::from_seed("example.com/log", [7; 32]).unwrap();
        let s2 = NoteSigner::from_skey(&s.skey()).unwrap();
        assert_eq!(s2.skey(), s.skey());
        let v = NoteVerifier::from_vkey(&s.verifier().vkey()).unwrap();
        assert_eq!(v, s.verifier());
        assert!(!format!("{s:?}").contains(&s.skey()));
    }

    #[test]
    fn a_repeated_known_signature_counts_once() {
        let s = NoteSigner::from_seed("k", [1; 32]).unwrap();
        let note = sign_note("hi\n", &[&s, &s]).unwrap();
        let (n, unknown) = open_note(&note, &[s.verifier()]).unwrap();
        assert_eq!(n.signatures.len(), 1);
        assert!(unknown.is_empty());
    }
}
