//! A four-participant mechanism to test against: two parties (Pakistan,
//! Afghanistan), two mediators (Türkiye, Qatar), each member holding a
//! signed-note key named after its member id, and a log key named after the
//! origin. Helpers sign any body as any member with the next sequence number,
//! and `rejects` checks that a refused record leaves the log exactly as it was.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use truce_core::admission::LogState;
use truce_core::derive::{LogView, Logged};
use truce_core::kinds::charter::Charter;
use truce_core::record::{Envelope, RecordDraft, RecordSignature, SignedRecord, signing_message};
use truce_core::values::{Bounded, Label, MemberId, Timestamp};
use truce_core::{Body, Hash, Kind, Record, RecordError, Rejection};
use truce_tlog::note::NoteSigner;

pub const ORIGIN: &str = "truce.example/istanbul-2025";
pub const EFFECTIVE: &str = "2025-10-25T00:00:00Z";
/// When the first record after the charter is signed.
pub const START: &str = "2025-10-26T09:00:00Z";
pub const RESPONSE_HOURS: u32 = 72;
pub const ACK_HOURS: u32 = 24;

pub const PAKISTAN: &str = "pakistan";
pub const AFGHANISTAN: &str = "afghanistan";
pub const TURKIYE: &str = "turkiye";
pub const QATAR: &str = "qatar";
pub const OBSERVER: &str = "un";

/// Pakistan's lead: report, respond, sign, admin.
pub const PK: &str = "pk.lead";
/// Pakistan's field reporter: report only.
pub const PK_REPORTER: &str = "pk.reporter";
/// Afghanistan's lead: report, respond, sign, admin.
pub const AF: &str = "af.lead";
/// Türkiye's lead (the host, author of the charter): report, find, sign, admin.
pub const TR: &str = "tr.lead";
/// Qatar's lead: find, sign, admin.
pub const QA: &str = "qa.lead";
/// The observer's member (only with `Fx::with_observer`): no capability.
pub const UN: &str = "un.press";

pub fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub fn member(id: &str) -> MemberId {
    MemberId::parse(id).unwrap()
}

/// A typed body from its wire form.
pub fn body(kind: Kind, value: Value) -> Body {
    Body::parse(kind, &value).unwrap_or_else(|e| panic!("test body for {kind} does not parse: {e}"))
}

/// Signs an envelope exactly as given (no refs added, nothing checked by the
/// draft builder), then parses it as a record would be parsed from outside.
pub fn sign_envelope(envelope: Envelope, signers: &[&NoteSigner]) -> Result<Record, RecordError> {
    Record::from_signed(signed_envelope(envelope, signers))
}

pub fn signed_envelope(envelope: Envelope, signers: &[&NoteSigner]) -> SignedRecord {
    let message = signing_message(&envelope).unwrap();
    let signatures = signers
        .iter()
        .map(|s| RecordSignature {
            member: member(s.name()),
            key: format!("{:08x}", s.key_id()),
            sig: STANDARD.encode(s.signing_key().sign(&message).to_bytes()),
        })
        .collect();
    SignedRecord {
        envelope,
        signatures: Bounded::new(signatures).unwrap(),
    }
}

/// The record's JSON value, for editing a record as an attacker or a sloppy
/// client would.
pub fn to_value(record: &Record) -> Value {
    serde_json::from_slice(record.leaf()).unwrap()
}

pub struct Fx {
    pub state: LogState,
    pub log: Vec<Logged>,
    pub log_signer: NoteSigner,
    pub charter: Charter,
    pub charter_record: Record,
    /// The time the next record is signed at; advances a minute per admitted record.
    pub now: Timestamp,
    keys: BTreeMap<String, NoteSigner>,
    rng: StdRng,
}

struct Spec {
    id: &'static str,
    name: &'static str,
    role: &'static str,
    members: &'static [(&'static str, &'static [&'static str])],
}

const SPECS: &[Spec] = &[
    Spec {
        id: PAKISTAN,
        name: "Islamic Republic of Pakistan",
        role: "party",
        members: &[
            (PK, &["report", "respond", "sign", "admin"]),
            (PK_REPORTER, &["report"]),
        ],
    },
    Spec {
        id: AFGHANISTAN,
        name: "Islamic Emirate of Afghanistan",
        role: "party",
        members: &[(AF, &["report", "respond", "sign", "admin"])],
    },
    Spec {
        id: TURKIYE,
        name: "Republic of Türkiye",
        role: "mediator",
        members: &[(TR, &["report", "find", "sign", "admin"])],
    },
    Spec {
        id: QATAR,
        name: "State of Qatar",
        role: "mediator",
        members: &[(QA, &["find", "sign", "admin"])],
    },
];

const OBSERVER_SPEC: Spec = Spec {
    id: OBSERVER,
    name: "UN observers",
    role: "observer",
    members: &[(UN, &[])],
};

impl Fx {
    /// The mechanism with its charter admitted.
    pub fn new() -> Self {
        let mut fx = Self::unchartered(false);
        let charter = fx.charter_record.clone();
        fx.admit_record(&charter);
        fx
    }

    /// The mechanism with an observer participant besides the four.
    pub fn with_observer() -> Self {
        let mut fx = Self::unchartered(true);
        let charter = fx.charter_record.clone();
        fx.admit_record(&charter);
        fx
    }

    /// Keys generated and the charter signed by all four, but nothing admitted.
    pub fn unchartered(observer: bool) -> Self {
        let mut rng = StdRng::seed_from_u64(20_251_025);
        let log_signer = NoteSigner::generate(ORIGIN, &mut rng).unwrap();
        let mut keys = BTreeMap::new();
        let mut specs: Vec<&Spec> = SPECS.iter().collect();
        if observer {
            specs.push(&OBSERVER_SPEC);
        }
        let mut participants = Vec::new();
        for spec in specs {
            let mut members = Vec::new();
            for (id, caps) in spec.members {
                let signer = NoteSigner::generate(id, &mut rng).unwrap();
                members.push(json!({
                    "id": id,
                    "name": format!("{} ({id})", spec.name),
                    "key": signer.verifier().vkey(),
                    "capabilities": caps,
                }));
                keys.insert((*id).to_owned(), signer);
            }
            participants.push(json!({
                "id": spec.id, "name": spec.name, "role": spec.role, "members": members,
            }));
        }
        let mut policy = String::new();
        for p in [PAKISTAN, AFGHANISTAN, TURKIYE, QATAR] {
            let w = NoteSigner::generate(&format!("{p}.witness"), &mut rng).unwrap();
            policy.push_str(&format!(
                "witness {p} {}\n",
                truce_tlog::Cosigner::from_note_signer(&w).verifier().vkey()
            ));
        }
        policy.push_str("group everyone all pakistan afghanistan turkiye qatar\nquorum everyone\n");
        let charter_body = body(
            Kind::Charter,
            json!({
                "title": "Verification annex to the Doha ceasefire",
                "origin": ORIGIN,
                "log_key": log_signer.verifier().vkey(),
                "effective": EFFECTIVE,
                "participants": participants,
                "deadlines": {
                    "incident_response_hours": RESPONSE_HOURS,
                    "channel_ack_hours": ACK_HOURS,
                },
                "finding_threshold": "all",
                "witness_policy": policy,
                "consequences": [
                    {"level": 1, "name": "Formal notice", "description": "A formal notice to the violating party."},
                    {"level": 2, "name": "Measures by the guarantors", "description": "Measures decided by the guarantors."},
                ],
            }),
        );
        let Body::Charter(charter) = &charter_body else {
            panic!("not a charter")
        };
        let charter = charter.clone();
        let draft = RecordDraft {
            log: Label::parse(ORIGIN).unwrap(),
            author: member(TR),
            seq: 1,
            time: ts(EFFECTIVE),
            body: charter_body,
            confidential: None,
            extra_refs: vec![],
        };
        let signers = [&keys[TR], &keys[PK], &keys[AF], &keys[QA]];
        let charter_record = draft.sign(&signers).unwrap();
        Fx {
            state: LogState::new(),
            log: Vec::new(),
            log_signer,
            charter,
            charter_record,
            now: ts(START),
            keys,
            rng,
        }
    }

    /// The charter as signed, before anyone signs it.
    pub fn charter_draft(&self) -> RecordDraft {
        RecordDraft {
            log: Label::parse(ORIGIN).unwrap(),
            author: member(TR),
            seq: 1,
            time: ts(EFFECTIVE),
            body: Body::Charter(self.charter.clone()),
            confidential: None,
            extra_refs: vec![],
        }
    }

    /// A member's current key.
    pub fn key(&self, member: &str) -> &NoteSigner {
        self.keys
            .get(member)
            .unwrap_or_else(|| panic!("no key for {member}"))
    }

    /// Makes `signer` the key the fixture signs with for its name.
    pub fn set_key(&mut self, signer: NoteSigner) {
        self.keys.insert(signer.name().to_owned(), signer);
    }

    /// A fresh key named `name` (not registered anywhere).
    pub fn fresh_key(&mut self, name: &str) -> NoteSigner {
        NoteSigner::generate(name, &mut self.rng).unwrap()
    }

    /// What `member` would sign next: its next sequence number, at `now`.
    pub fn draft(&self, member_id: &str, body: Body) -> RecordDraft {
        RecordDraft {
            log: Label::parse(ORIGIN).unwrap(),
            author: member(member_id),
            seq: self.state.next_seq(&member(member_id)),
            time: self.now,
            body,
            confidential: None,
            extra_refs: vec![],
        }
    }

    pub fn sign_draft(&self, draft: &RecordDraft) -> Record {
        draft.sign(&[self.key(draft.author.as_str())]).unwrap()
    }

    /// `body` signed by `member` with its current key and next sequence number.
    pub fn sign(&self, member_id: &str, body: Body) -> Record {
        self.sign_draft(&self.draft(member_id, body))
    }

    /// Signs and admits; the test fails if the log refuses it.
    pub fn admit(&mut self, member_id: &str, body: Body) -> Record {
        let record = self.sign(member_id, body);
        self.admit_record(&record);
        record
    }

    pub fn admit_record(&mut self, record: &Record) {
        let index = self.state.size();
        if let Err(e) = self.state.admit(record) {
            panic!("{} by {} was refused: {e}", record.kind(), record.author());
        }
        self.log.push(Logged {
            index,
            record: record.clone(),
        });
        if record.time() >= self.now {
            self.now = Timestamp::from_unix(record.time().unix() + 60).unwrap();
        }
    }

    /// Signs `body` as `member` and expects the log to refuse it unchanged.
    pub fn refuses(&mut self, member_id: &str, body: Body) -> Rejection {
        let record = self.sign(member_id, body);
        self.rejects(&record)
    }

    /// Expects the log to refuse `record`, and checks that the refusal changed
    /// nothing: same size, same state, the record is not known, and the next
    /// valid record gets exactly the sequence number it would have got before.
    pub fn rejects(&mut self, record: &Record) -> Rejection {
        let before = format!("{:?}", self.state);
        let size = self.state.size();
        // A replay of an admitted record is refused too; it keeps its place.
        let known_at = self.state.entry(&record.hash()).map(|e| e.index);
        let probe_author = self.probe_author(record);
        let probe_seq = probe_author
            .as_deref()
            .map(|a| self.state.next_seq(&member(a)));
        let rejection = match self.state.admit(record) {
            Ok(()) => panic!(
                "{} by {} was admitted but should have been refused",
                record.kind(),
                record.author()
            ),
            Err(e) => e,
        };
        assert_eq!(self.state.size(), size, "a refused record changed the size");
        assert_eq!(
            format!("{:?}", self.state),
            before,
            "a refused record changed the log state ({rejection})"
        );
        assert_eq!(self.state.entry(&record.hash()).map(|e| e.index), known_at);
        assert!(!rejection.to_string().is_empty());

        let mut after = self.state.clone();
        match (probe_author, probe_seq) {
            (Some(author), Some(seq)) => {
                let to = if self.participant_of(&author) == PAKISTAN {
                    AFGHANISTAN
                } else {
                    PAKISTAN
                };
                let mut draft = self.draft(
                    &author,
                    body(
                        Kind::ChannelMessage,
                        json!({"to": [to], "subject": "Probe", "text": "The log still works."}),
                    ),
                );
                draft.seq = seq;
                let probe = self.sign_draft(&draft);
                after.admit(&probe).unwrap_or_else(|e| {
                    panic!("after a refusal ({rejection}), the next valid record was refused: {e}")
                });
            }
            _ => {
                after.admit(&self.charter_record).unwrap_or_else(|e| {
                    panic!("after a refusal ({rejection}), the charter was refused: {e}")
                });
            }
        }
        assert_eq!(after.size(), size + 1);
        rejection
    }

    /// Someone who can still sign a valid record: the refused record's author
    /// when it can, else the first lead that can. None before the charter.
    fn probe_author(&self, record: &Record) -> Option<String> {
        self.state.charter()?;
        let author = record.author().to_string();
        [author.as_str(), PK, AF, TR, QA]
            .into_iter()
            .find(|m| {
                self.keys.contains_key(*m)
                    && self.state.member(&member(m)).is_some_and(|s| {
                        !s.revoked
                            && s.active_key(self.key(m).key_id()).is_some()
                            && s.participant.as_str() != OBSERVER
                    })
            })
            .map(str::to_owned)
    }

    fn participant_of(&self, member_id: &str) -> String {
        self.state
            .member(&member(member_id))
            .map(|m| m.participant.to_string())
            .unwrap_or_default()
    }

    pub fn view(&self) -> LogView<'_> {
        LogView::new(&self.log)
    }

    /// Moves the clock (for the next record) to `at`.
    pub fn at(&mut self, at: &str) {
        self.now = ts(at);
    }
}

/// JSON text for `value` that is valid but as far from canonical as we can
/// make it; see `scramble`.
pub fn scrambled(value: &Value, seed: u64) -> String {
    let mut seed = seed;
    let mut out = String::new();
    scramble(value, &mut seed, &mut out);
    out
}

/// Writes `value` as JSON text in a non-canonical way: members in an order
/// given by `seed`, whitespace everywhere, some characters as \u escapes,
/// numbers in Rust's rather than ECMAScript's spelling.
pub fn scramble(value: &Value, seed: &mut u64, out: &mut String) {
    fn next(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }
    fn ws(seed: &mut u64, out: &mut String) {
        for _ in 0..next(seed) % 3 {
            out.push([' ', '\n', '\t', '\r'][(next(seed) % 4) as usize]);
        }
    }
    fn string(s: &str, seed: &mut u64, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || next(seed).is_multiple_of(4) => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{u:04X}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
    ws(seed, out);
    match value {
        Value::Null | Value::Bool(_) => out.push_str(&value.to_string()),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) if next(seed).is_multiple_of(2) => out.push_str(&format!("{f:e}")),
            (_, _, Some(f)) => out.push_str(&format!("{f:?}")),
            _ => unreachable!(),
        },
        Value::String(s) => string(s, seed, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                scramble(item, seed, out);
            }
            ws(seed, out);
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // A seeded shuffle.
            for i in (1..members.len()).rev() {
                let j = (next(seed) % (i as u64 + 1)) as usize;
                members.swap(i, j);
            }
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(seed, out);
                string(k, seed, out);
                ws(seed, out);
                out.push(':');
                scramble(v, seed, out);
            }
            ws(seed, out);
            out.push('}');
        }
    }
    ws(seed, out);
}

// ---- bodies, in their wire form -------------------------------------------

pub fn incident(accused: Option<&str>, incident_type: &str, at: &str) -> Body {
    let mut v = json!({
        "title": "Mortar fire across the border near Chaman",
        "incident_type": incident_type,
        "time": {"at": at, "precision": "hour"},
        "places": [{
            "point": {"lat_e6": 30_917_000, "lon_e6": 66_452_000},
            "precision": "locality",
            "country": "Pakistan",
            "admin1": "Balochistan",
            "location": "Chaman",
        }],
        "casualties": {"killed": {"civilian": {"low": 1, "best": 2, "high": 3}}},
        "narrative": "Shells landed near the crossing; two civilians were killed.",
        "sources": ["Local officials"],
    });
    if let Some(a) = accused {
        v["accused"] = json!(a);
    }
    body(Kind::IncidentReport, v)
}

pub fn response(incident: Hash, stance: &str) -> Body {
    body(
        Kind::IncidentResponse,
        json!({"incident": incident, "stance": stance, "narrative": "Our forces did not fire."}),
    )
}

pub fn investigation(incident: Hash, step: &str) -> Body {
    body(
        Kind::Investigation,
        json!({"incident": incident, "step": step, "details": "A joint team was sent to the site."}),
    )
}

pub fn finding(incident: Hash, determination: &str, responsible: Option<&str>) -> Body {
    let mut v = json!({
        "incident": incident,
        "determination": determination,
        "reasoning": "Crater analysis and witness statements.",
    });
    if let Some(r) = responsible {
        v["responsible"] = json!(r);
    }
    body(Kind::Finding, v)
}

pub fn concurrence(record: Hash) -> Body {
    body(Kind::Concurrence, json!({"record": record}))
}

pub fn determination(finding: Hash, party: &str, level: u8) -> Body {
    body(
        Kind::ViolationDetermination,
        json!({"finding": finding, "party": party, "consequence_level": level,
               "reasoning": "The finding verified the attack."}),
    )
}

pub fn decision(determination: Hash, level: u8) -> Body {
    body(
        Kind::PenaltyDecision,
        json!({"determination": determination, "consequence_level": level,
               "measures": "A formal notice is issued."}),
    )
}

pub fn statement(title: &str) -> Body {
    body(
        Kind::Statement,
        json!({"category": "public_statement", "title": title, "text": "We remain committed."}),
    )
}

pub fn message(to: &[&str], urgent: bool) -> Body {
    body(
        Kind::ChannelMessage,
        json!({"to": to, "subject": "Shelling at Chaman", "text": "Please stop firing.", "urgent": urgent}),
    )
}

pub fn receipt(message: Hash, status: &str) -> Body {
    body(
        Kind::ChannelReceipt,
        json!({"message": message, "status": status}),
    )
}

pub fn clauses(items: &[(&str, &str)]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|(id, text)| json!({"id": id, "text": text}))
            .collect(),
    )
}

pub fn propose(items: &[(&str, &str)]) -> Body {
    body(
        Kind::DraftPropose,
        json!({"title": "Verification mechanism", "clauses": clauses(items)}),
    )
}

pub fn amend(previous: Hash, items: &[(&str, &str)]) -> Body {
    body(
        Kind::DraftAmend,
        json!({"previous": previous, "clauses": clauses(items)}),
    )
}

/// Positions on a version: (clause, position, the acceptance a withdrawal withdraws).
pub fn position(version: Hash, items: &[(&str, &str, Option<Hash>)]) -> Body {
    let positions: Vec<Value> = items
        .iter()
        .map(|(clause, position, withdraws)| {
            let mut p = json!({"clause": clause, "position": position});
            if let Some(w) = withdraws {
                p["withdraws"] = json!(w);
            }
            p
        })
        .collect();
    body(
        Kind::DraftPosition,
        json!({"version": version, "positions": positions}),
    )
}

pub fn sign_version(version: Hash, capacity: &str) -> Body {
    body(
        Kind::DraftSign,
        json!({"version": version, "capacity": capacity}),
    )
}

pub fn commitment(incident_types: &[&str], effective: &str) -> Body {
    body(
        Kind::CommitmentDeclare,
        json!({
            "title": "No cross-border attacks",
            "text": "Territory under our control will not be used for attacks on the other party.",
            "incident_types": incident_types,
            "effective": effective,
        }),
    )
}

pub fn evidence(incident: Option<Hash>) -> Body {
    let mut v = json!({
        "digest": format!("sha256:{}", "ab".repeat(32)),
        "media_type": "image/jpeg",
        "size": 123_456,
        "description": "Photograph of the crater.",
        "confidentiality": "participants",
    });
    if let Some(i) = incident {
        v["incident"] = json!(i);
    }
    body(Kind::EvidenceSubmit, v)
}

pub fn member_add(participant: &str, key: &NoteSigner, capabilities: &[&str]) -> Body {
    body(
        Kind::MemberAdd,
        json!({
            "participant": participant,
            "member": {
                "id": key.name(),
                "name": "New member",
                "key": key.verifier().vkey(),
                "capabilities": capabilities,
            },
        }),
    )
}

pub fn rotate(member_id: &str, new_key: &NoteSigner) -> Body {
    body(
        Kind::KeyRotate,
        json!({"member": member_id, "new_key": new_key.verifier().vkey()}),
    )
}

pub fn revoke(member_id: &str) -> Body {
    body(
        Kind::MemberRevoke,
        json!({"member": member_id, "reason": "Left the delegation."}),
    )
}
