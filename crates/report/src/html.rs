//! The report as one self-contained HTML document: inline style, inline SVG
//! figures, no script, nothing fetched. Every value goes through `esc`, so
//! no text an author wrote can become markup.

use crate::figure::{Anchor, Figure, Shape, r1};
use crate::i18n::{Direction, Strings};
use crate::model::{Block, Item, Report, Table};
use std::fmt::Write;

/// The one stylesheet. It is served with a Content-Security-Policy that
/// allows exactly this text (by its hash), so it must not vary.
pub const STYLE: &str = "body{font-family:'Noto Sans','Noto Naskh Arabic',sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #d1d5db;margin-top:2rem}table{border-collapse:collapse;margin:1rem 0;width:100%}caption{font-weight:bold;text-align:start;padding:.3rem 0}th,td{border-bottom:1px solid #e5e7eb;padding:.2rem .5rem;text-align:start;vertical-align:top}td.num,th.num{text-align:end;font-variant-numeric:tabular-nums}td.hash{font-family:monospace;font-size:.8rem;word-break:break-all}.cite{font-size:.85em;color:#4b5563}.ill{font-size:.8em;color:#92400e;border:1px solid #d97706;border-radius:3px;padding:0 .25rem}figure{margin:1rem 0}svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#4b5563}.mechanism{color:#4b5563;margin-top:0}";

pub(crate) fn render(report: &Report) -> String {
    let s = Strings::new(report.lang);
    let dir = match report.lang.direction() {
        Direction::Ltr => "ltr",
        Direction::Rtl => "rtl",
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"mechanism\" dir=\"auto\">{}</p>\n",
        report.lang.as_str(),
        esc(&report.title),
        esc(&report.mechanism),
        esc(&report.title),
        esc(&report.mechanism),
    );
    for line in &report.intro {
        let _ = writeln!(out, "<p>{}</p>", esc(line));
    }
    out.push_str("</header>\n");
    if report.period.is_long() {
        let _ = write!(
            out,
            "<nav>\n<h2>{}</h2>\n<ol>\n",
            esc(&s.t("report.contents"))
        );
        for section in &report.sections {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\">{}</a></li>",
                section.id,
                esc(&section.title)
            );
        }
        out.push_str("</ol>\n</nav>\n");
    }
    for section in &report.sections {
        let _ = write!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            section.id,
            esc(&section.title)
        );
        for block in &section.blocks {
            match block {
                Block::Para(p) => {
                    let _ = writeln!(out, "<p>{}</p>", esc(p));
                }
                Block::Subheading(h) => {
                    let _ = writeln!(out, "<h3>{}</h3>", esc(h));
                }
                Block::Items(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        item_html(&mut out, item, &s);
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(t) => table(&mut out, t, section.id == "records"),
                Block::Figure(f) => figure(&mut out, f),
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn item_html(out: &mut String, item: &Item, s: &Strings) {
    let _ = write!(out, "<li><span dir=\"auto\">{}</span>", esc(&item.text));
    if !item.cites.is_empty() {
        let links: Vec<String> = item
            .cites
            .iter()
            .map(|i| format!("<a href=\"#r{i}\">#{i}</a>"))
            .collect();
        let _ = write!(
            out,
            " <span class=\"cite\" dir=\"ltr\">[{}]</span>",
            links.join(", ")
        );
    }
    if item.illustrative {
        let _ = write!(
            out,
            " <span class=\"ill\">{}</span>",
            esc(&s.t("report.illustrative"))
        );
    }
    out.push_str("</li>\n");
}

fn table(out: &mut String, t: &Table, records: bool) {
    let _ = write!(
        out,
        "<table>\n<caption>{}</caption>\n<thead><tr>",
        esc(&t.caption)
    );
    for (i, h) in t.head.iter().enumerate() {
        let class = if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        // The records table's rows are the targets of the citations.
        match row.first().filter(|_| records) {
            Some(first) => {
                let _ = write!(out, "<tr id=\"r{}\">", esc(first.trim_start_matches('#')));
            }
            None => out.push_str("<tr>"),
        }
        for (i, cell) in row.iter().enumerate() {
            let class = if records && i == 3 {
                " class=\"hash\""
            } else if t.numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class} dir=\"auto\">{}</td>", esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A figure as inline SVG, its caption as the image's accessible name.
pub(crate) fn svg(f: &Figure) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
        r1(f.width),
        r1(f.height),
        r1(f.width),
        r1(f.height),
        esc(&f.caption)
    );
    for shape in &f.shapes {
        match shape {
            Shape::Rect { x, y, w, h, fill } => {
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    r1(*x),
                    r1(*y),
                    r1(*w),
                    r1(*h),
                    fill.hex()
                );
            }
            Shape::Poly {
                points,
                closed,
                fill,
                stroke,
            } => {
                let mut d = String::new();
                for (i, (x, y)) in points.iter().enumerate() {
                    let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { "L" }, r1(*x), r1(*y));
                }
                if *closed {
                    d.push('Z');
                }
                let fill = fill.map_or_else(|| "none".to_owned(), |c| c.hex());
                let stroke = stroke.map_or_else(String::new, |(c, w)| {
                    format!(" stroke=\"{}\" stroke-width=\"{}\"", c.hex(), r1(w))
                });
                let _ = write!(out, "<path d=\"{d}\" fill=\"{fill}\"{stroke}/>");
            }
            Shape::Circle { x, y, r, fill } => {
                let _ = write!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                    r1(*x),
                    r1(*y),
                    r1(*r),
                    fill.hex()
                );
            }
            Shape::Text {
                x,
                y,
                size,
                text,
                anchor,
                fill,
            } => {
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                // direction ltr: the anchor is a side of the page, whichever
                // way the label itself reads.
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" direction=\"ltr\" fill=\"{}\"><tspan unicode-bidi=\"plaintext\">{}</tspan></text>",
                    r1(*x),
                    r1(*y),
                    r1(*size),
                    fill.hex(),
                    esc(text)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

fn figure(out: &mut String, f: &Figure) {
    let _ = writeln!(
        out,
        "<figure>{}<figcaption>{}</figcaption></figure>",
        svg(f),
        esc(&f.caption)
    );
}

/// Escapes text for element content and quoted attribute values alike.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
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
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
