//! Reports of the Istanbul 2025 scenario: what they say, that they cite,
//! that they are the same bytes every time, and that the PDF is real text
//! (checked with poppler's `pdftotext` and `pdftoppm`).

// Test helpers outside #[test] functions: a failure is the test's answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rand::SeedableRng;
use rand::rngs::StdRng;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use truce_core::derive::Logged;
use truce_report::{Block, Checkpoint, Format, Lang, Period, ReportError, build, render};
use truce_scenario::ORIGIN;
use truce_tlog::Hash;
use truce_tlog::note::NoteSigner;

fn records() -> &'static Vec<Logged> {
    static RECORDS: OnceLock<Vec<Logged>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(7);
        let log_key = NoteSigner::generate(ORIGIN, &mut rng).unwrap();
        let mut records = Vec::new();
        truce_scenario::build(&log_key.verifier(), &mut rng, &mut |record, _| {
            records.push(Logged {
                index: records.len() as u64,
                record,
            });
            Ok(())
        })
        .unwrap();
        records
    })
}

fn checkpoint() -> Checkpoint {
    Checkpoint {
        size: records().len() as u64,
        root: Hash::from_hex(&"ab".repeat(32)).unwrap(),
        cosigners: vec!["afghanistan".into(), "pakistan".into()],
    }
}

fn week() -> Period {
    Period::parse("2025-10-25T00:00:00Z", "2025-11-01T00:00:00Z").unwrap()
}

fn day() -> Period {
    Period::parse("2025-10-28T00:00:00Z", "2025-10-29T00:00:00Z").unwrap()
}

fn bytes(period: Period, lang: Lang, format: Format) -> Vec<u8> {
    let report = build(records(), &checkpoint(), period, lang).unwrap();
    render(&report, format).unwrap()
}

#[test]
fn the_same_prefix_period_and_language_give_the_same_bytes() {
    for lang in Lang::ALL {
        for format in Format::ALL {
            let a = bytes(week(), lang, format);
            let b = bytes(week(), lang, format);
            assert!(a == b, "{lang:?} {format:?} differs between two builds");
            assert!(a.len() > 2_000, "{lang:?} {format:?}: {} bytes", a.len());
        }
    }
    // And they differ when the period does.
    assert_ne!(
        bytes(week(), Lang::En, Format::Markdown),
        bytes(day(), Lang::En, Format::Markdown)
    );
}

#[test]
fn every_item_cites_records_of_the_prefix_and_the_citations_carry_leaf_hashes() {
    let report = build(records(), &checkpoint(), week(), Lang::En).unwrap();
    let mut items = 0;
    for section in &report.sections {
        for block in &section.blocks {
            if let Block::Items(list) = block {
                for item in list {
                    items += 1;
                    for index in &item.cites {
                        assert!(*index < checkpoint().size, "{}", item.text);
                        assert!(report.cited.iter().any(|c| c.index == *index));
                    }
                }
            }
        }
    }
    assert!(items > 20, "only {items} items");
    // Tables cite too: each figure's row names the records it counts, in
    // its last column, and they are among the records listed.
    let mut rows = 0;
    for section in &report.sections {
        for block in &section.blocks {
            let Block::Table(table) = block else { continue };
            if section.id == "records" {
                continue;
            }
            assert_eq!(table.cites.len(), table.rows.len(), "{}", table.caption);
            for (row, cites) in table.rows.iter().zip(&table.cites) {
                rows += 1;
                assert!(
                    !cites.is_empty(),
                    "{}: {row:?} cites nothing",
                    table.caption
                );
                let listed: Vec<String> = cites.iter().map(|i| format!("#{i}")).collect();
                assert_eq!(row.last(), Some(&listed.join(", ")));
                for index in cites {
                    assert!(report.cited.iter().any(|c| c.index == *index));
                    let kind = records()[*index as usize].record.kind();
                    assert_eq!(kind, truce_core::Kind::IncidentReport, "{}", table.caption);
                }
            }
        }
    }
    assert!(rows > 5, "only {rows} table rows");
    for c in &report.cited {
        let record = &records()[c.index as usize].record;
        assert_eq!(c.hash, record.hash());
        assert_eq!(c.kind, record.kind());
    }
    let md = String::from_utf8(render(&report, Format::Markdown).unwrap()).unwrap();
    for c in &report.cited {
        assert!(md.contains(&c.hash.to_hex()), "#{} not listed", c.index);
    }
    assert!(
        md.contains(&"ab".repeat(32)),
        "the checkpoint's root is named"
    );
    assert!(
        md.contains("Afghanistan, Pakistan"),
        "its cosigners too, by the participants' names"
    );
}

#[test]
fn claims_are_given_as_their_authors_claims_and_illustrative_items_are_marked() {
    let md = String::from_utf8(bytes(week(), Lang::En, Format::Markdown)).unwrap();
    let incidents = md
        .split("## Incidents")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    let items: Vec<&str> = incidents.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(!items.is_empty());
    for item in &items {
        assert!(item.contains(" reports: "), "not attributed: {item}");
    }
    assert!(
        md.contains("*(illustrative)*"),
        "the demo's invented parts are marked"
    );
    assert!(md.contains("## Casualties as reported"));
    assert!(md.contains("claims"));
    // The previous period of the same length is compared.
    assert!(md.contains("| Type | This period | Previous period |"));
}

#[test]
fn a_weekly_report_has_contents_and_a_daily_one_does_not() {
    let week = String::from_utf8(bytes(week(), Lang::En, Format::Markdown)).unwrap();
    let day = String::from_utf8(bytes(day(), Lang::En, Format::Markdown)).unwrap();
    assert!(week.contains("## Contents"));
    assert!(!day.contains("## Contents"));
}

/// Dates in the language's month names and digits, counts in its digits,
/// counted nouns in the form its plural rules choose (Arabic has six).
#[test]
fn numbers_dates_and_plurals_are_the_languages() {
    let md = |lang| String::from_utf8(bytes(week(), lang, Format::Markdown)).unwrap();
    let en = md(Lang::En);
    assert!(en.contains("Period: 25 October 2025, 00:00 to 1 November 2025, 00:00 (UTC)"));
    let size = checkpoint().size;
    assert!(
        en.contains(&format!("checkpoint of {size} records")),
        "{en}"
    );
    let ps = md(Lang::Ps);
    assert!(ps.contains("۲۵ اکتوبر ۲۰۲۵"), "Pashto's months and digits");
    assert!(
        !ps.contains("2025-10"),
        "no ISO date left in the Pashto report"
    );
    let fa = md(Lang::Fa);
    assert!(fa.contains("۱ نومبر ۲۰۲۵"), "Dari's months and digits");
    let tr = md(Lang::Tr);
    assert!(tr.contains("25 Ekim 2025"));
    // The scenario's draft has six versions: Arabic's "few" (3 to 10) form.
    let ar = md(Lang::Ar);
    assert!(ar.contains("6 نسخ؛"), "Arabic's plural for six versions");
    assert!(en.contains("6 versions;"));
}

/// The agreement section lists each party's positions of the period, not
/// only their count: accepted, rejected and reserved clauses per version,
/// each citing the position's record.
#[test]
fn the_agreement_lists_the_positions_taken_with_their_records() {
    let report = build(records(), &checkpoint(), week(), Lang::En).unwrap();
    let agreement = report
        .sections
        .iter()
        .find(|s| s.id == "agreement")
        .unwrap();
    let items: Vec<&truce_report::Item> = agreement
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Items(items) => Some(items),
            _ => None,
        })
        .flatten()
        .collect();
    for stance in [
        "accepted clauses",
        "rejected clause",
        "reserved its position on",
    ] {
        let item = items
            .iter()
            .find(|i| i.text.contains(stance))
            .unwrap_or_else(|| panic!("no position \"{stance}\" listed"));
        let cited = &records()[usize::try_from(item.cites[0]).unwrap()];
        assert_eq!(
            cited.record.kind(),
            truce_core::Kind::DraftPosition,
            "{}",
            item.text
        );
    }
    // Counted in Arabic's forms: one clause, then several.
    let ar = String::from_utf8(bytes(week(), Lang::Ar, Format::Markdown)).unwrap();
    assert!(
        ar.contains("رفضت Pakistan البند guarantees من النسخة 5."),
        "{ar}"
    );
    assert!(ar.contains("قبلت Pakistan البنود "));
}

#[test]
fn html_is_self_contained_and_escapes_what_authors_wrote() {
    let html = String::from_utf8(bytes(week(), Lang::Ar, Format::Html)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(html.contains("<svg"), "charts and the map are inline SVG");
    assert!(!html.contains("<script"), "no script");
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "nothing fetched"
    );
    assert!(!html.contains(" src="), "no external resource at all");
    assert!(html.contains("الملخص"));
}

#[test]
fn refuses_records_that_are_not_the_checkpoints_prefix_and_bad_periods() {
    let mut short = checkpoint();
    short.size -= 1;
    assert!(matches!(
        build(records(), &short, week(), Lang::En),
        Err(ReportError::NotThePrefix { .. })
    ));
    let gap: Vec<Logged> = records().iter().skip(1).cloned().collect();
    assert!(matches!(
        build(&gap, &checkpoint(), week(), Lang::En),
        Err(ReportError::NotThePrefix { .. })
    ));
    assert!(Period::parse("2025-11-01T00:00:00Z", "2025-10-01T00:00:00Z").is_err());
    assert!(Period::parse("2025-01-01T00:00:00Z", "2025-12-01T00:00:00Z").is_err());
    assert!(Period::parse("yesterday", "2025-12-01T00:00:00Z").is_err());
}

/// Runs a poppler tool, which the test set-up installs (`./test`).
fn poppler(tool: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} (Debian's poppler-utils, installed by ./test --setup-only) did not run: {e}")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn pdf_text(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    // To look at what the tests check: TRUCE_REPORT_OUT=DIR keeps a copy.
    if let Some(keep) = std::env::var_os("TRUCE_REPORT_OUT") {
        std::fs::write(Path::new(&keep).join(name), pdf).unwrap();
    }
    let out = poppler("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_pdf_is_real_text_with_page_numbers_contents_and_pages_that_render() {
    let dir = tempfile::tempdir().unwrap();
    let report = build(records(), &checkpoint(), week(), Lang::En).unwrap();
    let pdf = render(&report, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(dir.path(), "week.pdf", &pdf);
    assert!(text.contains("Periodic report"));
    assert!(text.contains("Contents"));
    assert!(text.contains("Casualties as reported"));
    let pages = text.matches("Page ").count();
    assert!(pages >= 3, "{pages} page numbers");
    assert!(text.contains(&format!("Page 1 of {pages}")));
    // A cited record's full leaf hash is searchable text.
    let cited = report.cited.first().unwrap();
    assert!(
        text.replace(['\n', ' '], "").contains(&cited.hash.to_hex()),
        "the leaf hash of #{} is not in the text",
        cited.index
    );
    let fonts = poppler("pdffonts", &[dir.path().join("week.pdf").to_str().unwrap()]);
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    assert!(fonts.contains("NotoSans"), "{fonts}");
    for line in fonts.lines().skip(2) {
        assert!(line.contains(" yes "), "a font is not embedded: {line}");
    }
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "2",
            dir.path().join("week.pdf").to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let pngs = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(pngs, 2);
}

#[test]
fn an_arabic_pdf_extracts_as_arabic_and_embeds_naskh() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = bytes(week(), Lang::Ar, Format::Pdf);
    let text = pdf_text(dir.path(), "ar.pdf", &pdf);
    for word in ["الملخص", "الحوادث", "الاتفاق", "تقرير"] {
        assert!(
            text.contains(word),
            "{word} not extracted from the Arabic PDF"
        );
    }
    let fonts = poppler("pdffonts", &[dir.path().join("ar.pdf").to_str().unwrap()]);
    assert!(
        String::from_utf8(fonts.stdout)
            .unwrap()
            .contains("NotoNaskhArabic")
    );
}

/// Every interface language's PDF: its own words extract as text (the
/// letters Urdu, Pashto and Dari have beyond Arabic's among them), dates and
/// figures in its digits, every font embedded, and its pages render.
#[test]
fn every_languages_pdf_extracts_in_its_own_letters_and_digits_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let expected: [(Lang, &[&str]); 6] = [
        (Lang::En, &["Summary", "25 October 2025"]),
        (Lang::Ar, &["الملخص", "أكتوبر"]),
        // Urdu: ے and ٹ are not Arabic letters (its digits are Latin, as
        // CLDR's ur has them).
        (Lang::Ur, &["خلاصہ", "رپورٹ", "اکتوبر"]),
        // Pashto: ډ, ټ, ښ, ګ; Extended Arabic-Indic digits.
        (Lang::Ps, &["لنډیز", "راپور", "ټول", "۲۰۲۵"]),
        // Dari: Afghan month names, Extended Arabic-Indic digits.
        (Lang::Fa, &["خلاصه", "گزارش", "اکتوبر", "۲۰۲۵"]),
        (Lang::Tr, &["Özet", "Ekim 2025"]),
    ];
    for (lang, words) in expected {
        let name = format!("{}.pdf", lang.as_str());
        let pdf = bytes(week(), lang, Format::Pdf);
        let text = pdf_text(dir.path(), &name, &pdf);
        for word in words {
            assert!(text.contains(word), "{word} not extracted from the {name}");
        }
        let path = dir.path().join(&name);
        let fonts = poppler("pdffonts", &[path.to_str().unwrap()]);
        for line in String::from_utf8(fonts.stdout).unwrap().lines().skip(2) {
            assert!(
                line.contains(" yes "),
                "{name}: a font is not embedded: {line}"
            );
        }
        let prefix = dir.path().join(lang.as_str());
        poppler(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "30",
                path.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        let pages = text.matches('\u{c}').count() + 1;
        let pngs = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let p = e.as_ref().unwrap().path();
                p.extension().is_some_and(|x| x == "png")
                    && p.file_name()
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .starts_with(&format!("{}-", lang.as_str()))
            })
            .count();
        assert!(
            pngs >= 3 && pngs + 1 >= pages,
            "{name}: {pngs} pages rendered of {pages}"
        );
    }
}
