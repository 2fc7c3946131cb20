//! The index's specification: every answer it gives equals the one computed
//! the slow way from the log itself (`truce_core::derive` and plain scans),
//! for filters alone and combined, across pages, at several "now"s.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use truce_core::admission::LogState;
use truce_core::derive::case::{CaseStage, CaseView, all_cases};
use truce_core::derive::{LogView, Logged};
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::incident::IncidentType;
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, ParticipantId, Timestamp};
use truce_core::{Body, Hash, Kind, Record};
use truce_index::{
    BoundingBox, Cursor, Grouping, IncidentQuery, Index, IndexError, MAX_CELLS,
    NARRATIVE_SEARCH_BYTES, QueryError, SNAPSHOT_PARTS, SnapshotError, StatKey,
};
use truce_tlog::note::NoteSigner;

// ---- a four-participant mechanism (as in truce-core's tests) ---------------

const ORIGIN: &str = "truce.example/istanbul-2025";
const PK: &str = "pk.lead";
const PK_REPORTER: &str = "pk.reporter";
const AF: &str = "af.lead";
const TR: &str = "tr.lead";
const QA: &str = "qa.lead";
const RESPONSE_HOURS: i64 = 72;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn at(unix: i64) -> Timestamp {
    Timestamp::from_unix(unix).unwrap()
}

fn pid(s: &str) -> ParticipantId {
    ParticipantId::parse(s).unwrap()
}

fn body(kind: Kind, value: Value) -> Body {
    Body::parse(kind, &value).unwrap_or_else(|e| panic!("{kind} body: {e}"))
}

/// A small deterministic generator (no dependency needed for test data).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A participant: id, role, and its members with their capabilities.
type Spec = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
);

struct Fx {
    state: LogState,
    log: Vec<Logged>,
    index: Index,
    keys: BTreeMap<String, NoteSigner>,
    /// The time the next record is signed at.
    clock: i64,
}

impl Fx {
    fn new() -> Self {
        let key = |name: &str, n: u8| NoteSigner::from_seed(name, [n; 32]).unwrap();
        let log_key = key(ORIGIN, 1);
        let mut keys = BTreeMap::new();
        let specs: [Spec; 4] = [
            (
                "pakistan",
                "party",
                &[
                    (PK, &["report", "respond", "sign", "admin"]),
                    (PK_REPORTER, &["report"]),
                ],
            ),
            (
                "afghanistan",
                "party",
                &[(AF, &["report", "respond", "sign", "admin"])],
            ),
            (
                "turkiye",
                "mediator",
                &[(TR, &["report", "find", "sign", "admin"])],
            ),
            ("qatar", "mediator", &[(QA, &["find", "sign", "admin"])]),
        ];
        let mut participants = Vec::new();
        let mut seed = 10;
        for (id, role, members) in specs {
            let mut ms = Vec::new();
            for (m, caps) in members {
                seed += 1;
                let k = key(m, seed);
                ms.push(
                    json!({"id": m, "name": m, "key": k.verifier().vkey(), "capabilities": caps}),
                );
                keys.insert((*m).to_owned(), k);
            }
            participants.push(json!({"id": id, "name": id, "role": role, "members": ms}));
        }
        let witness = key("pakistan.witness", 99);
        let charter = body(
            Kind::Charter,
            json!({
                "title": "Verification annex",
                "origin": ORIGIN,
                "log_key": log_key.verifier().vkey(),
                "effective": "2025-10-25T00:00:00Z",
                "participants": participants,
                "deadlines": {"incident_response_hours": RESPONSE_HOURS, "channel_ack_hours": 24},
                "finding_threshold": "all",
                "witness_policy": format!("witness pakistan {}\nquorum pakistan\n", truce_tlog::Cosigner::from_note_signer(&witness).verifier().vkey()),
                "consequences": [{"level": 1, "name": "Formal notice", "description": "A notice."}],
            }),
        );
        let draft = RecordDraft {
            log: Label::parse(ORIGIN).unwrap(),
            author: MemberId::parse(TR).unwrap(),
            seq: 1,
            time: ts("2025-10-25T00:00:00Z"),
            body: charter,
            confidential: None,
            extra_refs: vec![],
        };
        let record = draft
            .sign(&[&keys[TR], &keys[PK], &keys[AF], &keys[QA]])
            .unwrap();
        let mut fx = Fx {
            state: LogState::new(),
            log: Vec::new(),
            index: Index::new(),
            keys,
            clock: ts("2025-10-26T09:00:00Z").unix(),
        };
        fx.push(record);
        fx
    }

    fn push(&mut self, record: Record) {
        let index = self.state.size();
        self.state
            .admit(&record)
            .unwrap_or_else(|e| panic!("{} refused: {e}", record.kind()));
        self.index.add(index, &record).unwrap();
        self.log.push(Logged { index, record });
    }

    /// Signs `body` as `member` at the clock, admits it and feeds the index.
    fn admit(&mut self, member: &str, body: Body) -> Record {
        let m = MemberId::parse(member).unwrap();
        let draft = RecordDraft {
            log: Label::parse(ORIGIN).unwrap(),
            author: m.clone(),
            seq: self.state.next_seq(&m),
            time: at(self.clock),
            body,
            confidential: None,
            extra_refs: vec![],
        };
        let record = draft.sign(&[&self.keys[member]]).unwrap();
        self.push(record.clone());
        record
    }

    fn advance(&mut self, seconds: i64) {
        self.clock += seconds;
    }

    fn view(&self) -> LogView<'_> {
        LogView::new(&self.log)
    }
}

/// A place: (lat µ°, lon µ°, country, province, location).
type Spot = (i64, i64, &'static str, &'static str, &'static str);

const SPOTS: &[Spot] = &[
    (30_917_000, 66_452_000, "Pakistan", "Balochistan", "Chaman"),
    (
        31_005_000,
        66_400_000,
        "Afghanistan",
        "Kandahar",
        "Spin Boldak",
    ),
    (
        34_096_000,
        71_094_000,
        "Pakistan",
        "Khyber Pakhtunkhwa",
        "Torkham",
    ),
    (
        34_100_000,
        71_100_000,
        "Afghanistan",
        "Nangarhar",
        "Torkham gate",
    ),
    (33_339_000, 69_920_000, "Afghanistan", "Khost", "Khost"),
    (
        32_500_000,
        69_500_000,
        "Pakistan",
        "South Waziristan",
        "Angoor Adda",
    ),
    (34_555_000, 69_207_000, "Afghanistan", "Kabul", "Kabul"),
    (
        35_000_000,
        71_500_000,
        "Pakistan",
        "Khyber Pakhtunkhwa",
        "Bajaur",
    ),
];

struct Incident<'a> {
    title: &'a str,
    kind: &'a str,
    at: i64,
    places: &'a [Spot],
    accused: Option<&'a str>,
    actor: Option<&'a str>,
    killed: u32,
    narrative: &'a str,
}

impl Default for Incident<'_> {
    fn default() -> Self {
        Self {
            title: "Mortar fire across the border",
            kind: "shelling",
            at: ts("2025-10-26T06:00:00Z").unix(),
            places: &SPOTS[..1],
            accused: Some("afghanistan"),
            actor: None,
            killed: 0,
            narrative: "Shells landed near the crossing.",
        }
    }
}

fn incident(i: &Incident<'_>) -> Body {
    let places: Vec<Value> = i
        .places
        .iter()
        .map(|(lat, lon, country, admin1, location)| {
            json!({"point": {"lat_e6": lat, "lon_e6": lon}, "precision": "locality",
                   "country": country, "admin1": admin1, "location": location})
        })
        .collect();
    let mut v = json!({
        "title": i.title,
        "incident_type": i.kind,
        "time": {"at": at(i.at), "precision": "hour"},
        "places": places,
        "casualties": {"killed": {"civilian": {"low": i.killed, "best": i.killed, "high": i.killed}},
                       "injured": {"military": {"low": 0, "best": 1, "high": 2}}},
        "narrative": i.narrative,
    });
    if let Some(a) = i.accused {
        v["accused"] = json!(a);
    }
    if let Some(a) = i.actor {
        v["actor"] = json!(a);
    }
    body(Kind::IncidentReport, v)
}

fn response(incident: Hash, stance: &str) -> Body {
    body(
        Kind::IncidentResponse,
        json!({"incident": incident, "stance": stance, "narrative": "Our forces did not fire."}),
    )
}

fn investigation(incident: Hash, step: &str) -> Body {
    body(
        Kind::Investigation,
        json!({"incident": incident, "step": step, "details": "A joint team was sent."}),
    )
}

fn finding(incident: Hash, determination: &str, responsible: Option<&str>) -> Body {
    let mut v = json!({"incident": incident, "determination": determination,
                       "reasoning": "Crater analysis."});
    if let Some(r) = responsible {
        v["responsible"] = json!(r);
    }
    body(Kind::Finding, v)
}

fn concurrence(record: Hash) -> Body {
    body(Kind::Concurrence, json!({"record": record}))
}

const TITLES: &[&str] = &[
    "Mortar fire across the border",
    "Drone strike on a compound",
    "Clash at the crossing",
    "Airspace violation reported",
    "IED on the supply road",
    "Crossing closed to traders",
];
const TYPES: &[&str] = &[
    "shelling",
    "drone_strike",
    "armed_clash",
    "airspace_violation",
    "ied",
    "crossing_closure",
    "cross_border_attack",
];
const ACTORS: &[&str] = &["TTP", "Border Police", "Frontier Corps", "Unknown gunmen"];
const NARRATIVES: &[&str] = &[
    "Shells landed near the crossing; two civilians were killed.",
    "A drone struck a compound at night.\nVillagers reported a second strike.",
    "Exchange of fire between border posts lasted  three hours.",
    "Traders were turned back at the gate.",
];

struct Generated {
    fx: Fx,
    /// Report hashes with their accused participant.
    incidents: Vec<(Hash, Option<&'static str>)>,
}

/// A realistic log: reports from both sides and the mediators with event
/// times out of order, answers (some late, some never), investigations,
/// findings with and without the second mediator's concurrence.
fn generate(seed: u64, steps: usize) -> Generated {
    let mut fx = Fx::new();
    let mut rng = Rng(seed);
    let mut incidents: Vec<(Hash, Option<&'static str>)> = Vec::new();
    let mut findings: Vec<(Hash, &'static str)> = Vec::new();
    let mut concurred: BTreeSet<Hash> = BTreeSet::new();
    for _ in 0..steps {
        fx.advance(rng.below(12 * 3600) as i64 + 60);
        let roll = rng.below(100);
        if roll < 45 || incidents.is_empty() {
            let (reporter, accused): (&str, Option<&'static str>) = match rng.below(4) {
                0 => (PK, Some("afghanistan")),
                1 => (PK_REPORTER, rng.chance(70).then_some("afghanistan")),
                2 => (AF, rng.chance(80).then_some("pakistan")),
                _ => (
                    TR,
                    *rng.pick(&[Some("pakistan"), Some("afghanistan"), None]),
                ),
            };
            let spot = rng.below(SPOTS.len() as u64) as usize;
            let places = if rng.chance(10) {
                &SPOTS[spot..(spot + 2).min(SPOTS.len())]
            } else {
                &SPOTS[spot..=spot]
            };
            let b = incident(&Incident {
                title: rng.pick::<&str>(TITLES),
                kind: rng.pick::<&str>(TYPES),
                // Events up to ten days before the report, so out of order.
                at: fx.clock - rng.below(10 * 24 * 3600) as i64,
                places,
                accused,
                actor: rng.chance(50).then(|| *rng.pick(ACTORS)),
                killed: rng.below(5) as u32,
                narrative: rng.pick::<&str>(NARRATIVES),
            });
            let r = fx.admit(reporter, b);
            incidents.push((r.hash(), accused));
        } else if roll < 65 {
            let (hash, accused) = *rng.pick(&incidents);
            if let Some(accused) = accused {
                let member = if accused == "pakistan" { PK } else { AF };
                let stance = *rng.pick(&["acknowledge", "deny", "dispute"]);
                fx.admit(member, response(hash, stance));
            }
        } else if roll < 80 {
            let (hash, _) = *rng.pick(&incidents);
            let step = *rng.pick(&["opened", "site_visit", "access_denied", "closed"]);
            let member = if rng.chance(50) { TR } else { QA };
            fx.admit(member, investigation(hash, step));
        } else if roll < 90 {
            let (hash, accused) = *rng.pick(&incidents);
            let (member, participant) = if rng.chance(50) {
                (TR, "turkiye")
            } else {
                (QA, "qatar")
            };
            let b = match (rng.below(3), accused) {
                (0, Some(a)) => finding(hash, "verified", Some(a)),
                (1, _) => finding(hash, "inconclusive", None),
                _ => finding(hash, "not_verified", None),
            };
            let r = fx.admit(member, b);
            findings.push((r.hash(), participant));
        } else if let Some(&(hash, author)) = findings
            .iter()
            .find(|(h, _)| !concurred.contains(h))
            .filter(|_| rng.chance(80))
        {
            let member = if author == "turkiye" { QA } else { TR };
            fx.admit(member, concurrence(hash));
            concurred.insert(hash);
        }
    }
    Generated { fx, incidents }
}

// ---- the slow, obviously right answers ------------------------------------

fn search_form(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The matching incidents' log indexes, newest event first, by brute force.
fn expected(fx: &Fx, q: &IncidentQuery, now: Timestamp) -> Vec<u64> {
    let view = fx.view();
    let cases: HashMap<u64, CaseView> = all_cases(&view, now)
        .into_iter()
        .map(|c| (c.index, c))
        .collect();
    let mut out: Vec<(Timestamp, u64)> = Vec::new();
    for l in &fx.log {
        let Body::IncidentReport(r) = &l.record.body() else {
            continue;
        };
        let case = &cases[&l.index];
        let t = r.time.at;
        let text_ok = q.text.as_ref().is_none_or(|text| {
            let needle = search_form(text);
            let mut hay = vec![search_form(r.title.as_str())];
            hay.extend(r.actor.iter().map(|a| search_form(a.as_str())));
            for p in &r.places {
                for n in [&p.country, &p.admin1, &p.admin2, &p.location]
                    .into_iter()
                    .flatten()
                {
                    hay.push(search_form(n.as_str()));
                }
            }
            let narrative = search_form(r.narrative.as_str());
            hay.push(prefix(&narrative, NARRATIVE_SEARCH_BYTES).to_owned());
            needle.is_empty() || hay.iter().any(|h| h.contains(&needle))
        });
        let ok = q.from.is_none_or(|f| t >= f)
            && q.to.is_none_or(|to| t <= to)
            && q.bbox
                .is_none_or(|b| r.places.iter().any(|p| b.contains(p.point)))
            && (q.types.is_empty() || q.types.contains(&r.incident_type))
            && q.reporter
                .as_ref()
                .is_none_or(|p| case.reporter.as_ref() == Some(p))
            && q.accused
                .as_ref()
                .is_none_or(|p| case.accused.as_ref() == Some(p))
            && q.party.as_ref().is_none_or(|p| {
                case.reporter.as_ref() == Some(p) || case.accused.as_ref() == Some(p)
            })
            && (q.status.is_empty() || q.status.contains(&case.stage))
            && text_ok;
        if ok {
            out.push((t, l.index));
        }
    }
    out.sort_by(|a, b| b.cmp(a));
    out.into_iter().map(|(_, i)| i).collect()
}

/// Every page of `q` from the index: the indexes in order, and each page's total.
fn all_pages(index: &Index, q: &IncidentQuery, now: Timestamp) -> (Vec<u64>, Vec<usize>) {
    let mut q = q.clone();
    let mut items = Vec::new();
    let mut totals = Vec::new();
    loop {
        let page = index.incidents(&q, now).unwrap();
        assert!(page.items.len() <= q.limit.min(truce_index::MAX_LIMIT));
        totals.push(page.total);
        items.extend(page.items.iter().map(|s| s.index));
        match page.next {
            Some(c) => {
                // Cursors survive a round trip through text.
                let text = c.to_string();
                q.cursor = Some(Cursor::parse(&text).unwrap());
            }
            None => break,
        }
        assert!(totals.len() < 10_000, "paging does not end");
    }
    (items, totals)
}

fn check(fx: &Fx, q: &IncidentQuery, now: Timestamp) -> usize {
    let want = expected(fx, q, now);
    let (got, totals) = all_pages(&fx.index, q, now);
    assert_eq!(got, want, "items for {q:?} at {now}");
    assert!(
        totals.iter().all(|t| *t == want.len()),
        "totals {totals:?} for {} matches of {q:?}",
        want.len()
    );
    want.len()
}

fn bbox(s: i64, w: i64, n: i64, e: i64) -> BoundingBox {
    BoundingBox::new(s, w, n, e).unwrap()
}

// ---- the specification ------------------------------------------------------

#[test]
fn stages_and_responses_agree_with_derive_at_several_times() {
    let g = generate(7, 500);
    let fx = &g.fx;
    let view = fx.view();
    let first = fx.log[1].record.time().unix();
    let last = fx.clock;
    let mut stages_seen = BTreeSet::new();
    for now in [
        first,
        first + 3600 * 40,
        (first + last) / 2,
        last - RESPONSE_HOURS * 3600,
        last,
        last + 30 * 24 * 3600,
    ] {
        let now = at(now);
        let cases = all_cases(&view, now);
        assert_eq!(cases.len(), fx.index.len_incidents());
        for case in cases {
            let s = fx.index.incident(case.index, now).unwrap();
            assert_eq!(s.stage, case.stage, "stage of {} at {now}", case.index);
            assert_eq!(s.response, case.response, "response of {}", case.index);
            assert_eq!(s.reporter, case.reporter);
            assert_eq!(s.accused, case.accused);
            assert_eq!(s.hash, case.incident);
            let deadline = case
                .accused
                .as_ref()
                .map(|_| case.reported_at.plus_hours(RESPONSE_HOURS as u32));
            assert_eq!(s.deadline, deadline);
            stages_seen.insert(format!("{:?}", case.stage));
        }
    }
    // The generated log exercises every stage.
    assert_eq!(stages_seen.len(), 6, "{stages_seen:?}");
}

#[test]
fn every_filter_alone_and_combined_matches_a_scan_of_the_log() {
    let g = generate(11, 400);
    let fx = &g.fx;
    let (first, last) = (fx.log[1].record.time().unix(), fx.clock);
    let mid = (first + last) / 2;
    let q = IncidentQuery::default;
    let border = bbox(29_000_000, 66_000_000, 34_100_000, 71_094_000);
    let queries: Vec<IncidentQuery> = vec![
        q(),
        IncidentQuery {
            from: Some(at(mid)),
            ..q()
        },
        IncidentQuery {
            to: Some(at(mid)),
            ..q()
        },
        IncidentQuery {
            from: Some(at(mid - 5 * 86400)),
            to: Some(at(mid)),
            ..q()
        },
        IncidentQuery {
            bbox: Some(border),
            ..q()
        },
        IncidentQuery {
            bbox: Some(bbox(33_000_000, 69_000_000, 35_000_000, 72_000_000)),
            ..q()
        },
        IncidentQuery {
            types: vec![IncidentType::Shelling],
            ..q()
        },
        IncidentQuery {
            types: vec![IncidentType::DroneStrike, IncidentType::Ied],
            ..q()
        },
        IncidentQuery {
            party: Some(pid("pakistan")),
            ..q()
        },
        IncidentQuery {
            reporter: Some(pid("afghanistan")),
            ..q()
        },
        IncidentQuery {
            reporter: Some(pid("turkiye")),
            ..q()
        },
        IncidentQuery {
            accused: Some(pid("pakistan")),
            ..q()
        },
        IncidentQuery {
            accused: Some(pid("nobody")),
            ..q()
        },
        IncidentQuery {
            status: vec![CaseStage::Reported],
            ..q()
        },
        IncidentQuery {
            status: vec![CaseStage::UnansweredPastDeadline],
            ..q()
        },
        IncidentQuery {
            status: vec![CaseStage::Found, CaseStage::FindingPending],
            ..q()
        },
        IncidentQuery {
            status: vec![CaseStage::UnderInvestigation, CaseStage::Answered],
            ..q()
        },
        IncidentQuery {
            text: Some("chaman".into()),
            ..q()
        },
        IncidentQuery {
            text: Some("  KANDAHAR ".into()),
            ..q()
        },
        IncidentQuery {
            text: Some("drone".into()),
            ..q()
        },
        IncidentQuery {
            text: Some("ttp".into()),
            ..q()
        },
        IncidentQuery {
            text: Some("night. villagers".into()),
            ..q()
        },
        IncidentQuery {
            text: Some("lasted three".into()),
            ..q()
        },
        IncidentQuery {
            text: Some("   ".into()),
            ..q()
        },
        IncidentQuery {
            from: Some(at(first)),
            to: Some(at(mid)),
            types: vec![IncidentType::Shelling, IncidentType::ArmedClash],
            party: Some(pid("afghanistan")),
            ..q()
        },
        IncidentQuery {
            bbox: Some(border),
            status: vec![CaseStage::Reported],
            ..q()
        },
        IncidentQuery {
            text: Some("border".into()),
            from: Some(at(mid)),
            ..q()
        },
        IncidentQuery {
            text: Some("crossing".into()),
            accused: Some(pid("afghanistan")),
            ..q()
        },
        IncidentQuery {
            from: Some(at(first)),
            bbox: Some(border),
            types: vec![
                IncidentType::Shelling,
                IncidentType::DroneStrike,
                IncidentType::Ied,
            ],
            reporter: Some(pid("pakistan")),
            accused: Some(pid("afghanistan")),
            status: vec![
                CaseStage::Reported,
                CaseStage::UnansweredPastDeadline,
                CaseStage::Answered,
            ],
            text: Some("the".into()),
            ..q()
        },
    ];
    let mut nonempty = 0;
    for now in [at(mid), at(last + 86400 * 10)] {
        for query in &queries {
            for limit in [1, 7, 500] {
                let query = IncidentQuery {
                    limit,
                    ..query.clone()
                };
                if check(fx, &query, now) > 0 {
                    nonempty += 1;
                }
            }
        }
    }
    assert!(
        nonempty > queries.len(),
        "most queries should match something"
    );
}

#[test]
fn limits_are_capped_and_zero_only_counts() {
    let g = generate(3, 120);
    let now = at(g.fx.clock);
    let all =
        g.fx.index
            .incidents(&IncidentQuery::default(), now)
            .unwrap();
    assert_eq!(all.total, g.incidents.len());
    let count = IncidentQuery {
        limit: 0,
        ..Default::default()
    };
    let page = g.fx.index.incidents(&count, now).unwrap();
    assert_eq!(
        (page.items.len(), page.total, page.next),
        (0, all.total, None)
    );
    let huge = IncidentQuery {
        limit: 1_000_000,
        ..Default::default()
    };
    let page = g.fx.index.incidents(&huge, now).unwrap();
    assert_eq!(page.items.len(), all.total.min(truce_index::MAX_LIMIT));
}

#[test]
fn bad_queries_are_refused_with_a_reason() {
    let index = Index::new();
    let now = ts("2025-11-01T00:00:00Z");
    assert_eq!(
        BoundingBox::new(35_000_000, 66_000_000, 30_000_000, 71_000_000),
        Err(QueryError::InvertedLatitude {
            south: 35_000_000,
            north: 30_000_000
        })
    );
    assert_eq!(
        BoundingBox::new(-90_000_001, 0, 0, 0),
        Err(QueryError::Latitude(-90_000_001))
    );
    assert_eq!(
        BoundingBox::new(0, 0, 0, 180_000_001),
        Err(QueryError::Longitude(180_000_001))
    );
    assert!(BoundingBox::new(0, i64::MIN, 0, 0).is_err());
    let inverted = IncidentQuery {
        from: Some(ts("2025-11-02T00:00:00Z")),
        to: Some(ts("2025-11-01T00:00:00Z")),
        ..Default::default()
    };
    let err = index.incidents(&inverted, now).unwrap_err();
    assert!(err.to_string().contains("after it ends"), "{err}");
    assert!(index.statistics(&inverted, Grouping::Week, now).is_err());
    for bad in ["", "zz", "0123", &"g".repeat(32), &"0".repeat(33)] {
        let err = Cursor::parse(bad).unwrap_err();
        assert!(err.to_string().contains("cursor"), "{err}");
    }
    // A cursor from the same time range round-trips exactly, negative times included.
    let page = index.incidents(&IncidentQuery::default(), now).unwrap();
    assert_eq!((page.total, page.next), (0, None));
}

#[test]
fn records_must_come_in_log_order_once() {
    let mut fx = Fx::new();
    let r = fx.admit(PK, incident(&Incident::default()));
    assert_eq!(
        fx.index.add(1, &r),
        Err(IndexError::OutOfOrder {
            expected: 2,
            got: 1
        })
    );
    assert_eq!(
        fx.index.add(5, &r),
        Err(IndexError::OutOfOrder {
            expected: 2,
            got: 5
        })
    );
    assert_eq!(fx.index.len(), 2);
    assert_eq!(fx.index.len_incidents(), 1);
}

#[test]
fn paging_is_stable_while_reports_are_appended() {
    let mut fx = Fx::new();
    let base = ts("2025-10-20T00:00:00Z").unix();
    let mut rng = Rng(5);
    // Many events share an hour, so ties are ordered by log index.
    for _ in 0..60 {
        fx.advance(600);
        let b = incident(&Incident {
            at: base + rng.below(20) as i64 * 3600,
            ..Default::default()
        });
        fx.admit(PK, b);
    }
    let now = at(fx.clock);
    let q = IncidentQuery {
        limit: 7,
        ..Default::default()
    };
    let before = expected(&fx, &q, now);
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut appended = Vec::new();
    loop {
        let page = fx
            .index
            .incidents(
                &IncidentQuery {
                    cursor,
                    ..q.clone()
                },
                now,
            )
            .unwrap();
        let last_key = page.items.last().map(|s| (s.time.at, s.index));
        seen.extend(page.items.iter().map(|s| s.index));
        // Between pages, reports arrive: newer events, older ones, and some
        // at exactly the cursor's time.
        for t in [
            base + 100 * 3600,
            base - 3600,
            last_key.map_or(base, |k| k.0.unix()),
        ] {
            fx.advance(60);
            let r = fx.admit(
                AF,
                incident(&Incident {
                    at: t,
                    accused: Some("pakistan"),
                    ..Default::default()
                }),
            );
            appended.push((t, fx.index.index_of(&r.hash()).unwrap(), last_key));
        }
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // Every report that existed at the start was listed exactly once, in order.
    let original: Vec<u64> = seen
        .iter()
        .copied()
        .filter(|i| before.contains(i))
        .collect();
    assert_eq!(original, before);
    let unique: BTreeSet<u64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "an item was listed twice");
    // What arrived later shows up only if it sorts after the cursor it met.
    for (t, index, key) in appended {
        if let Some((kt, ki)) = key
            && (at(t), index) > (kt, ki)
        {
            assert!(!seen.contains(&index));
        }
    }
    // Order holds across the whole listing.
    let keys: Vec<(Timestamp, u64)> = seen
        .iter()
        .map(|&i| (fx.index.incident(i, now).unwrap().time.at, i))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]));
}

#[test]
fn events_arriving_far_out_of_order_are_still_sorted() {
    // More late arrivals than the sorted run absorbs before merging (1024),
    // fed as the benchmark feeds them: bodies without signatures.
    let mut fx = Fx::new();
    let author = MemberId::parse(PK).unwrap();
    let mut rng = Rng(17);
    let base = ts("2020-01-01T00:00:00Z").unix();
    let start = fx.index.len();
    for n in 0..5000u64 {
        let t = if n % 3 == 0 {
            base + n as i64 * 60
        } else {
            base + rng.below(400_000) as i64
        };
        let b = incident(&Incident {
            at: t,
            title: "Backfilled report",
            ..Default::default()
        });
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&n.to_be_bytes());
        fx.index
            .add_parts(start + n, Hash(hash), &author, at(base + 600_000), &b, &[])
            .unwrap();
    }
    let now = at(base + 700_000);
    let mut q = IncidentQuery {
        limit: 500,
        ..Default::default()
    };
    let mut keys = Vec::new();
    loop {
        let page = fx.index.incidents(&q, now).unwrap();
        assert_eq!(page.total, 5000);
        keys.extend(page.items.iter().map(|s| (s.time.at, s.index)));
        match page.next {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(keys.len(), 5000);
    assert!(keys.windows(2).all(|w| w[0] > w[1]));
    // Time ranges count through both the sorted run and the late arrivals.
    let from = at(base + 100_000);
    let to = at(base + 200_000);
    let ranged = IncidentQuery {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let want = keys.iter().filter(|(t, _)| *t >= from && *t <= to).count();
    assert_eq!(fx.index.incidents(&ranged, now).unwrap().total, want);
}

#[test]
fn bounding_boxes_include_their_edges_and_can_cross_the_antimeridian() {
    let mut fx = Fx::new();
    let spots: &[Spot] = &[
        // On half-degree cell boundaries.
        (30_000_000, 66_500_000, "Pakistan", "Balochistan", "Corner"),
        (
            30_500_000,
            67_000_000,
            "Pakistan",
            "Balochistan",
            "Other corner",
        ),
        // Near the poles and the antimeridian.
        (90_000_000, 180_000_000, "Nowhere", "North", "Pole"),
        (-90_000_000, -180_000_000, "Nowhere", "South", "Other pole"),
        (
            10_000_000,
            179_900_000,
            "Fiji",
            "Eastern",
            "East of the line",
        ),
        (
            10_000_000,
            -179_900_000,
            "Fiji",
            "Western",
            "West of the line",
        ),
    ];
    for spot in spots {
        fx.advance(60);
        fx.admit(
            PK,
            incident(&Incident {
                places: std::slice::from_ref(spot),
                ..Default::default()
            }),
        );
    }
    // One report with two places: the second is what a box finds.
    fx.admit(
        PK,
        incident(&Incident {
            places: &[spots[2], SPOTS[0]],
            ..Default::default()
        }),
    );
    let now = at(fx.clock);
    let count = |b: BoundingBox| {
        let q = IncidentQuery {
            bbox: Some(b),
            ..Default::default()
        };
        let n = check(&fx, &q, now);
        let page = fx.index.incidents(&q, now).unwrap();
        (
            n,
            page.items
                .iter()
                .map(|s| s.place.location.clone().unwrap())
                .collect::<Vec<_>>(),
        )
    };
    // Edges are inside.
    assert_eq!(
        count(bbox(30_000_000, 66_500_000, 30_000_000, 66_500_000)).0,
        1
    );
    assert_eq!(
        count(bbox(30_000_000, 66_500_000, 30_500_000, 67_000_000)).0,
        2
    );
    // One micro-degree off is outside.
    assert_eq!(
        count(bbox(30_000_001, 66_500_001, 30_499_999, 66_999_999)).0,
        0
    );
    // The whole world holds everything.
    assert_eq!(
        count(bbox(-90_000_000, -180_000_000, 90_000_000, 180_000_000)).0,
        7
    );
    assert_eq!(
        count(bbox(90_000_000, 180_000_000, 90_000_000, 180_000_000)).0,
        2
    );
    assert_eq!(
        count(bbox(-90_000_000, -180_000_000, -90_000_000, -180_000_000)).0,
        1
    );
    // West edge east of the east edge: the box crosses the antimeridian.
    let (n, names) = count(bbox(9_000_000, 179_000_000, 11_000_000, -179_000_000));
    assert_eq!(n, 2, "{names:?}");
    // The same edges the other way round: a plain box from -179° to 179°,
    // which leaves out both points by the line.
    let (n, _) = count(bbox(9_000_000, -179_000_000, 11_000_000, 179_000_000));
    assert_eq!(n, 0);
    // A multi-place report matches by any of its places; its summary shows the first.
    let (n, names) = count(bbox(30_900_000, 66_400_000, 30_950_000, 66_500_000));
    assert_eq!((n, names), (1, vec!["Pole".to_owned()]));
}

#[test]
fn text_search_ignores_case_and_looks_only_at_the_start_of_narratives() {
    let mut fx = Fx::new();
    let long = format!(
        "{} the hidden word is zanzibar.",
        "Filler text. ".repeat(20)
    );
    let texts: &[(&str, Option<&str>, &str, &[Spot])] = &[
        (
            "Mortar fire near Chaman",
            None,
            "Shells landed.",
            &SPOTS[..1],
        ),
        (
            "Drone STRIKE",
            Some("Tehrik-i-Taliban"),
            "Two\n\nhouses hit.",
            &SPOTS[1..2],
        ),
        ("Report from İstanbul talks", None, &long, &SPOTS[2..3]),
        (
            "Türkiye observes",
            None,
            "Mediators present at Spin Boldak.",
            &SPOTS[3..4],
        ),
        // Title ends "…cha" and the next title starts "man…": a sweep over
        // the arena of titles must not join them.
        ("Attack at cha", None, "x", &SPOTS[4..5]),
        ("man-made obstacle", None, "y", &SPOTS[4..5]),
    ];
    for (title, actor, narrative, places) in texts {
        fx.advance(60);
        fx.admit(
            PK,
            incident(&Incident {
                title,
                actor: *actor,
                narrative,
                places,
                ..Default::default()
            }),
        );
    }
    // Quiet days elsewhere, a day earlier, so that a time range can leave
    // few candidates.
    for _ in 0..30 {
        fx.advance(60);
        let quiet = incident(&Incident {
            title: "Quiet day",
            narrative: "Nothing happened.",
            places: &[(0, 0, "Atlantis", "Deep", "Trench")],
            at: ts("2025-10-25T06:00:00Z").unix(),
            ..Default::default()
        });
        fx.admit(PK, quiet);
    }
    let now = at(fx.clock);
    let find = |text: &str| {
        let q = IncidentQuery {
            text: Some(text.into()),
            ..Default::default()
        };
        let n = check(&fx, &q, now);
        // The same search within the day of the reports: few candidates, so
        // each one's text is searched instead of sweeping the arenas.
        let narrow = IncidentQuery {
            from: Some(ts("2025-10-26T06:00:00Z")),
            to: Some(ts("2025-10-26T06:00:00Z")),
            ..q.clone()
        };
        assert_eq!(check(&fx, &narrow, now), n, "{text:?}");
        n
    };
    assert_eq!(find("CHAMAN"), 1);
    assert_eq!(find("chaman"), 1);
    assert_eq!(find("drone strike"), 1);
    assert_eq!(find("taliban"), 1, "actor");
    assert_eq!(find("kandahar"), 1, "province");
    assert_eq!(find("two houses"), 1, "whitespace runs are one space");
    assert_eq!(find("türkiye"), 1);
    assert_eq!(find("TÜRKIYE"), 1);
    assert_eq!(find("filler text"), 1);
    assert_eq!(
        find("zanzibar"),
        0,
        "past the first {NARRATIVE_SEARCH_BYTES} bytes"
    );
    assert_eq!(find("chaman"), 1, "not joined across titles");
    assert_eq!(find("cha"), 2);
    assert_eq!(find("afghanistan"), 4, "country names");
    assert_eq!(find("nothing like this"), 0);
    let empty = IncidentQuery {
        text: Some(" ".into()),
        ..Default::default()
    };
    assert_eq!(
        check(&fx, &empty, now),
        36,
        "an empty search filters nothing"
    );
}

#[test]
fn statistics_add_up_to_the_page_total() {
    let g = generate(23, 400);
    let fx = &g.fx;
    let now = at(fx.clock);
    let queries = [
        IncidentQuery::default(),
        IncidentQuery {
            accused: Some(pid("afghanistan")),
            ..Default::default()
        },
        IncidentQuery {
            from: Some(at(fx.clock - 20 * 86400)),
            ..Default::default()
        },
        IncidentQuery {
            text: Some("border".into()),
            ..Default::default()
        },
        IncidentQuery {
            status: vec![CaseStage::Found],
            ..Default::default()
        },
    ];
    for q in &queries {
        let want = expected(fx, q, now);
        let killed: u64 = want
            .iter()
            .map(|&i| u64::from(fx.index.incident(i, now).unwrap().killed))
            .sum();
        for by in [
            Grouping::Week,
            Grouping::Area,
            Grouping::Type,
            Grouping::Party,
            Grouping::Reporter,
        ] {
            let buckets = fx.index.statistics(q, by, now).unwrap();
            let total: usize = buckets.iter().map(|b| b.incidents).sum();
            assert_eq!(total, want.len(), "{by:?} for {q:?}");
            assert_eq!(buckets.iter().map(|b| b.killed).sum::<u64>(), killed);
            assert!(buckets.iter().all(|b| b.incidents > 0));
            if by == Grouping::Week {
                assert!(buckets.windows(2).all(|w| w[0].key < w[1].key));
                for b in &buckets {
                    let StatKey::Week(start) = &b.key else {
                        panic!()
                    };
                    // 2025-10-27 was a Monday.
                    let monday = ts("2025-10-27T00:00:00Z").unix();
                    assert_eq!((start.unix() - monday).rem_euclid(7 * 86400), 0);
                }
            } else {
                assert!(buckets.windows(2).all(|w| w[0].incidents >= w[1].incidents));
            }
        }
    }
    // Groups are what they say: by type, the counts per type.
    let by_type = fx
        .index
        .statistics(&IncidentQuery::default(), Grouping::Type, now)
        .unwrap();
    for b in by_type {
        let StatKey::Type(t) = b.key else { panic!() };
        let q = IncidentQuery {
            types: vec![t],
            limit: 0,
            ..Default::default()
        };
        assert_eq!(fx.index.incidents(&q, now).unwrap().total, b.incidents);
    }
    let by_area = fx
        .index
        .statistics(&IncidentQuery::default(), Grouping::Area, now)
        .unwrap();
    assert!(
        by_area
            .iter()
            .any(|b| b.key == StatKey::Area(Some("Balochistan".into())))
    );
    let by_party = fx
        .index
        .statistics(&IncidentQuery::default(), Grouping::Party, now)
        .unwrap();
    assert!(by_party.iter().any(|b| b.key == StatKey::Party(None)));
}

/// A density cell's south-west corner, micro-degrees.
type Corner = (i64, i64);
/// Incidents, sums of latitude and longitude, killed, injured.
type CellSums = (usize, i64, i64, u64, u64);

#[test]
fn density_cells_count_each_matching_incident_once_where_its_first_place_is() {
    let g = generate(31, 400);
    let fx = &g.fx;
    let now = at(fx.clock);
    let queries = [
        IncidentQuery::default(),
        IncidentQuery {
            accused: Some(pid("afghanistan")),
            ..Default::default()
        },
        IncidentQuery {
            bbox: Some(bbox(30_000_000, 65_000_000, 34_000_000, 71_000_000)),
            ..Default::default()
        },
        IncidentQuery {
            text: Some("border".into()),
            from: Some(at(fx.clock - 30 * 86400)),
            ..Default::default()
        },
    ];
    for q in &queries {
        let want = expected(fx, q, now);
        assert!(!want.is_empty(), "{q:?} selects nothing: a weak test");
        for cell in [10_000i64, 500_000, 5_000_000, 90_000_000] {
            // Worked out here from each incident's summary: count, sum of
            // points and casualties per cell.
            let mut by_cell: BTreeMap<Corner, CellSums> = BTreeMap::new();
            for &i in &want {
                let s = fx.index.incident(i, now).unwrap();
                let (lat, lon) = (
                    i64::from(s.place.point.lat_e6()),
                    i64::from(s.place.point.lon_e6()),
                );
                let corner = (
                    -90_000_000 + (lat + 90_000_000).div_euclid(cell) * cell,
                    -180_000_000 + (lon + 180_000_000).div_euclid(cell) * cell,
                );
                let t = by_cell.entry(corner).or_default();
                t.0 += 1;
                t.1 += lat;
                t.2 += lon;
                t.3 += u64::from(s.killed);
                t.4 += u64::from(s.injured);
            }
            let cells = fx
                .index
                .density(q, u32::try_from(cell).unwrap(), now)
                .unwrap();
            let got: BTreeMap<Corner, CellSums> = cells
                .iter()
                .map(|c| {
                    let n = c.incidents as i64;
                    (
                        (c.south_e6, c.west_e6),
                        (c.incidents, c.lat_e6 * n, c.lon_e6 * n, c.killed, c.injured),
                    )
                })
                .collect();
            assert_eq!(got.len(), by_cell.len(), "cells for {q:?} at {cell}");
            for (corner, (n, lat, lon, killed, injured)) in &by_cell {
                let (gn, glat, glon, gkilled, ginjured) = got[corner];
                assert_eq!(
                    (gn, gkilled, ginjured),
                    (*n, *killed, *injured),
                    "{corner:?}"
                );
                // The mean point, to the micro-degree it is rounded to.
                let n = *n as i64;
                assert!(
                    (glat - lat).abs() < n && (glon - lon).abs() < n,
                    "{corner:?}"
                );
            }
            assert_eq!(cells.iter().map(|c| c.incidents).sum::<usize>(), want.len());
            assert!(
                cells
                    .windows(2)
                    .all(|w| (w[0].south_e6, w[0].west_e6) < (w[1].south_e6, w[1].west_e6))
            );
        }
    }

    // Out-of-range cells, and a question spanning too many, are refused.
    let world = IncidentQuery::default();
    assert!(matches!(
        fx.index.density(&world, 999, now),
        Err(QueryError::CellSize { cell_e6: 999, .. })
    ));
    assert!(matches!(
        fx.index.density(&world, 90_000_001, now),
        Err(QueryError::CellSize { .. })
    ));
    // An answer of more cells than allowed is refused, one of exactly that
    // many is given.
    let filled = fx.index.density(&world, 1_000, now).unwrap().len();
    assert!(filled > 1 && filled <= MAX_CELLS, "{filled}");
    assert_eq!(
        fx.index
            .density_at_most(&world, 1_000, now, filled)
            .map(|c| c.len()),
        Ok(filled)
    );
    assert_eq!(
        fx.index.density_at_most(&world, 1_000, now, filled - 1),
        Err(QueryError::TooManyCells { most: filled - 1 })
    );
}

#[test]
fn a_case_holds_the_evidence_its_records_cite_with_its_acknowledgments_and_reads() {
    let mut fx = Fx::new();
    // Photographs are filed first and the report cites them: they point
    // nowhere, the report points at them.
    let photo = |fx: &mut Fx, who, text: &str| {
        fx.admit(
            who,
            body(
                Kind::EvidenceSubmit,
                json!({"digest": BlobDigest::of(text.as_bytes()), "media_type": "image/png",
                       "size": 1, "description": text, "confidentiality": "public"}),
            ),
        )
    };
    let crater = photo(&mut fx, AF, "Crater.");
    let unrelated = photo(&mut fx, AF, "Another day.");
    let mut report_body = incident(&Incident {
        accused: Some("pakistan"),
        ..Default::default()
    })
    .to_value()
    .unwrap();
    report_body["evidence"] = json!([crater.hash()]);
    let report = fx.admit(AF, Body::parse(Kind::IncidentReport, &report_body).unwrap());
    let ack = fx.admit(
        PK,
        body(
            Kind::EvidenceAcknowledge,
            json!({"evidence": crater.hash(), "status": "received"}),
        ),
    );
    let read = fx.admit(
        TR,
        body(Kind::EvidenceAccess, json!({"evidence": crater.hash()})),
    );
    let witness = photo(&mut fx, PK, "Post log.");
    let mut answer_body = response(report.hash(), "deny").to_value().unwrap();
    answer_body["evidence"] = json!([witness.hash()]);
    let answer = fx.admit(
        PK,
        Body::parse(Kind::IncidentResponse, &answer_body).unwrap(),
    );

    let ix = &fx.index;
    let i = |r: &Record| ix.index_of(&r.hash()).unwrap();
    assert_eq!(
        ix.case_records(i(&report)),
        vec![i(&crater), i(&ack), i(&read), i(&witness), i(&answer)]
    );
    assert!(!ix.case_records(i(&report)).contains(&i(&unrelated)));
}

#[test]
fn lookups_for_the_other_pages() {
    let mut fx = Fx::new();
    let report = fx.admit(PK, incident(&Incident::default()));
    let other = fx.admit(
        AF,
        incident(&Incident {
            accused: Some("pakistan"),
            ..Default::default()
        }),
    );
    let digest = BlobDigest::of(b"crater photo");
    let evidence = fx.admit(
        PK,
        body(
            Kind::EvidenceSubmit,
            json!({"digest": digest, "media_type": "image/jpeg", "size": 12,
                   "description": "Crater.", "confidentiality": "participants",
                   "incident": report.hash()}),
        ),
    );
    let ack = fx.admit(
        AF,
        body(
            Kind::EvidenceAcknowledge,
            json!({"evidence": evidence.hash(), "status": "received"}),
        ),
    );
    let answer = fx.admit(AF, response(report.hash(), "deny"));
    let f = fx.admit(TR, finding(report.hash(), "verified", Some("afghanistan")));
    let c = fx.admit(QA, concurrence(f.hash()));
    let link = fx.admit(
        TR,
        body(
            Kind::IncidentLink,
            json!({"incidents": [report.hash(), other.hash()], "relation": "duplicate", "note": "Same event."}),
        ),
    );
    let msg = fx.admit(
        PK,
        body(
            Kind::ChannelMessage,
            json!({"to": ["afghanistan"], "subject": "Shelling", "text": "Stop."}),
        ),
    );
    let reply = fx.admit(
        AF,
        body(
            Kind::ChannelMessage,
            json!({"to": ["pakistan"], "subject": "Re", "text": "No.", "reply_to": msg.hash()}),
        ),
    );
    let receipt = fx.admit(
        AF,
        body(
            Kind::ChannelReceipt,
            json!({"message": msg.hash(), "status": "read"}),
        ),
    );
    let other_thread = fx.admit(
        TR,
        body(
            Kind::ChannelMessage,
            json!({"to": ["qatar"], "subject": "Coordination", "text": "Call?"}),
        ),
    );
    let propose = fx.admit(
        TR,
        body(
            Kind::DraftPropose,
            json!({"title": "Mechanism", "clauses": [{"id": "c1", "text": "No attacks."}]}),
        ),
    );
    let position = fx.admit(
        PK,
        body(
            Kind::DraftPosition,
            json!({"version": propose.hash(), "positions": [{"clause": "c1", "position": "accept"}]}),
        ),
    );
    let amend = fx.admit(
        TR,
        body(Kind::DraftAmend, json!({"previous": propose.hash(), "clauses": [{"id": "c1", "text": "No attacks at all."}]})),
    );
    let sign = fx.admit(
        PK,
        body(
            Kind::DraftSign,
            json!({"version": amend.hash(), "capacity": "party"}),
        ),
    );

    let ix = &fx.index;
    let i = |r: &Record| ix.index_of(&r.hash()).unwrap();
    for (n, l) in fx.log.iter().enumerate() {
        assert_eq!(ix.index_of(&l.record.hash()), Some(n as u64));
        assert_eq!(ix.hash_of(n as u64), Some(l.record.hash()));
        assert_eq!(ix.kind_of(n as u64), Some(l.record.kind()));
    }
    assert_eq!(ix.index_of(&Hash([7; 32])), None);
    assert_eq!(ix.of_kind(Kind::IncidentReport), &[i(&report), i(&other)]);
    assert_eq!(ix.of_kind(Kind::Charter), &[0]);
    assert!(ix.of_kind(Kind::Remedy).is_empty());
    assert_eq!(
        ix.referencing(i(&report)),
        &[i(&evidence), i(&answer), i(&f), i(&link)]
    );
    assert_eq!(ix.referencing(i(&f)), &[i(&c)]);
    assert_eq!(
        ix.case_records(i(&report)),
        vec![i(&evidence), i(&ack), i(&answer), i(&f), i(&c), i(&link)]
    );
    assert_eq!(ix.case_records(i(&other)), vec![i(&link)]);
    assert_eq!(ix.thread_of(i(&reply)), Some(i(&msg)));
    assert_eq!(ix.thread(i(&msg)), &[i(&msg), i(&reply)]);
    assert_eq!(
        ix.threads(),
        vec![(i(&other_thread), i(&other_thread)), (i(&msg), i(&reply))]
    );
    assert_eq!(ix.referencing(i(&msg)), &[i(&reply), i(&receipt)]);
    assert_eq!(ix.drafts().collect::<Vec<_>>(), vec![i(&propose)]);
    assert_eq!(
        ix.draft(i(&propose)),
        &[i(&propose), i(&position), i(&amend), i(&sign)]
    );
    assert_eq!(ix.draft_of(i(&sign)), Some(i(&propose)));
    assert_eq!(ix.evidence(&digest), &[i(&evidence)]);
    assert!(ix.evidence(&BlobDigest::of(b"other")).is_empty());

    // The finding was signed by both mediators: the case is found.
    let s = ix.incident(i(&report), at(fx.clock)).unwrap();
    assert_eq!(s.stage, CaseStage::Found);
    assert_eq!(s.title, "Mortar fire across the border");
    assert_eq!(s.place.location.as_deref(), Some("Chaman"));
    assert_eq!(s.place.admin1.as_deref(), Some("Balochistan"));
    assert!(ix.incident(i(&f), at(fx.clock)).is_none());
    assert!(ix.heap_bytes() > 0);
}

/// The channel and compliance the index keeps as records arrive are what the
/// core derives from the whole log: commitments declared by both parties,
/// findings with and without the threshold, determinations with and without
/// a concurrence.
#[test]
fn kept_compliance_agrees_with_derive() {
    use truce_core::derive::compliance::{awaiting_decision, commitments};
    let mut g = generate(11, 400);
    // Afghanistan's covers every type, Pakistan's some.
    for (member, types) in [(PK, json!(&TYPES[..2])), (AF, json!(TYPES))] {
        let effective = "2020-01-01T00:00:00Z";
        g.fx.admit(
            member,
            body(
                Kind::CommitmentDeclare,
                json!({"title": "No attacks across the border", "text": "We commit.",
                    "incident_types": types, "effective": effective}),
            ),
        );
    }
    let awaiting = awaiting_decision(&g.fx.view());
    assert!(
        awaiting.len() >= 4,
        "the generated log has verified findings"
    );
    for (n, a) in awaiting.iter().enumerate().filter(|(n, _)| n % 2 == 0) {
        let d = g.fx.admit(
            TR,
            body(
                Kind::ViolationDetermination,
                json!({"finding": a.finding, "party": a.party, "consequence_level": 1,
                    "reasoning": "The finding stands."}),
            ),
        );
        if n % 4 == 0 {
            g.fx.admit(QA, concurrence(d.hash()));
        }
    }
    let view = g.fx.view();
    let kept = g.fx.index.compliance();
    let derived = commitments(&view);
    assert_eq!(kept.commitments(), derived);
    assert!(derived.iter().any(|c| !c.violations.is_empty()));
    assert!(
        derived
            .iter()
            .flat_map(|c| &c.violations)
            .flat_map(|v| &v.determinations)
            .any(|d| d.counts)
    );
    assert_eq!(kept.awaiting_decision(), awaiting_decision(&view));
    assert!(kept.awaiting_decision().len() < awaiting.len());
}

#[test]
fn a_case_is_illustrative_when_its_report_or_anything_about_it_says_so() {
    let mut fx = Fx::new();
    let plain = fx.admit(PK, incident(&Incident::default()));
    let marked = {
        let mut v = incident(&Incident::default()).to_value().unwrap();
        v["illustrative"] = json!("Coordinates illustrative.");
        fx.admit(PK, Body::parse(Kind::IncidentReport, &v).unwrap())
    };
    let answered = fx.admit(
        PK,
        incident(&Incident {
            accused: Some("afghanistan"),
            ..Default::default()
        }),
    );
    let found = fx.admit(PK, incident(&Incident::default()));
    let flags = |fx: &Fx| -> Vec<bool> {
        let page = fx
            .index
            .incidents(&IncidentQuery::default(), at(fx.clock))
            .unwrap();
        [&plain, &marked, &answered, &found]
            .iter()
            .map(|r| {
                let i = fx.index.index_of(&r.hash()).unwrap();
                page.items
                    .iter()
                    .find(|s| s.index == i)
                    .unwrap()
                    .illustrative
            })
            .collect()
    };
    assert_eq!(flags(&fx), [false, true, false, false]);
    // An invented answer marks the case it answers.
    let mut v = response(answered.hash(), "deny").to_value().unwrap();
    v["illustrative"] = json!("Response illustrative.");
    let version = fx.index.incidents_version();
    fx.admit(AF, Body::parse(Kind::IncidentResponse, &v).unwrap());
    assert!(
        fx.index.incidents_version() > version,
        "cached answers change"
    );
    // So does an invented finding, and what rests on it (its concurrence).
    let mut f = finding(found.hash(), "verified", Some("pakistan"))
        .to_value()
        .unwrap();
    f["illustrative"] = json!("Finding illustrative.");
    let finding = fx.admit(TR, Body::parse(Kind::Finding, &f).unwrap());
    fx.admit(QA, concurrence(finding.hash()));
    assert_eq!(flags(&fx), [false, true, true, true]);
    // Statistics count them.
    let buckets = fx
        .index
        .statistics(&IncidentQuery::default(), Grouping::Type, at(fx.clock))
        .unwrap();
    assert_eq!(buckets.iter().map(|b| b.illustrative).sum::<usize>(), 3);
    assert_eq!(buckets.iter().map(|b| b.incidents).sum::<usize>(), 4);
    // And compliance says which verified violations rest on something invented.
    assert_eq!(fx.index.compliance().verified_violations(), 1);
    assert_eq!(fx.index.compliance().illustrative_violations(), 1);
}

/// Everything the server asks an index, asked of two: the same answers.
fn assert_answers_alike(read_back: &Index, fed: &Index, log: &[Logged], now: Timestamp) {
    assert_eq!(read_back.len(), fed.len());
    assert_eq!(read_back.len_incidents(), fed.len_incidents());
    assert_eq!(read_back.incidents_version(), fed.incidents_version());
    assert_eq!(read_back.latest_time(), fed.latest_time());
    for l in log.iter().take(fed.len() as usize) {
        let (n, hash) = (l.index, l.record.hash());
        assert_eq!(read_back.index_of(&hash), Some(n), "record {n} by its hash");
        assert_eq!(read_back.hash_of(n), Some(hash));
        assert_eq!(read_back.kind_of(n), fed.kind_of(n));
        assert_eq!(read_back.referencing(n), fed.referencing(n));
        assert_eq!(read_back.case_records(n), fed.case_records(n));
        assert_eq!(read_back.thread_of(n), fed.thread_of(n));
        assert_eq!(read_back.draft_of(n), fed.draft_of(n));
        let summary = |ix: &Index| ix.incident(n, now).map(|s| format!("{s:?}"));
        assert_eq!(summary(read_back), summary(fed), "incident {n}");
    }
    assert_eq!(read_back.index_of(&Hash([7; 32])), None);
    for kind in [Kind::IncidentReport, Kind::Finding, Kind::ChannelMessage] {
        assert_eq!(read_back.of_kind(kind), fed.of_kind(kind));
    }
    assert_eq!(read_back.threads(), fed.threads());
    assert_eq!(
        read_back.drafts().collect::<Vec<_>>(),
        fed.drafts().collect::<Vec<_>>()
    );
    assert_eq!(
        read_back.channel().all(now),
        fed.channel().all(now),
        "the channel"
    );
    assert_eq!(
        read_back.compliance().commitments(),
        fed.compliance().commitments()
    );
    assert_eq!(
        read_back.compliance().awaiting_decision(),
        fed.compliance().awaiting_decision()
    );
    let queries = [
        IncidentQuery::default(),
        IncidentQuery {
            text: Some("chaman".into()),
            ..Default::default()
        },
        IncidentQuery {
            text: Some("second strike".into()),
            accused: Some(pid("afghanistan")),
            ..Default::default()
        },
        IncidentQuery {
            bbox: Some(bbox(30_000_000, 66_000_000, 34_000_000, 70_000_000)),
            status: vec![CaseStage::Found, CaseStage::Reported],
            ..Default::default()
        },
        IncidentQuery {
            from: Some(at(now.unix() - 20 * 86_400)),
            limit: 7,
            ..Default::default()
        },
    ];
    for q in &queries {
        assert_eq!(
            all_pages(read_back, q, now),
            all_pages(fed, q, now),
            "{q:?}"
        );
        for by in [
            Grouping::Week,
            Grouping::Area,
            Grouping::Type,
            Grouping::Party,
        ] {
            assert_eq!(
                read_back.statistics(q, by, now).unwrap(),
                fed.statistics(q, by, now).unwrap(),
                "{by:?} of {q:?}"
            );
        }
    }
}

#[test]
fn room_reserved_for_the_rest_of_the_log_changes_no_answer_and_a_refused_room_changes_nothing() {
    let g = generate(41, 900);
    let fx = &g.fx;
    let now = at(fx.clock + 3600);
    let mut reserved = Index::new();
    reserved.reserve_records(1_000_000);
    assert_eq!(
        reserved.heap_bytes(),
        Index::new().heap_bytes(),
        "nothing to go by yet"
    );
    for (n, l) in fx.log.iter().enumerate() {
        reserved.add(l.index, &l.record).unwrap();
        if n == 50 {
            let before = reserved.heap_bytes();
            reserved.reserve_records(fx.log.len() as u64 * 4);
            assert!(reserved.heap_bytes() > before * 2, "room made");
            // Past what any allocator grants: refused quietly, as it was.
            let made = reserved.heap_bytes();
            reserved.reserve_records(u64::MAX);
            assert_eq!(reserved.heap_bytes(), made);
        }
    }
    assert_answers_alike(&reserved, &fx.index, &fx.log, now);
    let page = |ix: &Index| format!("{:?}", ix.incidents(&IncidentQuery::default(), now));
    assert_eq!(page(&reserved), page(&fx.index));
}

#[test]
fn a_snapshot_read_back_answers_as_the_index_it_was_written_from_and_goes_on_from_there() {
    let mut g = generate(31, 600);
    // What `generate` leaves out: a commitment, the channel, a draft.
    g.fx.admit(
        AF,
        body(
            Kind::CommitmentDeclare,
            json!({"title": "No attacks across the border", "text": "We commit.",
                "incident_types": TYPES, "effective": "2020-01-01T00:00:00Z"}),
        ),
    );
    let msg = g.fx.admit(
        PK,
        body(
            Kind::ChannelMessage,
            json!({"to": ["afghanistan"], "subject": "Shelling", "text": "Stop.", "urgent": true}),
        ),
    );
    let propose = g.fx.admit(
        TR,
        body(
            Kind::DraftPropose,
            json!({"title": "Mechanism", "clauses": [{"id": "c1", "text": "No attacks."}]}),
        ),
    );
    let more = generate(37, 300);
    // The second half: more cases on the same incidents, a reply, a position.
    for (n, l) in more.fx.log.iter().enumerate().skip(1) {
        let member = l.record.author().to_string();
        if n == 40 {
            g.fx.admit(
                AF,
                body(
                    Kind::ChannelMessage,
                    json!({"to": ["pakistan"], "subject": "Re", "text": "No.", "reply_to": msg.hash()}),
                ),
            );
            g.fx.admit(
                PK,
                body(
                    Kind::DraftPosition,
                    json!({"version": propose.hash(), "positions": [{"clause": "c1", "position": "accept"}]}),
                ),
            );
        }
        // Re-signed in this log (the other log's references are not ours):
        // only the reports, which refer to nothing.
        if l.record.kind() == Kind::IncidentReport {
            g.fx.advance(600);
            g.fx.admit(&member, l.record.body().clone());
        }
    }
    let fx = &g.fx;
    let half = (fx.log.len() / 2) as u64;
    assert!(fx.log.len() > 700, "{} records", fx.log.len());

    let mut first_half = Index::new();
    for l in fx.log.iter().take(half as usize) {
        first_half.add(l.index, &l.record).unwrap();
    }
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    first_half
        .write_snapshot(&mut bytes, |b| ends.push(b.len()))
        .unwrap();
    assert_eq!(
        (ends.len(), ends.last()),
        (SNAPSHOT_PARTS, Some(&bytes.len()))
    );
    let parts: [&[u8]; SNAPSHOT_PARTS] =
        std::array::from_fn(|i| &bytes[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]);
    let mut read_back = Index::read_snapshot(parts).unwrap();
    let now = at(fx.clock + 3600);
    assert_answers_alike(&read_back, &first_half, &fx.log, now);

    // Fed the rest of the log, it answers as the index fed all of it.
    for l in fx.log.iter().skip(half as usize) {
        read_back.add(l.index, &l.record).unwrap();
    }
    assert_answers_alike(&read_back, &fx.index, &fx.log, now);
    assert_eq!(
        read_back.add(half, &fx.log[half as usize].record),
        Err(IndexError::OutOfOrder {
            expected: fx.log.len() as u64,
            got: half
        })
    );

    // A part cut short or run on is refused, not half read; so are parts
    // out of order.
    for i in 0..SNAPSHOT_PARTS {
        let mut short = parts;
        short[i] = &parts[i][..parts[i].len() - 1];
        assert!(
            matches!(Index::read_snapshot(short), Err(SnapshotError::Read(_))),
            "part {i} cut short"
        );
        let longer = [parts[i], b"\0\0"].concat();
        let mut long = parts;
        long[i] = &longer;
        assert!(
            matches!(Index::read_snapshot(long), Err(SnapshotError::Trailing)),
            "part {i} run on"
        );
    }
    let [records, incidents, rest] = parts;
    assert!(Index::read_snapshot([incidents, records, rest]).is_err());
}
