//! Figures as plain vector shapes, drawn once and rendered twice: to inline
//! SVG for the HTML report and to PDF paths. Coordinates are points (1/72
//! inch) with y growing downwards, as in SVG and krilla.

use crate::i18n::Direction;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const INK: Color = Color(0x1f, 0x29, 0x37);
    pub const MUTED: Color = Color(0x6b, 0x72, 0x80);
    pub const THIS: Color = Color(0x1d, 0x4e, 0x89);
    pub const PREVIOUS: Color = Color(0xa8, 0xb3, 0xc2);
    pub const LAND_FOCUS: Color = Color(0xf3, 0xec, 0xdc);
    pub const LAND: Color = Color(0xe9, 0xea, 0xec);
    pub const BORDER: Color = Color(0x8a, 0x8f, 0x98);
    pub const MARK: Color = Color(0xb4, 0x23, 0x18);
    pub const WATER: Color = Color(0xf7, 0xf9, 0xfb);

    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Where a text label sits relative to its point, left to right on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Color,
    },
    /// A polyline or polygon; a map's country is several closed ones.
    Poly {
        points: Vec<(f32, f32)>,
        closed: bool,
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    },
    Circle {
        x: f32,
        y: f32,
        r: f32,
        fill: Color,
    },
    /// A label on its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        anchor: Anchor,
        fill: Color,
    },
}

/// A chart or the map, with its caption and a text alternative.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub caption: String,
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<Shape>,
}

/// Rounds to a tenth of a point: enough for print, and the same digits
/// whatever the platform's float formatting of the last bits.
pub(crate) fn r1(v: f32) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let a = tenths.unsigned_abs();
    if a.is_multiple_of(10) {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// A grouped horizontal bar chart: for each row, this period's bar above the
/// previous period's, the figure at the bar's end. In a right-to-left report
/// it is mirrored, so bars grow from the right as the text reads. Figures
/// are written by `number`, in the report's digits.
pub(crate) fn bar_chart(
    caption: String,
    rows: &[(String, u64, u64)],
    legend: (&str, &str),
    direction: Direction,
    number: impl Fn(u64) -> String,
) -> Figure {
    const WIDTH: f32 = 480.0;
    const LABEL: f32 = 160.0;
    const ROW: f32 = 26.0;
    const BAR: f32 = 9.0;
    let max = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(0).max(1);
    let scale = (WIDTH - LABEL - 40.0) / max as f32;
    let mut shapes = Vec::new();
    let mut y = 8.0;
    for (label, this, previous) in rows {
        shapes.push(Shape::Text {
            x: LABEL - 8.0,
            y: y + BAR + 3.0,
            size: 8.5,
            text: label.clone(),
            anchor: Anchor::End,
            fill: Color::INK,
        });
        for (i, (value, color)) in [(*this, Color::THIS), (*previous, Color::PREVIOUS)]
            .into_iter()
            .enumerate()
        {
            let top = y + i as f32 * (BAR + 1.0);
            let w = value as f32 * scale;
            shapes.push(Shape::Rect {
                x: LABEL,
                y: top,
                w: w.max(0.5),
                h: BAR,
                fill: color,
            });
            shapes.push(Shape::Text {
                x: LABEL + w + 4.0,
                y: top + BAR - 1.5,
                size: 7.5,
                text: number(value),
                anchor: Anchor::Start,
                fill: Color::MUTED,
            });
        }
        y += ROW;
    }
    // The legend.
    for (i, (text, color)) in [(legend.0, Color::THIS), (legend.1, Color::PREVIOUS)]
        .into_iter()
        .enumerate()
    {
        let x = LABEL + i as f32 * 120.0;
        shapes.push(Shape::Rect {
            x,
            y: y + 2.0,
            w: 10.0,
            h: 8.0,
            fill: color,
        });
        shapes.push(Shape::Text {
            x: x + 14.0,
            y: y + 9.5,
            size: 8.0,
            text: text.to_owned(),
            anchor: Anchor::Start,
            fill: Color::INK,
        });
    }
    let mut figure = Figure {
        caption,
        width: WIDTH,
        height: y + 16.0,
        shapes,
    };
    if direction == Direction::Rtl {
        figure.mirror();
    }
    figure
}

impl Figure {
    /// Mirrors the figure left to right (labels keep reading their own way).
    fn mirror(&mut self) {
        let w = self.width;
        for shape in &mut self.shapes {
            match shape {
                Shape::Rect { x, w: width, .. } => *x = w - *x - *width,
                Shape::Poly { points, .. } => {
                    for p in points {
                        p.0 = w - p.0;
                    }
                }
                Shape::Circle { x, .. } => *x = w - *x,
                Shape::Text { x, anchor, .. } => {
                    *x = w - *x;
                    *anchor = match anchor {
                        Anchor::Start => Anchor::End,
                        Anchor::End => Anchor::Start,
                        Anchor::Middle => Anchor::Middle,
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_print_the_same_digits() {
        assert_eq!(r1(0.0), "0");
        assert_eq!(r1(12.34), "12.3");
        assert_eq!(r1(-0.06), "-0.1");
        assert_eq!(r1(7.0), "7");
    }

    #[test]
    fn a_right_to_left_chart_grows_from_the_right() {
        let rows = [("a".to_owned(), 2, 1)];
        let ltr = bar_chart("c".into(), &rows, ("x", "y"), Direction::Ltr, |n| {
            n.to_string()
        });
        let rtl = bar_chart("c".into(), &rows, ("x", "y"), Direction::Rtl, |n| {
            n.to_string()
        });
        let first_bar = |f: &Figure| {
            f.shapes.iter().find_map(|s| match s {
                Shape::Rect { x, w, .. } => Some((*x, *w)),
                _ => None,
            })
        };
        let (lx, lw) = first_bar(&ltr).unwrap();
        let (rx, rw) = first_bar(&rtl).unwrap();
        assert_eq!(lw, rw);
        assert!((rx + rw - (ltr.width - lx)).abs() < 0.01);
    }
}
