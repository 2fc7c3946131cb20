//! What a verifier concludes from a checkpoint's cosignatures under a
//! witness policy (c2sp.org/tlog-policy): who cosigned, and whether that
//! meets the quorum. Shared by `truce verify` over a store, an export, a
//! bundle and a tlog-proof, so that all four enforce the policy alike.

use serde::Serialize;
use truce_tlog::WitnessPolicy;
use truce_tlog::note::parse_note;

/// The witnessing of one checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witnessing {
    /// The checkpoint's size.
    pub size: u64,
    /// The policy's witnesses whose cosignatures verify, in policy order.
    pub cosigners: Vec<String>,
    /// The policy's quorum name (`None`: `quorum none`).
    pub quorum: Option<String>,
    /// Whether the cosigners meet it.
    pub quorum_met: bool,
}

impl Witnessing {
    /// Checks `note` (a checkpoint with any cosignature lines) against
    /// `policy`. Lines by keys the policy does not name are ignored, as the
    /// spec asks; a line by a policy witness that does not verify is an
    /// error, since only tampering puts one there.
    pub fn of(policy: &WitnessPolicy, size: u64, note: &str) -> Result<Self, String> {
        let parsed = parse_note(note).map_err(|e| format!("the checkpoint note: {e}"))?;
        for line in &parsed.signatures {
            if let Some(w) = policy.witnesses().iter().find(|w| w.key.is_signer_of(line))
                && let Err(e) = w.key.verify(&parsed.text, line)
            {
                return Err(format!(
                    "the cosignature of witness {} does not verify: {e}",
                    w.name
                ));
            }
        }
        let cosigners: Vec<String> = policy
            .cosigners(&parsed.text, &parsed.signatures)
            .into_iter()
            .map(|c| c.witness)
            .collect();
        let names: Vec<&str> = cosigners.iter().map(String::as_str).collect();
        Ok(Witnessing {
            size,
            quorum_met: policy.satisfied_by(&names),
            quorum: policy.quorum().map(str::to_owned),
            cosigners,
        })
    }

    /// Refuses a checkpoint that does not meet the quorum, saying who did
    /// cosign and what the policy wants.
    pub fn require_quorum(&self) -> Result<(), String> {
        if self.quorum_met {
            return Ok(());
        }
        Err(format!(
            "the checkpoint of size {} does not meet the witness quorum {}: cosigned by {}",
            self.size,
            self.quorum.as_deref().unwrap_or("none"),
            if self.cosigners.is_empty() {
                "no witness of the policy".to_string()
            } else {
                self.cosigners.join(", ")
            }
        ))
    }
}
