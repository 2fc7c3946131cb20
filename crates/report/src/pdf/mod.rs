//! The report as PDF, written with krilla: real text in embedded, subset
//! Noto fonts (so it is selectable and searchable, and looks the same
//! everywhere), shaped by rustybuzz and laid out right to left where the
//! language runs that way; page numbers on every page, a table of contents
//! and an outline for reports longer than a day.
//!
//! Layout is done first into pages of positioned operations, twice: the
//! first pass finds the page each section starts on, the second writes those
//! numbers into the table of contents (whose size does not depend on them).

mod text;

use crate::ReportError;
use crate::figure::{Anchor, Color, Figure, Shape};
use crate::i18n::{Direction, Strings};
use crate::markdown::cites;
use crate::model::{Block, Item, Report, Table};
use krilla::Document;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use std::collections::BTreeMap;
use text::{Faces, FontId, Line};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
const TOP: f32 = 56.0;
const BOTTOM: f32 = PAGE_H - 64.0;
const WIDTH: f32 = RIGHT - LEFT;

const BODY: f32 = 9.5;
const SMALL: f32 = 7.5;

pub(crate) fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let faces = Faces::load().map_err(ReportError::Pdf)?;
    let first = layout(report, &faces, &BTreeMap::new());
    let laid = layout(report, &faces, &first.section_pages);
    write(report, &faces, &laid)
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        run: text::Run,
        color: Color,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    Figure {
        x: f32,
        y: f32,
        scale: f32,
        /// The figure's labels, laid out once here.
        labels: Vec<(f32, f32, f32, Line, Color)>,
        figure: Figure,
    },
}

struct Laid {
    pages: Vec<Vec<Op>>,
    /// The page (from 0) each section starts on.
    section_pages: BTreeMap<&'static str, usize>,
    /// Outline entries: title, page, y.
    outline: Vec<(String, usize, f32)>,
}

struct Layout<'a> {
    faces: &'a Faces,
    rtl: bool,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn page(&mut self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn line_height(&self, size: f32) -> f32 {
        // Naskh's ascenders and descenders want more room than Latin's.
        size * if self.rtl { 1.75 } else { 1.45 }
    }

    /// Places a line of runs with its start edge at `start` (from the
    /// reading side) within a box `width` wide beginning at `left`.
    fn place_line(
        &mut self,
        line: Line,
        left: f32,
        width: f32,
        size: f32,
        color: Color,
        end: bool,
    ) {
        // `end`: set against the far side (figures in a table, numbers).
        let flush_right = self.rtl != end;
        let x0 = if flush_right {
            left + width - line.width
        } else {
            left
        };
        let y = self.y + size;
        for run in line.runs {
            self.push(Op::Text {
                x: x0 + run.x,
                y,
                size,
                run,
                color,
            });
        }
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool, color: Color, indent: f32) {
        let lh = self.line_height(size);
        let lines = text::lines(self.faces, text, bold, size, WIDTH - indent, self.rtl);
        for line in lines {
            self.ensure(lh);
            let left = if self.rtl { LEFT } else { LEFT + indent };
            self.place_line(line, left, WIDTH - indent, size, color, false);
            self.y += lh;
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn heading(&mut self, text: &str, size: f32) {
        // Keep a heading with the first lines after it.
        self.ensure(self.line_height(size) + 60.0);
        self.paragraph(text, size, true, Color::INK, 0.0);
    }

    fn item(&mut self, item: &Item, s: &Strings) {
        let mut text = item.text.clone();
        if !item.cites.is_empty() {
            text.push(' ');
            text.push_str(&cites(item));
        }
        if item.illustrative {
            text.push_str(&format!(" ({})", s.t("report.illustrative")));
        }
        let lh = self.line_height(BODY);
        self.ensure(lh);
        let bullet_x = if self.rtl { RIGHT - 6.0 } else { LEFT + 2.0 };
        let y = self.y + BODY;
        let bullet = text::lines(self.faces, "•", false, BODY, 20.0, false);
        if let Some(line) = bullet.into_iter().next() {
            for run in line.runs {
                self.push(Op::Text {
                    x: bullet_x + run.x,
                    y,
                    size: BODY,
                    run,
                    color: Color::MUTED,
                });
            }
        }
        self.paragraph(&text, BODY, false, Color::INK, 14.0);
        self.gap(2.0);
    }

    fn table(&mut self, t: &Table, repeat_caption: &str) {
        let size = SMALL + 0.5;
        let lh = self.line_height(size);
        let columns = t.head.len().max(1);
        // Natural widths, then shrink text columns to fit the page.
        let mut widths: Vec<f32> = (0..columns)
            .map(|c| {
                let cells = std::iter::once(t.head.get(c))
                    .chain(t.rows.iter().map(|r| r.get(c)))
                    .flatten();
                let head = t
                    .head
                    .get(c)
                    .map_or(0.0, |h| self.faces.width(h, true, size));
                cells
                    .map(|cell| self.faces.width(cell, false, size))
                    .fold(head, f32::max)
                    + 10.0
            })
            .collect();
        let total: f32 = widths.iter().sum();
        if total > WIDTH {
            let fixed: f32 = widths
                .iter()
                .enumerate()
                .filter(|(i, _)| t.numeric.get(*i).copied().unwrap_or(false))
                .map(|(_, w)| *w)
                .sum();
            let flexible = (total - fixed).max(1.0);
            let room = (WIDTH - fixed).max(40.0);
            for (i, w) in widths.iter_mut().enumerate() {
                if !t.numeric.get(i).copied().unwrap_or(false) {
                    *w *= room / flexible;
                }
            }
        }
        self.heading(&t.caption, BODY);
        self.gap(1.0);
        self.table_row(&t.head, &widths, &t.numeric, size, true);
        for row in &t.rows {
            let height = self.row_height(row, &widths, size, lh);
            if self.y + height > BOTTOM {
                self.new_page();
                self.paragraph(repeat_caption, SMALL, true, Color::MUTED, 0.0);
                self.table_row(&t.head, &widths, &t.numeric, size, true);
            }
            self.table_row(row, &widths, &t.numeric, size, false);
        }
        self.gap(8.0);
    }

    /// The records cited: a line naming each, and its leaf hash whole on
    /// the next, so that it can be searched for and copied in one piece.
    fn records(&mut self, t: &Table) {
        for row in &t.rows {
            let mut cells = row.iter();
            let (Some(index), Some(kind), Some(author), Some(hash)) =
                (cells.next(), cells.next(), cells.next(), cells.next())
            else {
                continue;
            };
            let lh = self.line_height(BODY) + self.line_height(SMALL);
            self.ensure(lh);
            let title = format!("{index} · {kind} · {author}");
            self.paragraph(&title, BODY, false, Color::INK, 0.0);
            let size = SMALL;
            if let Some(line) = text::lines(self.faces, hash, false, size, WIDTH, false)
                .into_iter()
                .next()
            {
                // A hash reads left to right in any language.
                let x0 = if self.rtl { RIGHT - line.width } else { LEFT };
                let y = self.y + size;
                for run in line.runs {
                    self.push(Op::Text {
                        x: x0 + run.x,
                        y,
                        size,
                        run,
                        color: Color::MUTED,
                    });
                }
            }
            self.y += self.line_height(size) + 2.0;
        }
    }

    fn row_height(&self, row: &[String], widths: &[f32], size: f32, lh: f32) -> f32 {
        row.iter()
            .zip(widths)
            .map(|(cell, w)| {
                text::lines(self.faces, cell, false, size, (w - 8.0).max(10.0), self.rtl).len()
            })
            .max()
            .unwrap_or(1)
            .max(1) as f32
            * lh
            + 3.0
    }

    fn table_row(
        &mut self,
        row: &[String],
        widths: &[f32],
        numeric: &[bool],
        size: f32,
        head: bool,
    ) {
        let lh = self.line_height(size);
        let height = self.row_height(row, widths, size, lh);
        let top = self.y;
        let mut x = if self.rtl { RIGHT } else { LEFT };
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            let left = if self.rtl { x - w } else { x };
            let end = numeric.get(i).copied().unwrap_or(false);
            self.y = top + 1.5;
            for line in text::lines(self.faces, cell, head, size, (w - 8.0).max(10.0), self.rtl) {
                self.place_line(line, left + 4.0, w - 8.0, size, Color::INK, end);
                self.y += lh;
            }
            x = if self.rtl { x - w } else { x + w };
        }
        self.y = top + height;
        self.push(Op::Rect {
            x: LEFT,
            y: self.y - 0.5,
            w: WIDTH,
            h: if head { 0.8 } else { 0.4 },
            color: Color::BORDER,
        });
    }

    fn figure(&mut self, f: &Figure) {
        let scale = (WIDTH / f.width).min(1.0);
        let h = f.height * scale;
        self.ensure(h + 30.0);
        let x = LEFT + (WIDTH - f.width * scale) / 2.0;
        let labels = f
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text {
                    x,
                    y,
                    size,
                    text,
                    anchor,
                    fill,
                } => {
                    let rtl = text::starts_rtl(text);
                    let line = text::lines(self.faces, text, false, *size, 1e6, rtl)
                        .into_iter()
                        .next()?;
                    let left = match anchor {
                        Anchor::Start => *x,
                        Anchor::Middle => x - line.width / 2.0,
                        Anchor::End => x - line.width,
                    };
                    Some((left, *y, *size, line, *fill))
                }
                _ => None,
            })
            .collect();
        self.push(Op::Figure {
            x,
            y: self.y,
            scale,
            labels,
            figure: f.clone(),
        });
        self.y += h + 4.0;
        self.paragraph(&f.caption, SMALL + 0.5, false, Color::MUTED, 0.0);
        self.gap(6.0);
    }
}

fn layout(report: &Report, faces: &Faces, section_pages: &BTreeMap<&'static str, usize>) -> Laid {
    let s = Strings::new(report.lang);
    let rtl = report.lang.direction() == Direction::Rtl;
    let mut l = Layout {
        faces,
        rtl,
        pages: Vec::new(),
        y: TOP,
    };
    l.new_page();
    l.paragraph(&report.title, 20.0, true, Color::INK, 0.0);
    l.paragraph(&report.mechanism, 12.0, false, Color::MUTED, 0.0);
    l.gap(6.0);
    for line in &report.intro {
        l.paragraph(line, BODY, false, Color::INK, 0.0);
        l.gap(3.0);
    }
    if report.period.is_long() {
        l.gap(6.0);
        l.heading(&s.t("report.contents"), 14.0);
        for (n, section) in report.sections.iter().enumerate() {
            let lh = l.line_height(BODY);
            l.ensure(lh);
            let title = format!("{}. {}", n + 1, section.title);
            if let Some(line) = text::lines(faces, &title, false, BODY, WIDTH - 40.0, rtl)
                .into_iter()
                .next()
            {
                l.place_line(line, LEFT, WIDTH, BODY, Color::INK, false);
            }
            // A page not known yet (the first pass) is written as 0; the
            // number has the same place either way.
            let page = section_pages.get(section.id).map_or(0, |p| p + 1);
            if let Some(line) = text::lines(faces, &s.num(page), false, BODY, 40.0, false)
                .into_iter()
                .next()
            {
                l.place_line(line, LEFT, WIDTH, BODY, Color::INK, true);
            }
            l.y += lh;
        }
    }
    let mut pages_of = BTreeMap::new();
    let mut outline = Vec::new();
    for section in &report.sections {
        l.gap(10.0);
        l.ensure(90.0);
        pages_of.insert(section.id, l.page());
        outline.push((section.title.clone(), l.page(), l.y));
        l.heading(&section.title, 14.0);
        l.push(Op::Rect {
            x: LEFT,
            y: l.y,
            w: WIDTH,
            h: 0.6,
            color: Color::BORDER,
        });
        l.gap(6.0);
        for block in &section.blocks {
            match block {
                Block::Para(p) => {
                    l.paragraph(p, BODY, false, Color::INK, 0.0);
                    l.gap(4.0);
                }
                Block::Subheading(h) => {
                    l.gap(4.0);
                    l.heading(h, 11.0);
                    l.gap(2.0);
                }
                Block::Items(items) => {
                    for item in items {
                        l.item(item, &s);
                    }
                    l.gap(4.0);
                }
                Block::Table(t) if section.id == "records" => l.records(t),
                Block::Table(t) => l.table(t, &section.title),
                Block::Figure(f) => l.figure(f),
            }
        }
    }
    Laid {
        pages: l.pages,
        section_pages: pages_of,
        outline,
    }
}

fn fill(c: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn glyphs(run: &text::Run) -> Vec<KrillaGlyph> {
    run.glyphs
        .iter()
        .map(|g| {
            KrillaGlyph::new(
                GlyphId::new(g.id),
                g.x_advance,
                g.x_offset,
                g.y_offset,
                0.0,
                g.range.clone(),
                None,
            )
        })
        .collect()
}

fn draw_text(
    surface: &mut Surface<'_>,
    fonts: &BTreeMap<FontId, Font>,
    x: f32,
    y: f32,
    size: f32,
    run: &text::Run,
    color: Color,
) {
    let Some(font) = fonts.get(&run.font) else {
        return;
    };
    surface.set_fill(Some(fill(color)));
    surface.set_stroke(None);
    surface.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs(run),
        font.clone(),
        &run.text,
        size,
        false,
    );
}

fn draw_shape(surface: &mut Surface<'_>, shape: &Shape) {
    let mut pb = PathBuilder::new();
    let (fill_color, stroke) = match shape {
        Shape::Rect { x, y, w, h, fill } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.1), h.max(0.1)) {
                pb.push_rect(rect);
            }
            (Some(*fill), None)
        }
        Shape::Poly {
            points,
            closed,
            fill,
            stroke,
        } => {
            for (i, (x, y)) in points.iter().enumerate() {
                if i == 0 {
                    pb.move_to(*x, *y);
                } else {
                    pb.line_to(*x, *y);
                }
            }
            if *closed {
                pb.close();
            }
            (*fill, *stroke)
        }
        Shape::Circle { x, y, r, fill } => {
            // Four cubic arcs (the usual 0.5523 handle) make a circle.
            let k = 0.552_284_8 * r;
            pb.move_to(x + r, *y);
            pb.cubic_to(x + r, y + k, x + k, y + r, *x, y + r);
            pb.cubic_to(x - k, y + r, x - r, y + k, x - r, *y);
            pb.cubic_to(x - r, y - k, x - k, y - r, *x, y - r);
            pb.cubic_to(x + k, y - r, x + r, y - k, x + r, *y);
            pb.close();
            (Some(*fill), None)
        }
        Shape::Text { .. } => return,
    };
    let Some(path) = pb.finish() else { return };
    surface.set_fill(fill_color.map(fill));
    surface.set_stroke(stroke.map(|(c, w)| Stroke {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        width: w,
        ..Default::default()
    }));
    surface.draw_path(&path);
}

fn write(report: &Report, faces: &Faces, laid: &Laid) -> Result<Vec<u8>, ReportError> {
    let s = Strings::new(report.lang);
    let mut document = Document::new();
    let mut fonts = BTreeMap::new();
    for id in [
        FontId::Sans,
        FontId::SansBold,
        FontId::Naskh,
        FontId::NaskhBold,
    ] {
        let font = Font::new(id.data().into(), 0)
            .ok_or_else(|| ReportError::Pdf(format!("the embedded font {id:?} does not load")))?;
        fonts.insert(id, font);
    }
    let total = laid.pages.len();
    for (n, ops) in laid.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| ReportError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    run,
                    color,
                } => draw_text(&mut surface, &fonts, *x, *y, *size, run, *color),
                Op::Rect { x, y, w, h, color } => draw_shape(
                    &mut surface,
                    &Shape::Rect {
                        x: *x,
                        y: *y,
                        w: *w,
                        h: *h,
                        fill: *color,
                    },
                ),
                Op::Figure {
                    x,
                    y,
                    scale,
                    labels,
                    figure,
                } => {
                    surface.push_transform(&Transform::from_row(*scale, 0.0, 0.0, *scale, *x, *y));
                    let mut clip = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(0.0, 0.0, figure.width, figure.height) {
                        clip.push_rect(rect);
                    }
                    let clipped = clip.finish();
                    if let Some(path) = &clipped {
                        surface.push_clip_path(path, &FillRule::NonZero);
                    }
                    for shape in &figure.shapes {
                        draw_shape(&mut surface, shape);
                    }
                    for (left, baseline, size, line, color) in labels {
                        for run in &line.runs {
                            draw_text(
                                &mut surface,
                                &fonts,
                                left + run.x,
                                *baseline,
                                *size,
                                run,
                                *color,
                            );
                        }
                    }
                    if clipped.is_some() {
                        surface.pop();
                    }
                    surface.pop();
                }
            }
        }
        // The page number, centred at the foot of every page.
        let number = s.f(
            "report.page",
            &[("n", &s.num(n + 1)), ("total", &s.num(total))],
        );
        let rtl = report.lang.direction() == Direction::Rtl;
        if let Some(line) = text::lines(faces, &number, false, SMALL, WIDTH, rtl)
            .into_iter()
            .next()
        {
            let x0 = (PAGE_W - line.width) / 2.0;
            for run in &line.runs {
                draw_text(
                    &mut surface,
                    &fonts,
                    x0 + run.x,
                    PAGE_H - 36.0,
                    SMALL,
                    run,
                    Color::MUTED,
                );
            }
        }
        surface.finish();
        page.finish();
    }
    let mut outline = Outline::new();
    for (title, page, y) in &laid.outline {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(LEFT, *y)),
        ));
    }
    document.set_outline(outline);
    // No creation date and no random document ID: the same report is the same bytes.
    document.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", report.title, report.mechanism))
            .language(report.lang.as_str().to_owned()),
    );
    document
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
}
