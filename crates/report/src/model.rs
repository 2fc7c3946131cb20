//! The report model and its builder: what a report says, worded and cited,
//! before any format. The derivations are the core's (`truce_core::derive`):
//! case stages, deadlines, the draft history, compliance and the channel are
//! asked of it, never worked out again here.
//!
//! What counts: the log prefix the checkpoint covers, less the records signed
//! at or after the period's end — the report states the record as it stood
//! then, and "now" for every deadline is the period's end. Incidents are
//! counted by when they took place (as reported); everything else by when its
//! record was signed.

use crate::figure::{self, Figure};
use crate::geo::{self, Mark};
use crate::i18n::{Lang, Strings};
use crate::{Checkpoint, Period, ReportError};
use std::collections::{BTreeMap, BTreeSet};
use truce_core::derive::case::ResponseState;
use truce_core::derive::{LogView, Logged, case, channel, compliance, draft};
use truce_core::kinds::incident::IncidentReport;
use truce_core::values::{ParticipantId, Timestamp};
use truce_core::{Body, Hash, Kind};

/// A report, ready to render in any format.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub lang: Lang,
    /// The charter's title: the mechanism the report is of.
    pub mechanism: String,
    pub title: String,
    pub period: Period,
    pub checkpoint: Checkpoint,
    /// The period, the checkpoint and how to read the report.
    pub intro: Vec<String>,
    pub sections: Vec<Section>,
    /// Every record an item cites, in log order.
    pub cited: Vec<Cited>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// A stable identifier (anchors in HTML, the PDF's outline).
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Para(String),
    Subheading(String),
    Items(Vec<Item>),
    Table(Table),
    Figure(Figure),
}

/// One statement of the report, with the records it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    /// Log indexes of the records cited.
    pub cites: Vec<u64>,
    /// It rests on a record that says part of it is invented.
    pub illustrative: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns hold figures (set to the end of the line).
    pub numeric: Vec<bool>,
    /// Each row's records, which its last column cites (empty for a table
    /// that cites none): listed with the other cited records at the end.
    pub cites: Vec<Vec<u64>>,
}

/// A record cited by the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub index: u64,
    pub hash: Hash,
    pub kind: Kind,
    /// The author's participant, by name, and the member.
    pub author: String,
}

/// Builds the report of `period` from `records`, the log prefix `checkpoint`
/// covers (indexes `0..checkpoint.size`, in order, already verified).
pub fn build(
    records: &[Logged],
    checkpoint: &Checkpoint,
    period: Period,
    lang: Lang,
) -> Result<Report, ReportError> {
    check_prefix(records, checkpoint.size)?;
    let to = period.to();
    // The record as it stood at the period's end. The charter is kept
    // whatever its time: a mechanism may record events from before its
    // charter was signed (the scenario back-fills the days before it), and
    // every derivation reads participants and deadlines from it.
    let kept: Vec<Logged> = records
        .iter()
        .filter(|l| l.index == 0 || l.record.time() < to)
        .cloned()
        .collect();
    let view = LogView::new(&kept);
    let Some(charter) = view.charter else {
        return Err(ReportError::NoCharter);
    };
    let s = Strings::new(lang);
    let b = Builder {
        view: &view,
        s,
        period,
        previous: period.previous(),
        lang,
    };
    let mut sections = vec![
        b.summary(),
        b.incidents(),
        b.casualties(),
        b.cases(),
        b.investigations(),
        b.findings(),
        b.commitments(),
        b.agreement(),
        b.channel(),
        b.consequences(),
    ];
    let cited = b.cited(&sections);
    sections.push(b.records_section(&cited));
    let mut intro = vec![
        s.f(
            "report.period",
            &[("from", &s.when(period.from())), ("to", &s.when(to))],
        ),
        s.f(
            "report.checkpoint",
            &[
                ("records", &s.n("report.records", checkpoint.size, &[])),
                ("root", &checkpoint.root.to_hex()),
            ],
        ),
    ];
    intro.push(if checkpoint.cosigners.is_empty() {
        s.t("report.no_cosigners")
    } else {
        // The charter's witness policy names each participant's witness by
        // the participant's id: the reader is given the participant's name.
        let names: Vec<String> = checkpoint
            .cosigners
            .iter()
            .map(|w| match ParticipantId::parse(w.as_str()) {
                Ok(id) => b.name(&id),
                Err(_) => w.clone(),
            })
            .collect();
        s.f("report.cosigners", &[("names", &names.join(", "))])
    });
    intro.push(s.t("report.method"));
    if sections.iter().any(Section::has_illustrative) {
        intro.push(s.t("report.illustrative_note"));
    }
    Ok(Report {
        lang,
        mechanism: charter.title.to_string(),
        title: s.t("report.title"),
        period,
        checkpoint: checkpoint.clone(),
        intro,
        sections,
        cited,
    })
}

fn check_prefix(records: &[Logged], size: u64) -> Result<(), ReportError> {
    for (position, l) in records.iter().enumerate() {
        if l.index != position as u64 || l.index >= size {
            return Err(ReportError::NotThePrefix {
                size,
                position,
                found: format!("index {}", l.index),
            });
        }
    }
    if records.len() as u64 != size {
        return Err(ReportError::NotThePrefix {
            size,
            position: records.len(),
            found: "the end of the records".into(),
        });
    }
    Ok(())
}

impl Section {
    fn has_illustrative(&self) -> bool {
        self.blocks.iter().any(|b| match b {
            Block::Items(items) => items.iter().any(|i| i.illustrative),
            _ => false,
        })
    }
}

/// Indexes in order, once each.
fn sorted(mut indexes: Vec<u64>) -> Vec<u64> {
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// A table cell citing records as items do: `#11, #12`.
fn cite_list(indexes: &[u64]) -> String {
    sorted(indexes.to_vec())
        .iter()
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

struct Builder<'a> {
    view: &'a LogView<'a>,
    s: Strings,
    period: Period,
    previous: Option<Period>,
    lang: Lang,
}

/// An incident report with what the sections need of it.
struct Incident<'a> {
    index: u64,
    report: &'a IncidentReport,
    reporter: String,
    illustrative: bool,
}

impl<'a> Builder<'a> {
    fn item(&self, text: String, cites: Vec<u64>, illustrative: bool) -> Item {
        Item {
            text,
            cites,
            illustrative,
        }
    }

    /// The positions the parties took in the period and held at its end:
    /// one item per version, party and stance ("Pakistan accepted clauses
    /// a, b of version 3"), citing each position's record, keyed by the
    /// first of them for log order. Withdrawals are listed apart.
    fn positions(&self, d: &draft::DraftHistory) -> Vec<(u64, Item)> {
        type Group = (Vec<String>, Vec<u64>, bool);
        let mut grouped: BTreeMap<(usize, &ParticipantId, &'static str), Group> = BTreeMap::new();
        for v in &d.versions {
            for (clause, parties) in &v.matrix {
                for (party, cell) in parties {
                    let key = match cell.cell {
                        draft::Cell::Accept => "agreement.accepted",
                        draft::Cell::Reject => "agreement.rejected",
                        draft::Cell::Reserve => "agreement.reserved",
                        draft::Cell::Withdrawn => continue,
                    };
                    if !self.in_period(cell.at) {
                        continue;
                    }
                    let Some(index) = self.index_of(&cell.record) else {
                        continue;
                    };
                    let (clauses, cites, illustrative) =
                        grouped.entry((v.number, party, key)).or_default();
                    clauses.push(clause.to_string());
                    cites.push(index);
                    *illustrative |= self.illustrative(&cell.record);
                }
            }
        }
        grouped
            .into_iter()
            .map(|((version, party, key), (clauses, cites, illustrative))| {
                let cites = sorted(cites);
                let first = cites.first().copied().unwrap_or_default();
                let text = self.s.n(
                    key,
                    clauses.len() as u64,
                    &[
                        ("party", &self.name(party)),
                        ("clauses", &clauses.join(", ")),
                        ("version", &self.s.num(version)),
                    ],
                );
                (first, self.item(text, cites, illustrative))
            })
            .collect()
    }

    /// "6 versions", in the language's plural form.
    fn versions(&self, count: usize) -> String {
        self.s.n("agreement.versions", count as u64, &[])
    }

    /// "11 of 12 clauses" of `version` accepted by every party.
    fn clauses_accepted(&self, version: &draft::VersionView) -> String {
        self.s.n(
            "agreement.clauses",
            version.clauses.len() as u64,
            &[("agreed", &self.s.num(version.agreed_clauses))],
        )
    }

    fn section(&self, id: &'static str, blocks: Vec<Block>) -> Section {
        Section {
            id,
            title: self.s.t(&format!("section.{id}")),
            blocks,
        }
    }

    /// A participant by the name the charter gives it.
    fn name(&self, p: &ParticipantId) -> String {
        self.view
            .charter
            .and_then(|c| c.participants.iter().find(|x| x.id == *p))
            .map_or_else(|| p.as_str().to_owned(), |x| x.name.to_string())
    }

    fn author_of(&self, l: &Logged) -> String {
        self.view
            .participant(&l.record)
            .map_or_else(|| l.record.author().as_str().to_owned(), |p| self.name(p))
    }

    fn index_of(&self, hash: &Hash) -> Option<u64> {
        self.view.get(hash).map(|l| l.index)
    }

    fn illustrative(&self, hash: &Hash) -> bool {
        self.view
            .get(hash)
            .is_some_and(|l| l.record.body().illustrative().is_some())
    }

    fn in_period(&self, t: Timestamp) -> bool {
        self.period.contains(t)
    }

    fn signed_in_period(&self, kind: Kind) -> impl Iterator<Item = &'a Logged> + '_ {
        self.view
            .of_kind(kind)
            .filter(move |l| self.in_period(l.record.time()))
    }

    fn incident_title(&self, hash: &Hash) -> String {
        match self.view.get(hash).map(|l| l.record.body()) {
            Some(Body::IncidentReport(r)) => r.title.to_string(),
            _ => hash.to_hex(),
        }
    }

    fn incident_reporter(&self, hash: &Hash) -> String {
        self.view
            .get(hash)
            .map_or_else(String::new, |l| self.author_of(l))
    }

    /// Incident reports whose event took place in `period`, by event time.
    fn incidents_in(&self, period: Option<Period>) -> Vec<Incident<'a>> {
        let Some(period) = period else {
            return Vec::new();
        };
        let mut out: Vec<Incident<'a>> = self
            .view
            .of_kind(Kind::IncidentReport)
            .filter_map(|l| match l.record.body() {
                Body::IncidentReport(r) if period.contains(r.time.at) => Some(Incident {
                    index: l.index,
                    report: r,
                    reporter: self.author_of(l),
                    illustrative: r.illustrative.is_some(),
                }),
                _ => None,
            })
            .collect();
        out.sort_by_key(|i| (i.report.time.at, i.index));
        out
    }

    fn type_label(&self, r: &IncidentReport) -> String {
        self.s.t(&format!("type.{}", r.incident_type.as_str()))
    }

    fn area(&self, r: &IncidentReport) -> String {
        r.places
            .iter()
            .next()
            .and_then(|p| p.admin1.as_ref().or(p.country.as_ref()))
            .map_or_else(|| self.s.t("incidents.unknown_area"), |l| l.to_string())
    }

    fn place(&self, r: &IncidentReport) -> String {
        let Some(p) = r.places.iter().next() else {
            return self.s.t("incidents.unknown_area");
        };
        let parts: Vec<String> = [&p.location, &p.admin2, &p.admin1, &p.country]
            .into_iter()
            .flatten()
            .map(|l| l.to_string())
            .collect();
        if parts.is_empty() {
            format!("{:.3}, {:.3}", p.point.lat(), p.point.lon())
        } else {
            // At most two names: the place and its province (or country).
            parts.into_iter().take(2).collect::<Vec<_>>().join(", ")
        }
    }

    fn party_label(&self, r: &IncidentReport) -> String {
        r.accused
            .as_ref()
            .map_or_else(|| self.s.t("incidents.no_party"), |p| self.name(p))
    }

    fn summary(&self) -> Section {
        let s = &self.s;
        let now = self.period.to();
        let this = self.incidents_in(Some(self.period));
        let previous = self.incidents_in(self.previous);
        let mut items = vec![self.item(
            s.f(
                "summary.incidents",
                &[
                    ("n", &self.s.num(this.len())),
                    ("previous", &self.s.num(previous.len())),
                ],
            ),
            this.iter().map(|i| i.index).collect(),
            this.iter().any(|i| i.illustrative),
        )];
        let claimed: Vec<&Incident<'_>> = this
            .iter()
            .filter(|i| i.report.casualties.killed_best() + i.report.casualties.injured_best() > 0)
            .collect();
        let killed: u64 = claimed
            .iter()
            .map(|i| u64::from(i.report.casualties.killed_best()))
            .sum();
        let injured: u64 = claimed
            .iter()
            .map(|i| u64::from(i.report.casualties.injured_best()))
            .sum();
        items.push(self.item(
            s.f(
                "summary.casualties",
                &[
                    ("killed", &s.n("casualties.killed", killed, &[])),
                    ("injured", &s.n("casualties.injured", injured, &[])),
                ],
            ),
            claimed.iter().map(|i| i.index).collect(),
            claimed.iter().any(|i| i.illustrative),
        ));
        let findings: Vec<&Logged> = self.signed_in_period(Kind::Finding).collect();
        let overdue: Vec<u64> = case::all_cases(self.view, now)
            .iter()
            .filter(|c| matches!(c.response, ResponseState::Overdue { .. }))
            .map(|c| c.index)
            .collect();
        items.push(
            self.item(
                s.f(
                    "summary.findings",
                    &[
                        ("n", &self.s.num(findings.len())),
                        ("overdue", &self.s.num(overdue.len())),
                    ],
                ),
                findings.iter().map(|l| l.index).chain(overdue).collect(),
                findings
                    .iter()
                    .any(|l| l.record.body().illustrative().is_some()),
            ),
        );
        for d in draft::all_drafts(self.view) {
            let Some(latest) = d.latest() else { continue };
            let text = match d.in_force() {
                Some(v) => s.f(
                    "summary.agreement_in_force",
                    &[("title", &d.title), ("version", &self.s.num(v.number))],
                ),
                None => s.f(
                    "summary.agreement_not_in_force",
                    &[
                        ("title", &d.title),
                        ("version", &self.s.num(latest.number)),
                        ("clauses", &self.clauses_accepted(latest)),
                    ],
                ),
            };
            items.push(self.item(text, vec![latest.index], d.illustrative));
        }
        let messages: Vec<_> = channel::messages(self.view, now);
        let sent: Vec<u64> = messages
            .iter()
            .filter(|m| self.in_period(m.sent_at))
            .map(|m| m.index)
            .collect();
        let flagged: Vec<u64> = messages
            .iter()
            .filter(|m| m.flagged())
            .map(|m| m.index)
            .collect();
        items.push(self.item(
            s.f(
                "summary.channel",
                &[
                    ("n", &self.s.num(sent.len())),
                    ("flagged", &self.s.num(flagged.len())),
                ],
            ),
            sent.into_iter().chain(flagged).collect(),
            false,
        ));
        let determinations: Vec<u64> = self
            .signed_in_period(Kind::ViolationDetermination)
            .map(|l| l.index)
            .collect();
        let decisions: Vec<u64> = self
            .signed_in_period(Kind::PenaltyDecision)
            .map(|l| l.index)
            .collect();
        let awaiting = compliance::awaiting_decision(self.view);
        items.push(
            self.item(
                s.f(
                    "summary.consequences",
                    &[
                        ("determinations", &self.s.num(determinations.len())),
                        ("decisions", &self.s.num(decisions.len())),
                        ("awaiting", &self.s.num(awaiting.len())),
                    ],
                ),
                determinations
                    .into_iter()
                    .chain(decisions)
                    .chain(awaiting.iter().filter_map(|a| self.index_of(&a.finding)))
                    .collect(),
                false,
            ),
        );
        self.section("summary", vec![Block::Items(items)])
    }

    fn comparison(
        &self,
        caption: &str,
        column: &str,
        this: &[Incident<'_>],
        previous: &[Incident<'_>],
        key: impl Fn(&IncidentReport) -> String,
        order: Option<Vec<String>>,
    ) -> (Table, Vec<(String, u64, u64)>) {
        // Per row: this period's count, the previous one's, and the
        // records counted in either.
        let mut counts: BTreeMap<String, (u64, u64, Vec<u64>)> = BTreeMap::new();
        for i in this {
            let row = counts.entry(key(i.report)).or_default();
            row.0 += 1;
            row.2.push(i.index);
        }
        for i in previous {
            let row = counts.entry(key(i.report)).or_default();
            row.1 += 1;
            row.2.push(i.index);
        }
        let rows: Vec<(String, u64, u64, Vec<u64>)> = match order {
            Some(order) => order
                .into_iter()
                .filter_map(|k| counts.remove(&k).map(|c| (k, c.0, c.1, c.2)))
                .collect(),
            None => counts
                .into_iter()
                .map(|(k, c)| (k, c.0, c.1, c.2))
                .collect(),
        };
        let table = Table {
            caption: self.s.t(caption),
            head: vec![
                self.s.t(column),
                self.s.t("incidents.col.this"),
                self.s.t("incidents.col.previous"),
                self.s.t("incidents.col.records"),
            ],
            rows: rows
                .iter()
                .map(|(k, a, b, cites)| {
                    vec![k.clone(), self.s.num(*a), self.s.num(*b), cite_list(cites)]
                })
                .collect(),
            numeric: vec![false, true, true, false],
            cites: rows.iter().map(|r| sorted(r.3.clone())).collect(),
        };
        let chart = rows.into_iter().map(|(k, a, b, _)| (k, a, b)).collect();
        (table, chart)
    }

    fn incidents(&self) -> Section {
        let s = &self.s;
        let this = self.incidents_in(Some(self.period));
        let previous = self.incidents_in(self.previous);
        if this.is_empty() && previous.is_empty() {
            return self.section("incidents", vec![Block::Para(s.t("incidents.none"))]);
        }
        let types: Vec<String> = truce_core::kinds::incident::IncidentType::ALL
            .iter()
            .map(|t| s.t(&format!("type.{}", t.as_str())))
            .collect();
        let (by_type, type_rows) = self.comparison(
            "incidents.by_type",
            "incidents.col.type",
            &this,
            &previous,
            |r| self.type_label(r),
            Some(types),
        );
        let (by_area, _) = self.comparison(
            "incidents.by_area",
            "incidents.col.area",
            &this,
            &previous,
            |r| self.area(r),
            None,
        );
        let (by_party, _) = self.comparison(
            "incidents.by_party",
            "incidents.col.party",
            &this,
            &previous,
            |r| self.party_label(r),
            None,
        );
        let mut blocks = vec![
            Block::Table(by_type),
            Block::Figure(figure::bar_chart(
                s.t("incidents.by_type"),
                &type_rows,
                (
                    &s.t("incidents.legend_this"),
                    &s.t("incidents.legend_previous"),
                ),
                self.lang.direction(),
                |n| self.s.num(n),
            )),
            Block::Table(by_area),
            Block::Table(by_party),
        ];
        if this.is_empty() {
            blocks.push(Block::Para(s.t("incidents.none")));
            return self.section("incidents", blocks);
        }
        let marks: Vec<Mark> = this
            .iter()
            .filter_map(|i| {
                i.report.places.iter().next().map(|p| Mark {
                    lon_micro: i64::from(p.point.lon_e6()),
                    lat_micro: i64::from(p.point.lat_e6()),
                    label: format!("#{}", i.index),
                })
            })
            .collect();
        blocks.push(Block::Figure(geo::map(s.t("incidents.map"), &marks)));
        let items = this
            .iter()
            .map(|i| {
                let r = i.report;
                let title = r.title.to_string();
                let kind = self.type_label(r);
                let place = self.place(r);
                let date = self.s.day(r.time.at);
                let text = match &r.accused {
                    Some(a) => s.f(
                        "incidents.item_accused",
                        &[
                            ("reporter", &i.reporter),
                            ("title", &title),
                            ("type", &kind),
                            ("place", &place),
                            ("date", &date),
                            ("accused", &self.name(a)),
                        ],
                    ),
                    None => s.f(
                        "incidents.item",
                        &[
                            ("reporter", &i.reporter),
                            ("title", &title),
                            ("type", &kind),
                            ("place", &place),
                            ("date", &date),
                        ],
                    ),
                };
                self.item(text, vec![i.index], i.illustrative)
            })
            .collect();
        blocks.push(Block::Items(items));
        self.section("incidents", blocks)
    }

    fn casualties(&self) -> Section {
        let s = &self.s;
        let this = self.incidents_in(Some(self.period));
        let mut by_claimant: BTreeMap<String, (u64, u64, Vec<u64>)> = BTreeMap::new();
        let mut items = Vec::new();
        for i in &this {
            let c = &i.report.casualties;
            if c.killed_best() == 0 && c.injured_best() == 0 {
                continue;
            }
            let e = by_claimant.entry(i.reporter.clone()).or_default();
            e.0 += u64::from(c.killed_best());
            e.1 += u64::from(c.injured_best());
            e.2.push(i.index);
            let low = c.killed.military.low.saturating_add(c.killed.civilian.low);
            let high = c
                .killed
                .military
                .high
                .saturating_add(c.killed.civilian.high);
            items.push(self.item(
                s.f(
                    "casualties.item",
                    &[
                        ("reporter", &i.reporter),
                        (
                            "killed",
                            &s.n("casualties.killed", c.killed_best().into(), &[]),
                        ),
                        ("civilian_killed", &self.s.num(c.killed.civilian.best)),
                        ("military_killed", &self.s.num(c.killed.military.best)),
                        (
                            "injured",
                            &s.n("casualties.injured", c.injured_best().into(), &[]),
                        ),
                        ("title", i.report.title.as_str()),
                        ("low", &self.s.num(low)),
                        ("high", &self.s.num(high)),
                    ],
                ),
                vec![i.index],
                i.illustrative,
            ));
        }
        if items.is_empty() {
            return self.section("casualties", vec![Block::Para(s.t("casualties.none"))]);
        }
        let table = Table {
            caption: s.t("casualties.by_claimant"),
            head: vec![
                s.t("casualties.col.claimant"),
                s.t("casualties.col.killed"),
                s.t("casualties.col.injured"),
                s.t("incidents.col.records"),
            ],
            rows: by_claimant
                .iter()
                .map(|(k, (a, b, cites))| vec![k.clone(), s.num(*a), s.num(*b), cite_list(cites)])
                .collect(),
            numeric: vec![false, true, true, false],
            cites: by_claimant
                .into_values()
                .map(|(_, _, c)| sorted(c))
                .collect(),
        };
        self.section("casualties", vec![Block::Table(table), Block::Items(items)])
    }

    fn cases(&self) -> Section {
        let s = &self.s;
        let cases = case::all_cases(self.view, self.period.to());
        let mut answered = Vec::new();
        let mut awaiting = Vec::new();
        let mut overdue = Vec::new();
        for c in &cases {
            let title = self.incident_title(&c.incident);
            let reporter = c
                .reporter
                .as_ref()
                .map_or_else(String::new, |p| self.name(p));
            let accused = c
                .accused
                .as_ref()
                .map_or_else(String::new, |p| self.name(p));
            let illustrative = self.illustrative(&c.incident);
            for r in &c.responses {
                if !self.in_period(r.at) {
                    continue;
                }
                let party = r
                    .participant
                    .as_ref()
                    .map_or_else(String::new, |p| self.name(p));
                let stance = serde_json::to_value(r.stance)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                answered.push(self.item(
                    s.f(
                        "cases.item_answered",
                        &[
                            ("party", &party),
                            ("title", &title),
                            ("reporter", &reporter),
                            ("stance", &s.t(&format!("stance.{stance}"))),
                            (
                                "late",
                                &if r.late {
                                    s.t("cases.late")
                                } else {
                                    String::new()
                                },
                            ),
                        ],
                    ),
                    vec![r.index, c.index],
                    illustrative || self.illustrative(&r.record),
                ));
            }
            match &c.response {
                ResponseState::Awaiting { deadline, .. } => awaiting.push(self.item(
                    s.f(
                        "cases.item_awaiting",
                        &[
                            ("accused", &accused),
                            ("title", &title),
                            ("reporter", &reporter),
                            ("deadline", &self.s.when(*deadline)),
                        ],
                    ),
                    vec![c.index],
                    illustrative,
                )),
                ResponseState::Overdue { deadline, .. } => overdue.push(self.item(
                    s.f(
                        "cases.item_overdue",
                        &[
                            ("accused", &accused),
                            ("title", &title),
                            ("reporter", &reporter),
                            ("deadline", &self.s.when(*deadline)),
                        ],
                    ),
                    vec![c.index],
                    illustrative,
                )),
                ResponseState::NotRequired | ResponseState::Answered { .. } => {}
            }
        }
        let mut blocks = Vec::new();
        for (heading, items) in [
            ("cases.answered", answered),
            ("cases.awaiting", awaiting),
            ("cases.overdue", overdue),
        ] {
            blocks.push(Block::Subheading(s.t(heading)));
            if items.is_empty() {
                blocks.push(Block::Para(s.t("cases.none")));
            } else {
                blocks.push(Block::Items(items));
            }
        }
        self.section("cases", blocks)
    }

    fn investigations(&self) -> Section {
        let s = &self.s;
        let mut items = Vec::new();
        let mut denied = Vec::new();
        for l in self.signed_in_period(Kind::Investigation) {
            let Body::Investigation(b) = l.record.body() else {
                continue;
            };
            let title = self.incident_title(&b.incident);
            let mediator = self.author_of(l);
            let cites: Vec<u64> = std::iter::once(l.index)
                .chain(self.index_of(&b.incident))
                .collect();
            let illustrative = b.illustrative.is_some() || self.illustrative(&b.incident);
            let step = serde_json::to_value(b.step)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            if step == "access_denied" {
                let by = b.concerns.as_ref().map_or_else(String::new, |p| {
                    s.f("investigations.by", &[("party", &self.name(p))])
                });
                denied.push(self.item(
                    s.f(
                        "investigations.item_denied",
                        &[
                            ("mediator", &mediator),
                            ("by", &by),
                            ("title", &title),
                            ("details", b.details.as_str()),
                        ],
                    ),
                    cites,
                    illustrative,
                ));
            } else {
                items.push(self.item(
                    s.f(
                        "investigations.item",
                        &[
                            ("mediator", &mediator),
                            ("step", &s.t(&format!("step.{step}"))),
                            ("title", &title),
                        ],
                    ),
                    cites,
                    illustrative,
                ));
            }
        }
        if items.is_empty() && denied.is_empty() {
            return self.section(
                "investigations",
                vec![Block::Para(s.t("investigations.none"))],
            );
        }
        let mut blocks = Vec::new();
        if !items.is_empty() {
            blocks.push(Block::Items(items));
        }
        if !denied.is_empty() {
            blocks.push(Block::Subheading(s.t("investigations.denied")));
            blocks.push(Block::Items(denied));
        }
        self.section("investigations", blocks)
    }

    fn findings(&self) -> Section {
        let s = &self.s;
        let items: Vec<Item> = self
            .signed_in_period(Kind::Finding)
            .filter_map(|l| {
                let Body::Finding(f) = l.record.body() else {
                    return None;
                };
                let hash = l.record.hash();
                let signers: Vec<String> = self
                    .view
                    .signers(&hash)
                    .iter()
                    .map(|p| self.name(p))
                    .collect();
                let determination = serde_json::to_value(f.determination)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let responsible = f.responsible.as_ref().map_or_else(String::new, |p| {
                    s.f("findings.responsible", &[("party", &self.name(p))])
                });
                let threshold = if self.view.meets_threshold(&hash) {
                    s.t("findings.counts")
                } else {
                    s.t("findings.pending")
                };
                Some(
                    self.item(
                        s.f(
                            "findings.item",
                            &[
                                ("signers", &signers.join(", ")),
                                ("title", &self.incident_title(&f.incident)),
                                ("reporter", &self.incident_reporter(&f.incident)),
                                (
                                    "determination",
                                    &s.t(&format!("determination.{determination}")),
                                ),
                                ("responsible", &responsible),
                                ("threshold", &threshold),
                            ],
                        ),
                        std::iter::once(l.index)
                            .chain(self.index_of(&f.incident))
                            .collect(),
                        f.illustrative.is_some() || self.illustrative(&f.incident),
                    ),
                )
            })
            .collect();
        if items.is_empty() {
            return self.section("findings", vec![Block::Para(s.t("findings.none"))]);
        }
        self.section("findings", vec![Block::Items(items)])
    }

    fn commitments(&self) -> Section {
        let s = &self.s;
        let items: Vec<Item> = compliance::commitments(self.view)
            .iter()
            .map(|c| {
                let in_period = c
                    .violations
                    .iter()
                    .filter(|v| self.in_period(v.found_at))
                    .count();
                let party = c.party.as_ref().map_or_else(String::new, |p| self.name(p));
                let cites = self
                    .index_of(&c.commitment)
                    .into_iter()
                    .chain(
                        c.violations
                            .iter()
                            .filter_map(|v| self.index_of(&v.finding)),
                    )
                    .collect();
                self.item(
                    s.f(
                        "commitments.item",
                        &[
                            ("party", &party),
                            ("title", &c.title),
                            ("total", &self.s.num(c.violations.len())),
                            ("period", &self.s.num(in_period)),
                        ],
                    ),
                    cites,
                    self.illustrative(&c.commitment) || c.violations.iter().any(|v| v.illustrative),
                )
            })
            .collect();
        if items.is_empty() {
            return self.section("commitments", vec![Block::Para(s.t("commitments.none"))]);
        }
        self.section("commitments", vec![Block::Items(items)])
    }

    fn agreement(&self) -> Section {
        let s = &self.s;
        let drafts = draft::all_drafts(self.view);
        if drafts.is_empty() {
            return self.section("agreement", vec![Block::Para(s.t("agreement.none"))]);
        }
        let mut blocks = Vec::new();
        for d in &drafts {
            let Some(latest) = d.latest() else { continue };
            let state = match d.in_force() {
                Some(v) => self.item(
                    s.f(
                        "agreement.state_in_force",
                        &[
                            ("title", &d.title),
                            ("versions", &self.versions(d.versions.len())),
                            ("version", &self.s.num(v.number)),
                        ],
                    ),
                    vec![v.index],
                    d.illustrative,
                ),
                None => self.item(
                    s.f(
                        "agreement.state",
                        &[
                            ("title", &d.title),
                            ("versions", &self.versions(d.versions.len())),
                            ("version", &self.s.num(latest.number)),
                            ("clauses", &self.clauses_accepted(latest)),
                        ],
                    ),
                    vec![latest.index],
                    d.illustrative,
                ),
            };
            blocks.push(Block::Items(vec![state]));
            // What happened in the period, in log order.
            let mut events: Vec<(u64, Item)> = Vec::new();
            for v in d.versions.iter().filter(|v| self.in_period(v.at)) {
                let author = v.author.as_ref().map_or_else(String::new, |p| self.name(p));
                events.push((
                    v.index,
                    self.item(
                        s.f(
                            "agreement.version",
                            &[("version", &self.s.num(v.number)), ("author", &author)],
                        ),
                        vec![v.index],
                        v.illustrative.is_some(),
                    ),
                ));
                for sig in v.signatures.iter().filter(|g| self.in_period(g.at)) {
                    let Some(index) = self.index_of(&sig.record) else {
                        continue;
                    };
                    events.push((
                        index,
                        self.item(
                            s.f(
                                "agreement.signature",
                                &[
                                    ("party", &self.name(&sig.participant)),
                                    ("version", &self.s.num(v.number)),
                                ],
                            ),
                            vec![index, v.index],
                            v.illustrative.is_some(),
                        ),
                    ));
                }
            }
            // Signatures on versions proposed before the period.
            for v in d.versions.iter().filter(|v| !self.in_period(v.at)) {
                for sig in v.signatures.iter().filter(|g| self.in_period(g.at)) {
                    let Some(index) = self.index_of(&sig.record) else {
                        continue;
                    };
                    events.push((
                        index,
                        self.item(
                            s.f(
                                "agreement.signature",
                                &[
                                    ("party", &self.name(&sig.participant)),
                                    ("version", &self.s.num(v.number)),
                                ],
                            ),
                            vec![index, v.index],
                            v.illustrative.is_some(),
                        ),
                    ));
                }
            }
            for w in d.withdrawals.iter().filter(|w| self.in_period(w.at)) {
                let Some(index) = self.index_of(&w.record) else {
                    continue;
                };
                events.push((
                    index,
                    self.item(
                        s.f(
                            "agreement.withdrawal",
                            &[
                                ("party", &self.name(&w.participant)),
                                ("clause", &w.clause.to_string()),
                                ("version", &self.s.num(w.version_number)),
                            ],
                        ),
                        std::iter::once(index)
                            .chain(self.index_of(&w.withdrawn_acceptance))
                            .collect(),
                        self.illustrative(&w.record),
                    ),
                ));
            }
            events.extend(self.positions(d));
            events.sort_by_key(|e| e.0);
            blocks.push(Block::Subheading(s.t("agreement.events")));
            if events.is_empty() {
                blocks.push(Block::Para(s.t("agreement.no_events")));
            } else {
                blocks.push(Block::Items(events.into_iter().map(|e| e.1).collect()));
            }
        }
        self.section("agreement", blocks)
    }

    fn channel(&self) -> Section {
        let s = &self.s;
        let items: Vec<Item> = channel::messages(self.view, self.period.to())
            .iter()
            .filter(|m| m.flagged())
            .map(|m| {
                let parties: Vec<String> = m
                    .recipients
                    .iter()
                    .filter(|r| r.overdue)
                    .map(|r| self.name(&r.participant))
                    .collect();
                self.item(
                    s.f(
                        "channel.item",
                        &[
                            ("subject", &m.subject),
                            (
                                "from",
                                &m.from.as_ref().map_or_else(String::new, |p| self.name(p)),
                            ),
                            ("sent", &self.s.when(m.sent_at)),
                            ("parties", &parties.join(", ")),
                            ("deadline", &self.s.when(m.ack_deadline)),
                        ],
                    ),
                    vec![m.index],
                    m.illustrative.is_some(),
                )
            })
            .collect();
        if items.is_empty() {
            return self.section("channel", vec![Block::Para(s.t("channel.flagged_none"))]);
        }
        self.section("channel", vec![Block::Items(items)])
    }

    fn step_name(&self, level: u8) -> String {
        self.view
            .charter
            .and_then(|c| c.consequences.iter().find(|x| x.level == level))
            .map_or_else(|| level.to_string(), |x| x.name.to_string())
    }

    fn consequences(&self) -> Section {
        let s = &self.s;
        let mut items = Vec::new();
        for l in self.signed_in_period(Kind::ViolationDetermination) {
            let Body::ViolationDetermination(d) = l.record.body() else {
                continue;
            };
            items.push(
                self.item(
                    s.f(
                        "consequences.determination",
                        &[
                            ("party", &self.name(&d.party)),
                            ("level", &self.s.num(d.consequence_level)),
                            ("step", &self.step_name(d.consequence_level)),
                        ],
                    ),
                    std::iter::once(l.index)
                        .chain(self.index_of(&d.finding))
                        .collect(),
                    d.illustrative.is_some(),
                ),
            );
        }
        for l in self.signed_in_period(Kind::PenaltyDecision) {
            let Body::PenaltyDecision(d) = l.record.body() else {
                continue;
            };
            items.push(
                self.item(
                    s.f(
                        "consequences.decision",
                        &[
                            ("level", &self.s.num(d.consequence_level)),
                            ("step", &self.step_name(d.consequence_level)),
                            ("measures", d.measures.as_str()),
                        ],
                    ),
                    std::iter::once(l.index)
                        .chain(self.index_of(&d.determination))
                        .collect(),
                    d.illustrative.is_some(),
                ),
            );
        }
        let awaiting: Vec<Item> = compliance::awaiting_decision(self.view)
            .iter()
            .map(|a| {
                self.item(
                    s.f(
                        "consequences.awaiting",
                        &[
                            ("party", &self.name(&a.party)),
                            ("date", &self.s.day(a.found_at)),
                        ],
                    ),
                    self.index_of(&a.finding).into_iter().collect(),
                    self.illustrative(&a.finding),
                )
            })
            .collect();
        let mut blocks = Vec::new();
        if items.is_empty() {
            blocks.push(Block::Para(s.t("consequences.none")));
        } else {
            blocks.push(Block::Items(items));
        }
        if !awaiting.is_empty() {
            blocks.push(Block::Items(awaiting));
        }
        self.section("consequences", blocks)
    }

    fn cited(&self, sections: &[Section]) -> Vec<Cited> {
        let mut indexes = BTreeSet::new();
        for section in sections {
            for block in &section.blocks {
                match block {
                    Block::Items(items) => {
                        for item in items {
                            indexes.extend(item.cites.iter().copied());
                        }
                    }
                    Block::Table(table) => indexes.extend(table.cites.iter().flatten().copied()),
                    _ => {}
                }
            }
        }
        indexes
            .into_iter()
            .filter_map(|i| {
                // The kept records are in log order, possibly with gaps.
                let records = self.view.records;
                let at = records.binary_search_by_key(&i, |l| l.index).ok()?;
                records.get(at)
            })
            .map(|l| Cited {
                index: l.index,
                hash: l.record.hash(),
                kind: l.record.kind(),
                author: format!("{} ({})", self.author_of(l), l.record.author().as_str()),
            })
            .collect()
    }

    fn records_section(&self, cited: &[Cited]) -> Section {
        let s = &self.s;
        let table = Table {
            caption: s.t("section.records"),
            head: vec![
                s.t("records.col.index"),
                s.t("records.col.kind"),
                s.t("records.col.author"),
                s.t("records.col.hash"),
            ],
            rows: cited
                .iter()
                .map(|c| {
                    vec![
                        format!("#{}", c.index),
                        c.kind.as_str().to_owned(),
                        c.author.clone(),
                        c.hash.to_hex(),
                    ]
                })
                .collect(),
            numeric: vec![true, false, false, false],
            cites: Vec::new(),
        };
        self.section("records", vec![Block::Table(table)])
    }
}
