//! Query latency over a million incidents: `cargo bench -p truce-index`.
//!
//! Plain timing, no harness: builds the index, then runs each kind of query
//! many times with varying parameters and prints p50/p99 latency, the build
//! time and the memory the index holds.
//!
//! Only the charter is a signed record. The incidents, responses,
//! investigation steps, findings and concurrences are fed through
//! `Index::add_parts` — the function `Index::add` itself calls with the
//! parts of a record — because signing and canonicalising 1.8 million
//! records would take minutes and measure truce-core, not the index.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::json;
use std::io::{Read, Seek};
use std::time::{Duration, Instant};
use truce_core::derive::case::CaseStage;
use truce_core::kinds::incident::{
    Casualties, CasualtyFigures, Concurrence, Determination, Estimate, Finding, IncidentReport,
    IncidentResponse, IncidentType, Investigation, InvestigationStep, Stance,
};
use truce_core::record::RecordDraft;
use truce_core::values::{
    Bounded, EventTime, GeoPoint, GeoPrecision, Label, MemberId, ParticipantId, Place, Prose,
    TimePrecision, Timestamp,
};
use truce_core::{Body, Hash, Kind};
use truce_index::{BoundingBox, Grouping, IncidentQuery, Index};
use truce_tlog::note::NoteSigner;

const INCIDENTS: usize = 1_000_000;
const RUNS: usize = 100;
const ORIGIN: &str = "truce.example/bench";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
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
    fn hash(&mut self) -> Hash {
        let mut h = [0u8; 32];
        for chunk in h.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        Hash(h)
    }
}

/// (name, province, country, lat µ°, lon µ°): places on both sides of the
/// Durand Line; the bench scatters villages around each.
const TOWNS: &[(&str, &str, &str, i64, i64)] = &[
    ("Chaman", "Balochistan", "Pakistan", 30_917_000, 66_452_000),
    (
        "Spin Boldak",
        "Kandahar",
        "Afghanistan",
        31_005_000,
        66_400_000,
    ),
    (
        "Torkham",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        34_096_000,
        71_094_000,
    ),
    (
        "Momand Dara",
        "Nangarhar",
        "Afghanistan",
        34_225_000,
        70_985_000,
    ),
    (
        "Angoor Adda",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        32_500_000,
        69_500_000,
    ),
    ("Barmal", "Paktika", "Afghanistan", 32_700_000, 69_200_000),
    (
        "Ghulam Khan",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        33_150_000,
        70_050_000,
    ),
    ("Khost", "Khost", "Afghanistan", 33_339_000, 69_920_000),
    (
        "Parachinar",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        33_900_000,
        70_100_000,
    ),
    (
        "Dand-e-Patan",
        "Paktia",
        "Afghanistan",
        33_750_000,
        69_950_000,
    ),
    (
        "Bajaur",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        34_800_000,
        71_500_000,
    ),
    ("Dangam", "Kunar", "Afghanistan", 34_980_000, 71_400_000),
    (
        "Chitral",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        35_850_000,
        71_780_000,
    ),
    ("Barikot", "Kunar", "Afghanistan", 35_300_000, 71_530_000),
    ("Zhob", "Balochistan", "Pakistan", 31_340_000, 69_450_000),
    ("Gomal", "Paktika", "Afghanistan", 31_950_000, 69_000_000),
    ("Quetta", "Balochistan", "Pakistan", 30_180_000, 67_000_000),
    (
        "Kandahar",
        "Kandahar",
        "Afghanistan",
        31_610_000,
        65_710_000,
    ),
    (
        "Peshawar",
        "Khyber Pakhtunkhwa",
        "Pakistan",
        34_010_000,
        71_580_000,
    ),
    (
        "Jalalabad",
        "Nangarhar",
        "Afghanistan",
        34_430_000,
        70_450_000,
    ),
    ("Kabul", "Kabul", "Afghanistan", 34_555_000, 69_207_000),
    ("Islamabad", "Islamabad", "Pakistan", 33_690_000, 73_050_000),
    ("Gwadar", "Balochistan", "Pakistan", 25_120_000, 62_320_000),
    ("Herat", "Herat", "Afghanistan", 34_350_000, 62_200_000),
];
const TEMPLATES: &[(&str, IncidentType)] = &[
    ("Mortar fire near", IncidentType::Shelling),
    ("Artillery shelling of", IncidentType::Shelling),
    ("Drone strike on a compound in", IncidentType::DroneStrike),
    ("Airstrike reported over", IncidentType::Airstrike),
    ("Clash between border posts at", IncidentType::ArmedClash),
    ("Cross-border raid on", IncidentType::CrossBorderAttack),
    (
        "Infiltration attempt foiled near",
        IncidentType::InfiltrationAttempt,
    ),
    ("Airspace violation over", IncidentType::AirspaceViolation),
    ("IED on the road to", IncidentType::Ied),
    ("Abduction of traders from", IncidentType::Abduction),
    ("Crossing closed at", IncidentType::CrossingClosure),
    ("Unexplained explosion in", IncidentType::Other),
];
const ACTORS: &[&str] = &[
    "TTP",
    "Frontier Corps",
    "Border Police",
    "Unknown gunmen",
    "Hafiz Gul Bahadur group",
    "Afghan National Army remnants",
];
const OPENINGS: &[&str] = &[
    "Local officials said shells landed near the crossing shortly after dawn",
    "Residents reported a drone circling for an hour before the strike",
    "Border guards exchanged fire for about three hours overnight",
    "Traders waiting at the gate were turned back and the crossing closed",
    "A roadside device exploded as a patrol passed the market",
    "Villagers said an aircraft crossed the line twice in the afternoon",
];
const FILLER: &str = " Witnesses described damage to several houses and a school. \
    The district administration requested an investigation by the mechanism and \
    shared photographs with the mediators. Casualty figures remain provisional and \
    may change as hospitals report. Access to the site was limited by continued firing.";
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn label(s: &str) -> Label {
    Label::parse(s).unwrap()
}

fn ts(unix: i64) -> Timestamp {
    Timestamp::from_unix(unix).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn rss_bytes() -> Option<usize> {
    truce_bench::resident_bytes().and_then(|b| usize::try_from(b).ok())
}

fn charter(index: &mut Index) {
    let key = |name: &str, n: u8| NoteSigner::from_seed(name, [n; 32]).unwrap();
    let members = [
        (
            "pakistan",
            "party",
            "pk.lead",
            &["report", "respond", "sign", "admin"][..],
        ),
        (
            "afghanistan",
            "party",
            "af.lead",
            &["report", "respond", "sign", "admin"][..],
        ),
        (
            "turkiye",
            "mediator",
            "tr.lead",
            &["report", "find", "sign", "admin"][..],
        ),
        (
            "qatar",
            "mediator",
            "qa.lead",
            &["find", "sign", "admin"][..],
        ),
    ];
    let keys: Vec<NoteSigner> = members
        .iter()
        .enumerate()
        .map(|(n, m)| key(m.2, n as u8 + 2))
        .collect();
    let participants: Vec<_> = members
        .iter()
        .zip(&keys)
        .map(|((id, role, member, caps), k)| {
            json!({"id": id, "name": id, "role": role, "members": [
                {"id": member, "name": member, "key": k.verifier().vkey(), "capabilities": caps}]})
        })
        .collect();
    let witness = key("pakistan.witness", 40);
    let body = Body::parse(
        Kind::Charter,
        &json!({
            "title": "Bench charter",
            "origin": ORIGIN,
            "log_key": key(ORIGIN, 1).verifier().vkey(),
            "effective": "2022-01-01T00:00:00Z",
            "participants": participants,
            "deadlines": {"incident_response_hours": 72, "channel_ack_hours": 24},
            "finding_threshold": "all",
            "witness_policy": format!("witness pakistan {}\nquorum pakistan\n", truce_tlog::Cosigner::from_note_signer(&witness).verifier().vkey()),
            "consequences": [],
        }),
    )
    .unwrap();
    let draft = RecordDraft {
        log: label(ORIGIN),
        author: MemberId::parse("tr.lead").unwrap(),
        seq: 1,
        time: ts(1_640_995_200),
        body,
        confidential: None,
        extra_refs: vec![],
    };
    let signers: Vec<&NoteSigner> = vec![&keys[2], &keys[0], &keys[1], &keys[3]];
    let record = draft.sign(&signers).unwrap();
    index.add(0, &record).unwrap();
}

struct Built {
    index: Index,
    start: i64,
    end: i64,
    feed: Duration,
    records: u64,
}

fn build() -> Built {
    let mut rng = Rng(2025);
    let mut index = Index::new();
    charter(&mut index);
    let pk = MemberId::parse("pk.lead").unwrap();
    let af = MemberId::parse("af.lead").unwrap();
    let tr = MemberId::parse("tr.lead").unwrap();
    let qa = MemberId::parse("qa.lead").unwrap();
    let pakistan = ParticipantId::parse("pakistan").unwrap();
    let afghanistan = ParticipantId::parse("afghanistan").unwrap();
    // Three years of reports, one every ~95 seconds.
    let start = 1_672_531_200; // 2023-01-01
    let span = 3 * 365 * 86_400;
    let step = span / INCIDENTS as i64;
    let mut next = 1u64;
    let mut feed = Duration::ZERO;
    let mut open: Vec<(Hash, bool)> = Vec::new();
    let mut add = |index: &mut Index, author: &MemberId, time: i64, hash: Hash, body: &Body| {
        let t = Instant::now();
        index
            .add_parts(next, hash, author, ts(time), body, &body.references())
            .unwrap();
        feed += t.elapsed();
        next += 1;
    };
    for n in 0..INCIDENTS {
        let reported = start + n as i64 * step;
        let town = rng.pick(TOWNS);
        let (lat, lon) = (
            town.3 + rng.below(300_000) as i64 - 150_000,
            town.4 + rng.below(300_000) as i64 - 150_000,
        );
        let village = format!("{} village {}", town.0, rng.below(40));
        let (template, kind) = *rng.pick(TEMPLATES);
        // Events up to five days before their report: out of order.
        let event = reported - rng.below(5 * 86_400) as i64;
        let month = MONTHS[((event / (30 * 86_400)) % 12) as usize];
        // Mostly distinct titles (the worst case for the title pool).
        let title = format!("{template} {village} on {} {month}", 1 + rng.below(28));
        let (author, accused) = match rng.below(10) {
            0..=3 => (&pk, rng.chance(90).then(|| afghanistan.clone())),
            4..=7 => (&af, rng.chance(90).then(|| pakistan.clone())),
            _ => (
                &tr,
                Some(if rng.chance(50) {
                    pakistan.clone()
                } else {
                    afghanistan.clone()
                }),
            ),
        };
        // Field narratives are unique: the opening varies with the place,
        // the numbers and the source before the shared boilerplate.
        let narrative = format!(
            "{} in {village}, {} km from {}; {} houses damaged, according to {} ({}).{FILLER}",
            rng.pick(OPENINGS),
            1 + rng.below(30),
            town.0,
            rng.below(12),
            rng.pick(&[
                "local elders",
                "the district office",
                "a hospital",
                "border officials"
            ]),
            1 + rng.below(9999),
        );
        let killed = if rng.chance(30) {
            rng.below(6) as u32
        } else {
            0
        };
        let report = IncidentReport {
            title: label(&title),
            incident_type: kind,
            time: EventTime {
                at: ts(event),
                precision: TimePrecision::Hour,
            },
            places: Bounded::new(vec![Place {
                point: GeoPoint::new(lat, lon).unwrap(),
                precision: GeoPrecision::Locality,
                country: Some(label(town.2)),
                admin1: Some(label(town.1)),
                admin2: None,
                location: Some(label(&village)),
                gazetteer_id: None,
            }])
            .unwrap(),
            accused: accused.clone(),
            actor: rng.chance(40).then(|| label(rng.pick::<&str>(ACTORS))),
            casualties: Casualties {
                killed: CasualtyFigures {
                    civilian: Estimate {
                        low: killed,
                        best: killed,
                        high: killed + 1,
                    },
                    military: Estimate::default(),
                },
                injured: CasualtyFigures::default(),
            },
            narrative: Prose::parse(narrative).unwrap(),
            evidence: Bounded::default(),
            sources: Bounded::default(),
            illustrative: None,
            imported_from: None,
        };
        let hash = rng.hash();
        add(
            &mut index,
            author,
            reported,
            hash,
            &Body::IncidentReport(report),
        );
        open.push((hash, accused.as_ref() == Some(&pakistan)));

        // Case work on a recent report: 60% are answered (some late), some
        // investigated, some found (half with both mediators' signatures).
        if n % 4 == 0 && open.len() > 8 {
            for _ in 0..3 {
                let i = open.len() - 1 - rng.below(8) as usize;
                let (incident, pakistan_accused) = open[i];
                let roll = rng.below(100);
                let at = reported + rng.below(3600) as i64;
                let body = if roll < 75 {
                    let who = if pakistan_accused { &pk } else { &af };
                    let stance = *rng.pick(&[Stance::Acknowledge, Stance::Deny, Stance::Dispute]);
                    let b = Body::IncidentResponse(IncidentResponse {
                        incident,
                        stance,
                        narrative: Prose::parse("Our forces did not fire.").unwrap(),
                        counter_claims: Bounded::default(),
                        evidence: Bounded::default(),
                        illustrative: None,
                    });
                    (who, b)
                } else if roll < 90 {
                    let s = *rng.pick(&[
                        InvestigationStep::Opened,
                        InvestigationStep::SiteVisit,
                        InvestigationStep::Closed,
                    ]);
                    let b = Body::Investigation(Investigation {
                        incident,
                        step: s,
                        details: Prose::parse("A joint team visited.").unwrap(),
                        team: Bounded::default(),
                        concerns: None,
                        evidence: Bounded::default(),
                        illustrative: None,
                    });
                    (&tr, b)
                } else {
                    let b = Body::Finding(Finding {
                        incident,
                        determination: Determination::Inconclusive,
                        responsible: None,
                        actor: None,
                        reasoning: Prose::parse("Evidence was insufficient.").unwrap(),
                        evidence: Bounded::default(),
                        illustrative: None,
                    });
                    let finding = rng.hash();
                    add(&mut index, &tr, at, finding, &b);
                    if rng.chance(50) {
                        let c = Body::Concurrence(Concurrence {
                            record: finding,
                            note: None,
                        });
                        add(&mut index, &qa, at, rng.hash(), &c);
                    }
                    continue;
                };
                add(&mut index, body.0, at, rng.hash(), &body.1);
            }
        }
        if open.len() > 64 {
            open.drain(..32);
        }
    }
    Built {
        records: index.len(),
        index,
        start,
        end: start + span,
        feed,
    }
}

/// The index written to a file and read back, as the server does at a
/// restart (a 1 MiB buffer each way; the page cache warm, as after a
/// restart; no checksum, which the server adds).
fn snapshot_round(index: &Index, incidents: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.snapshot");
    let t = Instant::now();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
    let mut ends = Vec::new();
    index
        .write_snapshot(&mut out, |out| ends.push(out.stream_position().unwrap()))
        .unwrap();
    std::io::Write::flush(&mut out).unwrap();
    drop(out);
    let wrote = t.elapsed();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    // Each part through a file handle of its own, read side by side.
    let parts: [_; truce_index::SNAPSHOT_PARTS] = std::array::from_fn(|i| {
        let start = if i == 0 { 0 } else { ends[i - 1] };
        let mut file = std::fs::File::open(&path).unwrap();
        file.seek(std::io::SeekFrom::Start(start)).unwrap();
        std::io::BufReader::with_capacity(1 << 20, file.take(ends[i] - start))
    });
    let read = Index::read_snapshot(parts).unwrap();
    let took = t.elapsed();
    assert_eq!(read.len_incidents(), incidents);
    let conditions = format!("{incidents} incidents, the page cache warm");
    truce_bench::figure(
        "index.snapshot_read",
        took.as_secs_f64() * 1e3,
        "ms",
        &conditions,
    );
    truce_bench::figure(
        "index.snapshot_per_incident",
        (bytes / incidents as u64) as f64,
        "bytes",
        &conditions,
    );
    println!(
        "snapshot: {:.0} MiB written in {:.2} s, read back in {:.2} s",
        bytes as f64 / 1048576.0,
        wrote.as_secs_f64(),
        took.as_secs_f64()
    );
}

fn run(name: &str, index: &Index, now: Timestamp, mut make: impl FnMut(usize) -> IncidentQuery) {
    // `TRUCE_BENCH_ONLY=text cargo bench -p truce-index` runs only the
    // queries whose name contains "text" (for profiling one of them).
    if std::env::var("TRUCE_BENCH_ONLY").is_ok_and(|only| !name.contains(&only)) {
        return;
    }
    let mut times = Vec::with_capacity(RUNS);
    let mut totals = 0usize;
    for i in 0..RUNS {
        let q = make(i);
        let t = Instant::now();
        let page = index.incidents(&q, now).unwrap();
        times.push(t.elapsed());
        totals += page.total;
        std::hint::black_box(page);
    }
    times.sort();
    println!(
        "{name:<40} p50 {:>7.2} ms   p99 {:>7.2} ms   mean matches {:>8}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        totals / RUNS
    );
}

fn main() {
    let rss_before = rss_bytes();
    let t = Instant::now();
    let built = build();
    let total = t.elapsed();
    let index = &built.index;
    let rss_after = rss_bytes();
    let n = index.len_incidents();
    println!("incidents: {n}, records: {}", built.records);
    println!(
        "build: {:.1} s feeding the index ({:.2} µs/record), {:.1} s with making the bodies",
        built.feed.as_secs_f64(),
        built.feed.as_secs_f64() * 1e6 / built.records as f64,
        total.as_secs_f64()
    );
    let heap = index.heap_bytes();
    truce_bench::figure(
        "index.heap_per_incident",
        (heap / n) as f64,
        "bytes",
        &format!("{n} incidents, {} records", built.records),
    );
    println!(
        "memory: heap estimate {:.0} MiB = {} bytes/incident (all records included)",
        heap as f64 / 1048576.0,
        heap / n
    );
    if let (Some(a), Some(b)) = (rss_before, rss_after) {
        truce_bench::figure(
            "index.rss_per_incident",
            (b.saturating_sub(a) / n) as f64,
            "bytes",
            &format!("{n} incidents, {} records", built.records),
        );
        println!(
            "memory: RSS grew {:.0} MiB = {} bytes/incident",
            (b.saturating_sub(a)) as f64 / 1048576.0,
            b.saturating_sub(a) / n
        );
    }
    snapshot_round(index, n);

    let now = ts(built.end + 86_400);
    let mut rng = Rng(7);
    let day = 86_400;
    let (start, end) = (built.start, built.end);
    let window = |days: i64, rng: &mut Rng| {
        let from = start + rng.below(((end - start) / day - days) as u64) as i64 * day;
        (Some(ts(from)), Some(ts(from + days * day)))
    };
    let party = |rng: &mut Rng| {
        ParticipantId::parse(*rng.pick(&["pakistan", "afghanistan", "turkiye"])).unwrap()
    };
    let border = || BoundingBox::new(29_000_000, 66_000_000, 36_000_000, 72_000_000).unwrap();

    println!("\nquery (first page of 50, {RUNS} runs each, one core)");
    run("newest, no filter", index, now, |_| {
        IncidentQuery::default()
    });
    run("time range: 30 days", index, now, |_| {
        let (from, to) = window(30, &mut rng);
        IncidentQuery {
            from,
            to,
            ..Default::default()
        }
    });
    let mut rng = Rng(8);
    run("time range: 1 year", index, now, |_| {
        let (from, to) = window(365, &mut rng);
        IncidentQuery {
            from,
            to,
            ..Default::default()
        }
    });
    run(
        "bbox: AF–PK border (29–36N 66–72E)",
        index,
        now,
        |_| IncidentQuery {
            bbox: Some(border()),
            ..Default::default()
        },
    );
    let mut rng = Rng(9);
    run("bbox: one district (~0.3°)", index, now, |_| {
        let town = rng.pick(TOWNS);
        let b = BoundingBox::new(
            town.3 - 150_000,
            town.4 - 150_000,
            town.3 + 150_000,
            town.4 + 150_000,
        );
        IncidentQuery {
            bbox: Some(b.unwrap()),
            ..Default::default()
        }
    });
    let mut rng = Rng(10);
    run("type + party", index, now, |_| IncidentQuery {
        types: vec![rng.pick(TEMPLATES).1],
        party: Some(party(&mut rng)),
        ..Default::default()
    });
    let terms = [
        "chaman",
        "drone",
        "torkham village 1",
        "ttp",
        "three hours",
        "kunar",
        "school",
    ];
    let mut rng = Rng(11);
    run("text (alone, whole index)", index, now, |_| IncidentQuery {
        text: Some((*rng.pick(&terms)).into()),
        ..Default::default()
    });
    let mut rng = Rng(12);
    run("text + 30 days", index, now, |_| {
        let (from, to) = window(30, &mut rng);
        IncidentQuery {
            from,
            to,
            text: Some((*rng.pick(&terms)).into()),
            ..Default::default()
        }
    });
    let stages = [
        vec![CaseStage::UnansweredPastDeadline],
        vec![CaseStage::Found, CaseStage::FindingPending],
        vec![CaseStage::UnderInvestigation],
        vec![CaseStage::Answered],
    ];
    let mut rng = Rng(13);
    run("status", index, now, |_| IncidentQuery {
        status: rng.pick(&stages).clone(),
        ..Default::default()
    });
    run(
        "status at a past now (deadlines running)",
        index,
        ts(start + 400 * day),
        |_| IncidentQuery {
            status: vec![CaseStage::Reported],
            ..Default::default()
        },
    );
    let mut rng = Rng(15);
    run(
        "combined: 1 year + border + type + status",
        index,
        now,
        |_| {
            let (from, to) = window(365, &mut rng);
            IncidentQuery {
                from,
                to,
                bbox: Some(border()),
                types: vec![IncidentType::Shelling, IncidentType::DroneStrike],
                status: vec![CaseStage::Answered, CaseStage::UnansweredPastDeadline],
                ..Default::default()
            }
        },
    );

    // Deep paging: the 20th page of a filtered list.
    let mut times = Vec::new();
    let mut rng = Rng(16);
    for _ in 0..RUNS / 5 {
        let mut q = IncidentQuery {
            party: Some(party(&mut rng)),
            ..Default::default()
        };
        for _ in 0..20 {
            let t = Instant::now();
            let page = index.incidents(&q, now).unwrap();
            times.push(t.elapsed());
            q.cursor = page.next;
        }
    }
    times.sort();
    println!(
        "{:<40} p50 {:>7.2} ms   p99 {:>7.2} ms",
        "paging: pages 1–20 of party",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );

    for (name, by, q) in [
        (
            "statistics: by week, all",
            Grouping::Week,
            IncidentQuery::default(),
        ),
        (
            "statistics: by area, border bbox",
            Grouping::Area,
            IncidentQuery {
                bbox: Some(border()),
                ..Default::default()
            },
        ),
        (
            "statistics: by type, 1 year",
            Grouping::Type,
            IncidentQuery {
                from: Some(ts(end - 365 * day)),
                ..Default::default()
            },
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..RUNS / 5 {
            let t = Instant::now();
            std::hint::black_box(index.statistics(&q, by, now).unwrap());
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{name:<40} p50 {:>7.2} ms   p99 {:>7.2} ms",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
    }
    // Queries allocate only their own bitset and page: the process should
    // hold no more after them than before.
    if let (Some(built), Some(now)) = (rss_after, rss_bytes()) {
        println!(
            "memory: RSS {:.0} MiB after building, {:.0} MiB after every query above",
            built as f64 / 1048576.0,
            now as f64 / 1048576.0
        );
    }
}
