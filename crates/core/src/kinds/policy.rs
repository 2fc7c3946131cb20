//! The charter's witness policy in c2sp.org/tlog-policy form: which witnesses
//! exist (name and verifier key), how they group, and which quorum of them
//! must cosign a checkpoint before it counts.
//!
//! ```text
//! witness pakistan pakistan.witness+1a2b3c4d+AV…
//! witness qatar qatar.witness+5e6f7a8b+AX…
//! group everyone all pakistan qatar
//! quorum everyone
//! ```

use std::collections::BTreeMap;
use truce_tlog::note::NoteVerifier;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Threshold {
    All,
    Any,
    AtLeast(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    Witness(NoteVerifier),
    Group {
        threshold: Threshold,
        members: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessPolicy {
    /// Logs the policy names (verifier keys), if any.
    pub logs: Vec<NoteVerifier>,
    /// Witnesses and groups by name, in one namespace.
    pub entities: BTreeMap<String, Entity>,
    /// The name whose satisfaction makes a checkpoint count; `None` for `quorum none`.
    pub quorum: Option<String>,
}

impl WitnessPolicy {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut policy = WitnessPolicy {
            logs: Vec::new(),
            entities: BTreeMap::new(),
            quorum: None,
        };
        let mut quorum_seen = false;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let at = |msg: String| format!("witness policy line {}: {msg}", n + 1);
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["log", key, rest @ ..] if rest.len() <= 1 => {
                    policy.logs.push(
                        NoteVerifier::from_vkey(key)
                            .map_err(|e| at(format!("bad log key: {e}")))?,
                    );
                }
                ["witness", name, key, rest @ ..] if rest.len() <= 1 => {
                    let key = NoteVerifier::from_vkey(key)
                        .map_err(|e| at(format!("bad witness key: {e}")))?;
                    policy.define(name, Entity::Witness(key)).map_err(at)?;
                }
                ["group", name, threshold, members @ ..] if !members.is_empty() => {
                    for m in members {
                        if !policy.entities.contains_key(*m) {
                            return Err(at(format!(
                                "group {name} names {m}, which is not defined above it"
                            )));
                        }
                    }
                    let threshold = match *threshold {
                        "all" => Threshold::All,
                        "any" => Threshold::Any,
                        k => {
                            let k: usize = k
                                .parse()
                                .map_err(|_| at(format!("{k:?} is not all, any or a number")))?;
                            if k == 0 || k > members.len() {
                                return Err(at(format!(
                                    "group {name} needs between 1 and {} of its members",
                                    members.len()
                                )));
                            }
                            Threshold::AtLeast(k)
                        }
                    };
                    let members = members.iter().map(|m| (*m).to_string()).collect();
                    policy
                        .define(name, Entity::Group { threshold, members })
                        .map_err(at)?;
                }
                ["quorum", name] => {
                    if quorum_seen {
                        return Err(at("a policy has one quorum line".into()));
                    }
                    quorum_seen = true;
                    if *name != "none" {
                        if !policy.entities.contains_key(*name) {
                            return Err(at(format!("the quorum {name} is not defined above it")));
                        }
                        policy.quorum = Some((*name).to_string());
                    }
                }
                _ => {
                    return Err(at(format!(
                        "{line:?} is not a log, witness, group or quorum line"
                    )));
                }
            }
        }
        if !quorum_seen {
            return Err(
                "the witness policy has no quorum line (write `quorum none` for no witnessing)"
                    .into(),
            );
        }
        Ok(policy)
    }

    fn define(&mut self, name: &str, entity: Entity) -> Result<(), String> {
        if name == "none" {
            return Err("\"none\" is reserved".into());
        }
        if self.entities.insert(name.to_string(), entity).is_some() {
            return Err(format!("{name} is defined twice"));
        }
        Ok(())
    }

    /// Whether the named witnesses (those whose cosignatures verified)
    /// satisfy the quorum.
    pub fn satisfied_by(&self, cosigned: &[&str]) -> bool {
        match &self.quorum {
            None => true,
            Some(q) => self.satisfies(q, cosigned, 0),
        }
    }

    fn satisfies(&self, name: &str, cosigned: &[&str], depth: usize) -> bool {
        // Groups only name entities defined before them, so depth is bounded
        // by their number; the guard is for safety, not for correctness.
        if depth > self.entities.len() {
            return false;
        }
        match self.entities.get(name) {
            Some(Entity::Witness(_)) => cosigned.contains(&name),
            Some(Entity::Group { threshold, members }) => {
                let met = members
                    .iter()
                    .filter(|m| self.satisfies(m, cosigned, depth + 1))
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn vkey(name: &str) -> String {
        let mut rng = rand::rngs::StdRng::seed_from_u64(name.len() as u64);
        truce_tlog::note::NoteSigner::generate(name, &mut rng)
            .unwrap()
            .verifier()
            .vkey()
    }

    #[test]
    fn a_policy_parses_and_its_quorum_is_evaluated() {
        let text = format!(
            "# who cosigns\nwitness a {}\nwitness b {}\nwitness c {} https://c.example\ngroup two 2 a b c\ngroup top all two\nquorum top\n",
            vkey("a.w"),
            vkey("b.w"),
            vkey("c.w")
        );
        let policy = WitnessPolicy::parse(&text).unwrap();
        assert!(!policy.satisfied_by(&["a"]));
        assert!(policy.satisfied_by(&["a", "c"]));
        assert!(
            WitnessPolicy::parse("quorum none\n")
                .unwrap()
                .satisfied_by(&[])
        );
    }

    #[test]
    fn malformed_policies_are_refused() {
        let w = format!("witness a {}\n", vkey("a.w"));
        for bad in [
            String::new(),
            "quorum all\n".to_string(),
            format!("{w}quorum b\n"),
            format!("{w}group g 2 a\nquorum g\n"),
            format!("{w}group g any b\nquorum g\n"),
            format!("{w}{w}quorum a\n"),
            format!("{w}quorum a\nquorum a\n"),
            "witness a not-a-key\nquorum a\n".to_string(),
            "cosign everything\nquorum none\n".to_string(),
        ] {
            assert!(WitnessPolicy::parse(&bad).is_err(), "accepted {bad:?}");
        }
    }
}
