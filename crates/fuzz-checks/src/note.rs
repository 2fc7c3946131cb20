use std::sync::OnceLock;
use truce_tlog::note::parse_note_bytes;
use truce_tlog::{Checkpoint, NoteSigner, NoteVerifier, open_note};

/// The origin of the fixed log key the note target opens checkpoints with.
pub const FUZZ_LOG_ORIGIN: &str = "truce.example/fuzz";

/// The fixed log key (seed `[7; 32]`): the committed corpus holds
/// checkpoints it signed, so the fuzzer starts from notes that open.
pub fn fuzz_log_key() -> &'static NoteSigner {
    static KEY: OnceLock<NoteSigner> = OnceLock::new();
    KEY.get_or_init(|| NoteSigner::from_seed(FUZZ_LOG_ORIGIN, [7; 32]).expect("a valid key name"))
}

/// The verifiers notes are opened with: the fixed log key, and the key of
/// the c2sp.org/signed-note example (whose note is in the corpus).
fn verifiers() -> &'static [NoteVerifier] {
    static KEYS: OnceLock<Vec<NoteVerifier>> = OnceLock::new();
    KEYS.get_or_init(|| {
        vec![
            fuzz_log_key().verifier(),
            NoteVerifier::from_vkey(
                "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            )
            .expect("the c2sp example key"),
        ]
    })
}

/// Bytes as a signed note and as a checkpoint, parsed and opened with fixed
/// keys: never a panic; what parses prints back to the same text (a note
/// and a checkpoint have one spelling); an opened note keeps only signatures
/// that verify; an opened checkpoint is the log key's, and signing it again
/// opens to the same checkpoint.
pub fn note(data: &[u8]) {
    let parsed = parse_note_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(parsed.is_err(), "a note that is not UTF-8 parsed");
        return;
    };
    if let Ok(note) = parsed {
        assert_eq!(note.encode(), text, "a parsed note prints otherwise");
    }
    if let Ok((opened, _unknown)) = open_note(text, verifiers()) {
        assert!(!opened.signatures.is_empty(), "opened without a signature");
        for sig in &opened.signatures {
            let key = verifiers()
                .iter()
                .find(|v| v.name() == sig.name && v.key_id() == sig.key_id)
                .expect("a kept signature by an unknown key");
            assert!(
                key.verify_bytes(opened.text.as_bytes(), &sig.signature),
                "a kept signature does not verify"
            );
        }
    }
    if let Ok(cp) = Checkpoint::parse(text) {
        assert_eq!(cp.to_text(), text, "a parsed checkpoint prints otherwise");
        let ours = Checkpoint {
            origin: FUZZ_LOG_ORIGIN.to_owned(),
            ..cp
        };
        let signed = ours
            .sign(fuzz_log_key())
            .expect("a parsed checkpoint signs");
        assert_eq!(
            Checkpoint::open(&signed, &fuzz_log_key().verifier()),
            Ok(ours),
            "a signed checkpoint opens otherwise"
        );
    }
    let log_key = fuzz_log_key().verifier();
    if let Ok(cp) = Checkpoint::open(text, &log_key) {
        assert_eq!(cp.origin, FUZZ_LOG_ORIGIN, "opened under another origin");
    }
}
