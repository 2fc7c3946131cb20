//! Witness policies (c2sp.org/tlog-policy): which logs and witnesses exist,
//! how witnesses group, and which quorum of them must cosign a checkpoint
//! before a verifier accepts it.
//!
//! ```text
//! log example.org/truce+1a2b3c4d+AV…
//! witness pakistan pakistan.witness+5e6f7a8b+BX… https://witness.pk.example
//! witness qatar qatar.witness+9c0d1e2f+BQ…
//! group everyone all pakistan qatar
//! quorum everyone
//! ```
//!
//! Why follow the spec to the letter (whitespace is space and tab only,
//! comments are whole lines, duplicate keys and repeated group members are
//! refused): a policy is what a party's auditor and a public witness's
//! tooling both read, and two readers must never disagree on what it says.

use std::collections::{BTreeMap, HashSet};

use crate::TlogError;
use crate::cosignature::CosignatureVerifier;
use crate::note::{NoteSignature, NoteVerifier};

/// Most logs, witnesses and groups one policy may define. The spec
/// recommends supporting at least 32 of each.
pub const MAX_LOGS: usize = 64;
/// See [`MAX_LOGS`].
pub const MAX_WITNESSES: usize = 64;
/// See [`MAX_LOGS`].
pub const MAX_GROUPS: usize = 64;

/// How many of a group's members must have witnessed a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Threshold {
    All,
    Any,
    AtLeast(usize),
}

/// A log the policy accepts, with its URL if it gave one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLog {
    pub key: NoteVerifier,
    pub url: Option<String>,
}

/// A named witness: its key and, if given, its submission prefix URL
/// (c2sp.org/tlog-witness).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWitness {
    pub name: String,
    pub key: CosignatureVerifier,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Entity {
    Witness(usize),
    Group {
        threshold: Threshold,
        members: Vec<String>,
    },
}

/// A parsed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessPolicy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    entities: BTreeMap<String, Entity>,
    quorum: Option<String>,
}

/// One witness's valid cosignature on a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigned {
    /// The witness's name in the policy.
    pub witness: String,
    /// When it cosigned (POSIX seconds).
    pub timestamp: u64,
}

fn bad(line: usize, why: impl std::fmt::Display) -> TlogError {
    TlogError::Policy(format!("line {line}: {why}"))
}

impl WitnessPolicy {
    /// Parses a policy text.
    pub fn parse(text: &str) -> Result<Self, TlogError> {
        if let Some(c) = text
            .chars()
            .find(|&c| c != '\t' && c != '\n' && (c < ' ' || c == '\u{7f}'))
        {
            return Err(TlogError::Policy(format!(
                "control character U+{:04X}: only tab and newline are allowed",
                c as u32
            )));
        }
        let mut policy = WitnessPolicy {
            logs: Vec::new(),
            witnesses: Vec::new(),
            entities: BTreeMap::new(),
            quorum: None,
        };
        let mut quorum_seen = false;
        let mut groups = 0usize;
        for (n, raw) in text.split('\n').enumerate() {
            let line = n + 1;
            let words: Vec<&str> = raw.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            match words.as_slice() {
                [] => {}
                [first, ..] if first.starts_with('#') => {}
                ["log", vkey, url @ ..] if url.len() <= 1 => {
                    let key = NoteVerifier::from_vkey(vkey)
                        .map_err(|e| bad(line, format!("log key: {e}")))?;
                    if policy
                        .logs
                        .iter()
                        .any(|l| l.key.verifying_key() == key.verifying_key())
                    {
                        return Err(bad(line, "this log key is listed twice"));
                    }
                    if policy.logs.len() == MAX_LOGS {
                        return Err(bad(line, format!("more than {MAX_LOGS} logs")));
                    }
                    policy.logs.push(PolicyLog {
                        key,
                        url: url.first().map(|u| (*u).to_owned()),
                    });
                }
                ["witness", name, vkey, url @ ..] if url.len() <= 1 => {
                    let key = CosignatureVerifier::from_vkey(vkey)
                        .map_err(|e| bad(line, format!("witness key: {e}")))?;
                    if policy
                        .witnesses
                        .iter()
                        .any(|w| w.key.public_key() == key.public_key())
                    {
                        return Err(bad(line, "this witness key is listed twice"));
                    }
                    if policy.witnesses.len() == MAX_WITNESSES {
                        return Err(bad(line, format!("more than {MAX_WITNESSES} witnesses")));
                    }
                    policy
                        .define(name, Entity::Witness(policy.witnesses.len()))
                        .map_err(|e| bad(line, e))?;
                    policy.witnesses.push(PolicyWitness {
                        name: (*name).to_owned(),
                        key,
                        url: url.first().map(|u| (*u).to_owned()),
                    });
                }
                ["group", name, threshold, members @ ..] if !members.is_empty() => {
                    let mut seen = HashSet::new();
                    for m in members {
                        if *m == "none" {
                            return Err(bad(line, "\"none\" cannot be a group member"));
                        }
                        if !policy.entities.contains_key(*m) {
                            return Err(bad(
                                line,
                                format!("group {name} names {m}, which is not defined above it"),
                            ));
                        }
                        if !seen.insert(*m) {
                            return Err(bad(line, format!("group {name} lists {m} twice")));
                        }
                    }
                    let threshold = match *threshold {
                        "all" => Threshold::All,
                        "any" => Threshold::Any,
                        k if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) => {
                            match k.parse::<usize>() {
                                Ok(k) if (1..=members.len()).contains(&k) => Threshold::AtLeast(k),
                                _ => {
                                    return Err(bad(
                                        line,
                                        format!(
                                            "group {name} needs between 1 and {} of its members, not {k}",
                                            members.len()
                                        ),
                                    ));
                                }
                            }
                        }
                        k => {
                            return Err(bad(line, format!("{k:?} is not all, any or a number")));
                        }
                    };
                    groups += 1;
                    if groups > MAX_GROUPS {
                        return Err(bad(line, format!("more than {MAX_GROUPS} groups")));
                    }
                    let members = members.iter().map(|m| (*m).to_owned()).collect();
                    policy
                        .define(name, Entity::Group { threshold, members })
                        .map_err(|e| bad(line, e))?;
                }
                ["quorum", name] => {
                    if quorum_seen {
                        return Err(bad(line, "a policy has exactly one quorum line"));
                    }
                    quorum_seen = true;
                    if *name != "none" {
                        if !policy.entities.contains_key(*name) {
                            return Err(bad(
                                line,
                                format!("the quorum {name} is not defined above it"),
                            ));
                        }
                        policy.quorum = Some((*name).to_owned());
                    }
                }
                _ => {
                    return Err(bad(
                        line,
                        format!(
                            "{:?} is not a log, witness, group or quorum line",
                            raw.trim()
                        ),
                    ));
                }
            }
        }
        if !quorum_seen {
            return Err(TlogError::Policy(
                "no quorum line (write `quorum none` for no witnessing)".into(),
            ));
        }
        Ok(policy)
    }

    fn define(&mut self, name: &str, entity: Entity) -> Result<(), String> {
        if name == "none" {
            return Err("\"none\" is reserved".into());
        }
        if self.entities.contains_key(name) {
            return Err(format!("{name} is defined twice"));
        }
        self.entities.insert(name.to_owned(), entity);
        Ok(())
    }

    /// The logs the policy names.
    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    /// The witnesses the policy names, in the order it lists them.
    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// The quorum's name; `None` for `quorum none`.
    pub fn quorum(&self) -> Option<&str> {
        self.quorum.as_deref()
    }

    /// Whether the named witnesses (by their policy names) meet the quorum.
    pub fn satisfied_by(&self, witnessed: &[&str]) -> bool {
        match &self.quorum {
            None => true,
            Some(q) => self.witnessed(q, witnessed),
        }
    }

    // Groups only name entities defined above them, so this recursion ends
    // (its depth is at most the number of groups).
    fn witnessed(&self, name: &str, witnessed: &[&str]) -> bool {
        match self.entities.get(name) {
            Some(Entity::Witness(_)) => witnessed.contains(&name),
            Some(Entity::Group { threshold, members }) => {
                let met = members
                    .iter()
                    .filter(|m| self.witnessed(m, witnessed))
                    .count();
                match threshold {
                    Threshold::All => met == members.len(),
                    Threshold::Any => met >= 1,
                    Threshold::AtLeast(k) => met >= *k,
                }
            }
            None => false,
        }
    }

    /// The policy's witnesses whose cosignatures among `signatures` verify
    /// on `checkpoint_text`. Lines by unknown keys are ignored, as the spec
    /// asks; a line by a policy witness that does not verify is ignored too
    /// (it proves nothing), and each witness counts once.
    pub fn cosigners(&self, checkpoint_text: &str, signatures: &[NoteSignature]) -> Vec<Cosigned> {
        let mut out: Vec<Cosigned> = Vec::new();
        for w in &self.witnesses {
            let valid = signatures
                .iter()
                .filter(|s| w.key.is_signer_of(s))
                .find_map(|s| w.key.verify(checkpoint_text, s).ok());
            if let Some(timestamp) = valid {
                out.push(Cosigned {
                    witness: w.name.clone(),
                    timestamp,
                });
            }
        }
        out
    }

    /// Whether the valid cosignatures among `signatures` meet the quorum.
    pub fn quorum_met(&self, checkpoint_text: &str, signatures: &[NoteSignature]) -> bool {
        let cosigners = self.cosigners(checkpoint_text, signatures);
        let names: Vec<&str> = cosigners.iter().map(|c| c.witness.as_str()).collect();
        self.satisfied_by(&names)
    }
}
