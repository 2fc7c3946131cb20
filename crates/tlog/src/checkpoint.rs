//! Checkpoints (c2sp.org/tlog-checkpoint): the signed statement "my log has
//! `size` leaves and this root".
//!
//! Why strict parsing: a checkpoint is what witnesses cosign and what
//! clients pin, so two byte strings must never parse to the same checkpoint
//! (no leading zeros, canonical base64, no empty lines), and opening one
//! always checks both the log's signature and that the origin line names the
//! key that signed it.

use crate::TlogError;
use crate::hash::Hash;
use crate::note::{NoteSigner, NoteVerifier, open_note, sign_note};

/// A log's signed tree head: origin, size, root, optional extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Log identity, e.g. `example.com/log42`; equals the log key's name.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// RFC 6962 root of the first `size` leaves.
    pub root: Hash,
    /// Opaque, non-empty extra lines (not recommended by the spec).
    pub extensions: Vec<String>,
}

fn malformed(why: impl Into<String>) -> TlogError {
    TlogError::MalformedCheckpoint(why.into())
}

impl Checkpoint {
    /// The note text: origin, size, base64 root, extensions, one per line,
    /// each ending in a newline. Does not validate; [`Checkpoint::sign`]
    /// does.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, self.root);
        for ext in &self.extensions {
            out.push_str(ext);
            out.push('\n');
        }
        out
    }

    /// Parses a checkpoint note text (without signatures).
    pub fn parse(text: &str) -> Result<Self, TlogError> {
        if text.chars().any(|c| c < ' ' && c != '\n') {
            return Err(malformed("control character in checkpoint"));
        }
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| malformed("checkpoint must end with a newline"))?;
        let mut lines = body.split('\n');
        let mut next = |what: &str| -> Result<&str, TlogError> {
            match lines.next() {
                Some(l) if !l.is_empty() => Ok(l),
                Some(_) => Err(malformed(format!("{what} line is empty"))),
                None => Err(malformed(format!("missing {what} line"))),
            }
        };
        let origin = next("origin")?.to_owned();
        let size = parse_size(next("size")?)?;
        let root = Hash::from_base64(next("root hash")?)
            .map_err(|e| malformed(format!("root hash: {e}")))?;
        let extensions = lines
            .map(|l| {
                if l.is_empty() {
                    Err(malformed("extension lines must be non-empty"))
                } else {
                    Ok(l.to_owned())
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Checkpoint {
            origin,
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint as a note. The signer's name must equal the
    /// origin (so that [`Checkpoint::open`] will accept it), and the
    /// checkpoint must be well formed (it must parse back to itself).
    pub fn sign(&self, signer: &NoteSigner) -> Result<String, TlogError> {
        if signer.name() != self.origin {
            return Err(TlogError::OriginMismatch {
                origin: self.origin.clone(),
                key_name: signer.name().to_owned(),
            });
        }
        let text = self.to_text();
        if Checkpoint::parse(&text)? != *self {
            return Err(malformed("checkpoint does not survive a round trip"));
        }
        sign_note(&text, &[signer])
    }

    /// Opens a signed checkpoint: the log's own signature must be present
    /// and valid (other signatures, e.g. witnesses', are ignored) and the
    /// origin must equal the log key's name.
    pub fn open(note: &str, log_key: &NoteVerifier) -> Result<Self, TlogError> {
        let (opened, _others) = open_note(note, std::slice::from_ref(log_key))?;
        let cp = Checkpoint::parse(&opened.text)?;
        if cp.origin != log_key.name() {
            return Err(TlogError::OriginMismatch {
                origin: cp.origin,
                key_name: log_key.name().to_owned(),
            });
        }
        Ok(cp)
    }
}

/// ASCII decimal, no sign, no leading zeros (except "0" itself).
fn parse_size(s: &str) -> Result<u64, TlogError> {
    if !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return Err(malformed(format!("invalid tree size {s:?}")));
    }
    s.parse()
        .map_err(|_| malformed(format!("tree size {s:?} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::empty_root;

    #[test]
    fn text_format_matches_the_spec_example_shape() {
        let cp = Checkpoint {
            origin: "example.com/behind-the-sofa".into(),
            size: 20852163,
            root: Hash::from_base64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=").unwrap(),
            extensions: vec![],
        };
        let text =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        assert_eq!(cp.to_text(), text);
        assert_eq!(Checkpoint::parse(text).unwrap(), cp);
    }

    #[test]
    fn malformed_texts_are_rejected() {
        let root = empty_root().to_base64();
        for bad in [
            format!("o\n0\n{root}"),                      // no final newline
            format!("o\n00\n{root}\n"),                   // leading zero
            format!("o\n+1\n{root}\n"),                   // sign
            format!("o\n-1\n{root}\n"),                   // negative
            format!("o\n18446744073709551616\n{root}\n"), // overflow
            format!("\n0\n{root}\n"),                     // empty origin
            "o\n0\n\n".to_string(),                       // empty root
            "o\n0\n".to_string(),                         // missing root
            format!("o\n0\n{root}\n\n"),                  // empty extension line
            format!("o\t\n0\n{root}\n"),                  // control character
            "o\n0\nZG9uJ3QgY2FyZSAx\n".to_string(),       // short root
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "accepted {bad:?}");
        }
        assert!(Checkpoint::parse(&format!("o\n0\n{root}\next\n")).is_ok());
    }
}
