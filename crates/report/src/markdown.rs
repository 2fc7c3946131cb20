//! The report as Markdown (CommonMark with pipe tables). Record text is
//! escaped so that nothing an author wrote can become markup.

use crate::figure::Figure;
use crate::i18n::Strings;
use crate::model::{Block, Item, Report, Table};
use std::fmt::Write;

pub(crate) fn render(report: &Report) -> String {
    let s = Strings::new(report.lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} — {}\n",
        esc(&report.title),
        esc(&report.mechanism)
    );
    for line in &report.intro {
        let _ = writeln!(out, "{}\n", esc(line));
    }
    if report.period.is_long() {
        let _ = writeln!(out, "## {}\n", esc(&s.t("report.contents")));
        for (n, section) in report.sections.iter().enumerate() {
            let _ = writeln!(out, "{}. [{}](#{})", n + 1, esc(&section.title), section.id);
        }
        out.push('\n');
    }
    for section in &report.sections {
        let _ = writeln!(out, "## {}\n", esc(&section.title));
        for block in &section.blocks {
            match block {
                Block::Para(p) => {
                    let _ = writeln!(out, "{}\n", esc(p));
                }
                Block::Subheading(h) => {
                    let _ = writeln!(out, "### {}\n", esc(h));
                }
                Block::Items(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", item_text(item, &s));
                    }
                    out.push('\n');
                }
                Block::Table(t) => table(&mut out, t),
                Block::Figure(f) => figure(&mut out, f, &s),
            }
        }
    }
    out
}

pub(crate) fn cites(item: &Item) -> String {
    let list: Vec<String> = item.cites.iter().map(|i| format!("#{i}")).collect();
    format!("[{}]", list.join(", "))
}

fn item_text(item: &Item, s: &Strings) -> String {
    let mut text = esc(&item.text);
    if !item.cites.is_empty() {
        text.push(' ');
        text.push_str(&esc(&cites(item)));
    }
    if item.illustrative {
        let _ = write!(text, " *({})*", esc(&s.t("report.illustrative")));
    }
    text
}

fn table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "**{}**\n", esc(&t.caption));
    let row = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| esc(c)).collect();
        format!("| {} |", cells.join(" | "))
    };
    let _ = writeln!(out, "{}", row(&t.head));
    let rule: Vec<&str> = t
        .numeric
        .iter()
        .map(|n| if *n { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for r in &t.rows {
        let _ = writeln!(out, "{}", row(r));
    }
    out.push('\n');
}

fn figure(out: &mut String, f: &Figure, s: &Strings) {
    // A vector figure has no Markdown form: the HTML and PDF carry it, and
    // its data is the table before it (or the items after it, for the map).
    let _ = writeln!(
        out,
        "*{}* — {}\n",
        esc(&f.caption),
        esc(&s.t("report.figure_data"))
    );
}

/// Escapes what CommonMark could read as markup, and line breaks.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn author_text_cannot_become_markup() {
        assert_eq!(
            esc("a|b *c* [x](y) <b>"),
            "a\\|b \\*c\\* \\[x\\](y) \\<b\\>"
        );
        assert_eq!(esc("line\nbreak"), "line break");
    }
}
