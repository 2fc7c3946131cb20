//! `truce submit --batch FILE.jsonl`: a record a line, signed and appended in
//! the file's order, each line exactly once however often the command is
//! run — after a kill at any moment, run the same command again and it
//! appends only what is missing.
//!
//! # How a line is known to be in the log
//!
//! Nothing the command keeps for itself can say what landed: it may be
//! killed after the log made a record durable and before it heard so. The
//! log alone says, so each line must be recognisable in it:
//!
//! - an already-signed line is its record: in the log if its leaf hash is;
//! - a template line is signed afresh on each run (the author's sequence
//!   number and, unless the line gives one, the time depend on when), so it
//!   is recognised by its content: the record's envelope without `seq` and
//!   `time` — log, author, kind, body, references and sealed confidential
//!   part — plus its `time` when the line gives one. A confidential part's
//!   salt is derived from the line and the author's key (the first half of
//!   the key's deterministic Ed25519 signature over the canonical line), so
//!   the same line seals to the same digest on every run, yet nobody without
//!   the key can guess the salt.
//!
//! Lines are matched to the author's records in log order, each record to
//! the first line not yet matched with the same content: so a file holding
//! the same line twice appends it twice, once per line.
//!
//! Only records appended since the file's first run count (not the whole of
//! the author's history, where an identical earlier record would hide a new
//! line): before appending anything, the first run writes the log's size
//! then, with the log's origin and the author, to `FILE.jsonl.truce-resume`
//! (durably, replaced atomically); later runs read the log from there. Keep
//! that file while the batch is unfinished. A line changed after a run (a
//! mistake fixed) is a new line: it is appended, after what landed before.
//!
//! # Order and refusals
//!
//! An already-signed line by the key's own member keeps its sequence number,
//! and the template lines after it are numbered on from it.
//!
//! Lines are signed with consecutive sequence numbers and sent a thousand
//! at a time (`crate::batch::Target`). A refused line consumes no sequence
//! number, so the author's lines after it in the same round are refused
//! too; they are signed again with the right numbers and sent in the next
//! round. Each refused line is reported with its line number, and the exit
//! status is 1 if any line was refused.

use super::Template;
use crate::batch::Target;
use anyhow::{Context, Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use truce_core::Record;
use truce_core::record::Envelope;
use truce_core::values::{Label, MemberId, Timestamp};
use truce_core::{Hash, Kind};
use truce_tlog::note::NoteSigner;

/// Lines sent at once (the batch endpoint's most).
const ROUND: usize = truce_server::routes::batch::MAX_RECORDS;

/// One line of the file, parsed.
enum Line {
    Template {
        template: Template,
        /// Seals its confidential part, the same on every run.
        salt: [u8; 32],
        /// Its content, as [`content_key`] gives it.
        key: Vec<u8>,
    },
    Signed(Record),
}

pub(super) fn run(target: &Target, file: &Path, signer: &NoteSigner) -> Result<ExitCode> {
    let author = MemberId::parse(signer.name()).map_err(|e| anyhow!("the key's name {e}"))?;
    let log = Label::parse(&target.origin()?).map_err(|e| anyhow!("the log's origin {e}"))?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut refused = 0usize;
    // (line number from 1, line)
    let mut lines: Vec<(usize, Line)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        match parse_line(raw, &log, &author, signer) {
            Ok(line) => lines.push((i + 1, line)),
            Err(e) => {
                refused += 1;
                eprintln!("line {}: {e:#}", i + 1);
            }
        }
    }
    let from = anchor(file, &log, &author, target)?;
    let mut done: Vec<bool> = vec![false; lines.len()];
    let already = recognise(target, from, &author, &lines, &mut done, &mut out)?;
    let bar = bar(lines.len() as u64);
    bar.set_position(already as u64);
    let mut appended = 0usize;
    let mut pending: VecDeque<usize> = (0..lines.len())
        .filter(|&p| done.get(p).is_some_and(|d| !d))
        .collect();
    while !pending.is_empty() {
        let round: Vec<usize> = pending.drain(..pending.len().min(ROUND)).collect();
        let mut seq = target.next_seq(&author)?;
        let mut sent = Vec::with_capacity(round.len());
        let mut records = Vec::with_capacity(round.len());
        for position in round {
            let Some((number, line)) = lines.get(position) else {
                continue;
            };
            let signed = match line {
                Line::Template { template, salt, .. } => template
                    .sign(log.clone(), seq, *salt, signer)
                    .inspect(|_| seq += 1),
                Line::Signed(record) => {
                    // The author's own signed record takes its number: the
                    // templates after it follow on from it.
                    if record.author() == &author {
                        seq = record.signed().envelope.seq.saturating_add(1);
                    }
                    Ok((record.clone(), None))
                }
            };
            match signed {
                Ok(record) => {
                    sent.push(position);
                    records.push(record);
                }
                Err(e) => {
                    refused += 1;
                    bar.suspend(|| eprintln!("line {number}: {e:#}"));
                    bar.inc(1);
                }
            }
        }
        let outcomes = target.submit(records).context(
            "the batch was interrupted; run the same command again: it appends only what is missing",
        )?;
        // Once one of the author's lines is refused, the sequence numbers
        // after it are wrong: those lines are signed again next round.
        let mut shifted = false;
        let mut again = Vec::new();
        for (position, outcome) in sent.into_iter().zip(outcomes) {
            let Some((number, line)) = lines.get(position) else {
                continue;
            };
            let template = matches!(line, Line::Template { .. });
            // A refused record of the author's own leaves its number unused.
            let own = match line {
                Line::Template { .. } => true,
                Line::Signed(record) => record.author() == &author,
            };
            match outcome {
                Ok(receipt) => {
                    appended += 1;
                    bar.inc(1);
                    print(&mut out, *number, &receipt_json(&receipt))?;
                }
                Err(_) if shifted && template => again.push(position),
                Err(why) => {
                    shifted |= own;
                    refused += 1;
                    bar.inc(1);
                    bar.suspend(|| eprintln!("line {number}: {why}"));
                }
            }
        }
        for position in again.into_iter().rev() {
            pending.push_front(position);
        }
    }
    bar.finish_and_clear();
    out.flush()?;
    eprintln!("{appended} appended, {already} already in the log, {refused} refused");
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn parse_line(raw: &str, log: &Label, author: &MemberId, signer: &NoteSigner) -> Result<Line> {
    let value: serde_json::Value = truce_core::strict_json::from_slice(raw.as_bytes())
        .map_err(|e| anyhow!("not JSON: {e}"))?;
    if value.get("envelope").is_some() {
        return Ok(Line::Signed(
            Record::from_value(value).context("not a signed record")?,
        ));
    }
    let canonical = truce_core::canonical::to_canonical_bytes(&value)?;
    let mut message = b"truce submit --batch salt\n".to_vec();
    message.extend_from_slice(&canonical);
    let signature = signer.sign_bytes(&message);
    let mut salt = [0u8; 32];
    salt.copy_from_slice(signature.get(..32).context("a short signature")?);
    let template = Template::parse(value)?;
    // Any sequence number and time: the key leaves both out.
    let (draft, _) = template.draft(log.clone(), author.clone(), 1, Timestamp::EPOCH, salt)?;
    let key = content_key(&draft.envelope()?)?;
    Ok(Line::Template {
        template,
        salt,
        key,
    })
}

/// A record's content without what each signing changes: its sequence
/// number and time.
fn content_key(envelope: &Envelope) -> Result<Vec<u8>> {
    let mut value = serde_json::to_value(envelope)?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("seq");
        fields.remove("time");
    }
    Ok(truce_core::canonical::to_canonical_bytes(&value)?)
}

/// Marks the lines already in the log since `from` and prints them; how many.
fn recognise(
    target: &Target,
    from: u64,
    author: &MemberId,
    lines: &[(usize, Line)],
    done: &mut [bool],
    out: &mut impl Write,
) -> Result<usize> {
    let mut by_hash: HashMap<Hash, usize> = HashMap::new();
    let mut by_key: HashMap<&[u8], VecDeque<usize>> = HashMap::new();
    for (position, (_, line)) in lines.iter().enumerate() {
        match line {
            Line::Signed(record) => {
                by_hash.insert(record.hash(), position);
            }
            Line::Template { key, .. } => by_key.entry(key).or_default().push_back(position),
        }
    }
    let mut found: Vec<(usize, u64, Hash)> = Vec::new();
    target.records_from(from, &mut |index, record| {
        if let Some(&position) = by_hash.get(&record.hash()) {
            found.push((position, index, record.hash()));
            return;
        }
        if record.author() != author || record.kind() == Kind::Charter {
            return;
        }
        let Ok(key) = content_key(&record.signed().envelope) else {
            return;
        };
        let Some(candidates) = by_key.get_mut(key.as_slice()) else {
            return;
        };
        // The first line not yet matched whose time, if it gives one, is the record's.
        let fits = candidates
            .iter()
            .position(|&position| match lines.get(position) {
                Some((_, Line::Template { template, .. })) => {
                    template.time.is_none_or(|t| t == record.time())
                }
                _ => false,
            });
        if let Some(at) = fits
            && let Some(position) = candidates.remove(at)
        {
            found.push((position, index, record.hash()));
        }
    })?;
    found.sort_unstable();
    for (position, index, hash) in &found {
        if let (Some(slot), Some((number, _))) = (done.get_mut(*position), lines.get(*position)) {
            *slot = true;
            let json = serde_json::json!({"index": index, "leaf_hash": hash, "already": true});
            print(out, *number, &json)?;
        }
    }
    Ok(found.len())
}

fn receipt_json(receipt: &truce_ledger::Receipt) -> serde_json::Value {
    serde_json::json!({"index": receipt.index, "leaf_hash": receipt.leaf_hash})
}

/// One line of output: `{"line": N, …}`.
fn print(out: &mut impl Write, number: usize, json: &serde_json::Value) -> Result<()> {
    let mut json = json.clone();
    if let Some(fields) = json.as_object_mut() {
        fields.insert("line".into(), serde_json::json!(number));
    }
    writeln!(out, "{json}")?;
    Ok(())
}

/// Where the log stood when this file's batch first ran, with the log and
/// author it was for.
#[derive(serde::Serialize, serde::Deserialize)]
struct Resume {
    log: String,
    author: String,
    from: u64,
}

fn resume_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_os_string();
    name.push(".truce-resume");
    PathBuf::from(name)
}

/// The index from which the log holds this file's records: read from the
/// resume file, or — on the first run, for this log and author — the log's
/// size now, written durably before anything is appended.
fn anchor(file: &Path, log: &Label, author: &MemberId, target: &Target) -> Result<u64> {
    let path = resume_path(file);
    if let Ok(bytes) = std::fs::read(&path) {
        let resume: Resume = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a resume file", path.display()))?;
        if resume.log == log.as_str() && resume.author == author.as_str() {
            return Ok(resume.from);
        }
    }
    let resume = Resume {
        log: log.as_str().to_string(),
        author: author.as_str().to_string(),
        from: target.size()?,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write beside {}", file.display()))?;
    temp.write_all(&serde_json::to_vec(&resume)?)?;
    temp.as_file().sync_all()?;
    temp.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(resume.from)
}

fn bar(len: u64) -> ProgressBar {
    // Draws only when stderr is a terminal.
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "submitting {bar:40} {pos}/{len} lines ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}
