//! Text for the PDF: which font sets each character, shaping (rustybuzz, as
//! krilla itself uses), line breaking and the bidirectional algorithm.
//!
//! A paragraph is broken into lines in logical order, greedily at spaces
//! (a word longer than a line, like a hash, is broken between characters);
//! each line is then reordered for display by UAX #9 (`unicode-bidi`) into
//! runs of one direction, and each run into pieces of one font. Arabic-script
//! characters are set in Noto Naskh Arabic, everything else in Noto Sans.

use rustybuzz::{Direction as RbDirection, UnicodeBuffer};
use std::ops::Range;
use unicode_bidi::{BidiInfo, Level};

const SANS: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");
const NASKH: &[u8] = include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf");
const NASKH_BOLD: &[u8] = include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf");

/// One of the four embedded fonts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FontId {
    Sans,
    SansBold,
    Naskh,
    NaskhBold,
}

impl FontId {
    pub fn data(&self) -> &'static [u8] {
        match self {
            FontId::Sans => SANS,
            FontId::SansBold => SANS_BOLD,
            FontId::Naskh => NASKH,
            FontId::NaskhBold => NASKH_BOLD,
        }
    }

    fn pick(c: char, bold: bool) -> FontId {
        match (arabic_script(c), bold) {
            (true, false) => FontId::Naskh,
            (true, true) => FontId::NaskhBold,
            (false, false) => FontId::Sans,
            (false, true) => FontId::SansBold,
        }
    }
}

/// The Arabic script's blocks: Arabic, Supplement, Extended-A/B and the
/// presentation forms (Urdu, Pashto and Dari letters are all in them).
fn arabic_script(c: char) -> bool {
    matches!(c as u32,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Whether a label reads right to left: its first letter is Arabic-script.
pub(crate) fn starts_rtl(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(arabic_script)
}

/// The parsed faces, for shaping.
pub(crate) struct Faces {
    faces: Vec<(FontId, rustybuzz::Face<'static>)>,
}

impl Faces {
    pub fn load() -> Result<Faces, String> {
        let mut faces = Vec::new();
        for id in [
            FontId::Sans,
            FontId::SansBold,
            FontId::Naskh,
            FontId::NaskhBold,
        ] {
            let face = rustybuzz::Face::from_slice(id.data(), 0)
                .ok_or_else(|| format!("the embedded font {id:?} does not parse"))?;
            faces.push((id, face));
        }
        Ok(Faces { faces })
    }

    /// Whether the font has a glyph for `c`.
    fn covers(&self, id: FontId, c: char) -> bool {
        self.face(id).and_then(|f| f.glyph_index(c)).is_some()
    }

    fn face(&self, id: FontId) -> Option<&rustybuzz::Face<'static>> {
        self.faces
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, face)| face)
    }

    /// Shapes `text` in one font and direction: glyphs in display order,
    /// left to right, with advances in ems.
    pub fn shape(&self, text: &str, font: FontId, rtl: bool) -> Vec<Glyph> {
        let Some(face) = self.face(font) else {
            return Vec::new();
        };
        let upem = (face.units_per_em() as f32).max(1.0);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl {
            RbDirection::RightToLeft
        } else {
            RbDirection::LeftToRight
        });
        let output = rustybuzz::shape(face, &[], buffer);
        let mut starts: Vec<usize> = output
            .glyph_infos()
            .iter()
            .map(|i| i.cluster as usize)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        output
            .glyph_infos()
            .iter()
            .zip(output.glyph_positions())
            .map(|(info, pos)| {
                let start = info.cluster as usize;
                // A cluster runs to the next cluster in logical order.
                let end = starts
                    .iter()
                    .find(|s| **s > start)
                    .copied()
                    .unwrap_or(text.len());
                Glyph {
                    id: info.glyph_id,
                    x_advance: pos.x_advance as f32 / upem,
                    x_offset: pos.x_offset as f32 / upem,
                    y_offset: pos.y_offset as f32 / upem,
                    range: start..end,
                }
            })
            .collect()
    }

    pub fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        pieces(self, text, bold)
            .into_iter()
            .map(|(range, font)| {
                let piece = text.get(range).unwrap_or("");
                self.shape(piece, font, false)
                    .iter()
                    .map(|g| g.x_advance)
                    .sum::<f32>()
                    * size
            })
            .sum()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub id: u32,
    pub x_advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// The bytes of the piece's text this glyph shows (for text extraction).
    pub range: Range<usize>,
}

/// A piece of a line in one font and direction, placed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    /// From the line's left edge, in points.
    pub x: f32,
    pub text: String,
    pub font: FontId,
    pub rtl: bool,
    pub glyphs: Vec<Glyph>,
    pub width: f32,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub width: f32,
    pub runs: Vec<Run>,
}

/// Splits `text` into ranges of one font, in logical order. Arabic-script
/// letters take Naskh and other letters Sans; characters of no script
/// (spaces, digits, punctuation) stay with the piece before them when its
/// font has them, so an Arabic phrase is not cut at every space — Naskh has
/// no brackets, for one, and they fall back to Sans.
fn pieces(faces: &Faces, text: &str, bold: bool) -> Vec<(Range<usize>, FontId)> {
    let mut out: Vec<(Range<usize>, FontId)> = Vec::new();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let neutral = !c.is_alphabetic() && c != '#';
        let mut font = FontId::pick(c, bold);
        if let Some((_, previous)) = out.last()
            && neutral
            && faces.covers(*previous, c)
        {
            font = *previous;
        }
        if !faces.covers(font, c) {
            let other = FontId::pick(if arabic_script(c) { 'a' } else { '\u{0628}' }, bold);
            if faces.covers(other, c) {
                font = other;
            }
        }
        match out.last_mut() {
            Some((range, f)) if *f == font => range.end = end,
            _ => out.push((i..end, font)),
        }
    }
    out
}

/// Replaces what UAX #9 would take as a paragraph break, and controls, by a
/// space: the layout gives each paragraph its own call.
pub(crate) fn one_paragraph(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Breaks `text` into lines at most `max` points wide and orders each for
/// display. `rtl` is the paragraph's base direction.
pub(crate) fn lines(
    faces: &Faces,
    text: &str,
    bold: bool,
    size: f32,
    max: f32,
    rtl: bool,
) -> Vec<Line> {
    let text = one_paragraph(text);
    let level = if rtl { Level::rtl() } else { Level::ltr() };
    let bidi = BidiInfo::new(&text, Some(level));
    let Some(para) = bidi.paragraphs.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for range in break_lines(faces, &text, bold, size, max) {
        let (levels, runs) = bidi.visual_runs(para, range.clone());
        let mut x = 0.0;
        let mut placed = Vec::new();
        for run in runs {
            let run_rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
            let Some(run_text) = text.get(run.clone()) else {
                continue;
            };
            let mut parts = pieces(faces, run_text, bold);
            if run_rtl {
                parts.reverse();
            }
            for (r, font) in parts {
                let Some(piece) = run_text.get(r) else {
                    continue;
                };
                let glyphs = faces.shape(piece, font, run_rtl);
                let width = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size;
                placed.push(Run {
                    x,
                    text: piece.to_owned(),
                    font,
                    rtl: run_rtl,
                    glyphs,
                    width,
                });
                x += width;
            }
        }
        out.push(Line {
            width: x,
            runs: placed,
        });
    }
    out
}

/// Greedy breaking in logical order: byte ranges of each line, trailing
/// spaces left out.
fn break_lines(faces: &Faces, text: &str, bold: bool, size: f32, max: f32) -> Vec<Range<usize>> {
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' {
            words.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < text.len() {
        words.push(start..text.len());
    }
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut width = 0.0;
    for word in words {
        let Some(w_text) = text.get(word.clone()) else {
            continue;
        };
        let w = faces.width(w_text.trim_end(), bold, size);
        let space = faces.width(" ", bold, size);
        match current.as_mut() {
            Some(line) if width + w <= max => {
                line.end = word.end;
                width += w + space;
            }
            _ => {
                if let Some(line) = current.take() {
                    lines.push(line);
                }
                if w > max {
                    // Too long for any line: break it between characters.
                    let mut piece_start = word.start;
                    let mut piece_width = 0.0;
                    for (i, c) in w_text.char_indices() {
                        let cw = faces.width(c.encode_utf8(&mut [0; 4]), bold, size);
                        if piece_width + cw > max && word.start + i > piece_start {
                            lines.push(piece_start..word.start + i);
                            piece_start = word.start + i;
                            piece_width = 0.0;
                        }
                        piece_width += cw;
                    }
                    current = Some(piece_start..word.end);
                    width = piece_width + space;
                } else {
                    current = Some(word.clone());
                    width = w + space;
                }
            }
        }
    }
    if let Some(line) = current {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|r| {
            let trimmed = text.get(r.clone()).map_or(0, |t| t.trim_end().len());
            r.start..r.start + trimmed
        })
        .filter(|r| !r.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_script_letters_of_urdu_pashto_and_dari_shape_to_real_glyphs() {
        let faces = Faces::load().unwrap();
        // Urdu ٹ ڈ ڑ ں ے, Pashto ښ ګ ړ ځ څ ڼ ۍ ې, Dari/Persian پ چ ژ گ.
        for word in ["ٹڈڑںے", "ښګړځڅڼۍې", "پچژگ", "مذاکرات"] {
            let glyphs = faces.shape(word, FontId::Naskh, true);
            assert!(!glyphs.is_empty());
            assert!(
                glyphs.iter().all(|g| g.id != 0),
                "{word}: a letter has no glyph (.notdef)"
            );
        }
    }

    #[test]
    fn arabic_letters_join_into_contextual_forms() {
        let faces = Faces::load().unwrap();
        // The same letter alone and between two others takes another form.
        let alone = faces.shape("ب", FontId::Naskh, true);
        let joined = faces.shape("ببب", FontId::Naskh, true);
        assert_eq!(joined.len(), 3);
        let medial = joined.get(1).unwrap().id;
        assert_ne!(alone.first().unwrap().id, medial);
    }

    #[test]
    fn a_right_to_left_line_puts_its_first_word_on_the_right() {
        let faces = Faces::load().unwrap();
        let lines = lines(&faces, "سلام #12 دنیا", false, 10.0, 500.0, true);
        assert_eq!(lines.len(), 1);
        let runs = &lines.first().unwrap().runs;
        let first_word = runs.iter().find(|r| r.text.contains("سلام")).unwrap();
        let last_word = runs.iter().find(|r| r.text.contains("دنیا")).unwrap();
        let number = runs.iter().find(|r| r.text.contains("12")).unwrap();
        assert!(first_word.x > number.x && number.x > last_word.x);
        assert!(!number.rtl && first_word.rtl);
    }

    #[test]
    fn brackets_in_an_arabic_phrase_fall_back_to_a_font_that_has_them() {
        let faces = Faces::load().unwrap();
        let lines = lines(&faces, "الحوادث (الفترة) [#12]", false, 10.0, 500.0, true);
        for run in &lines.first().unwrap().runs {
            for g in &run.glyphs {
                assert_ne!(g.id, 0, "no glyph in {:?} for {:?}", run.font, run.text);
            }
        }
    }

    #[test]
    fn long_words_break_and_lines_stay_within_the_width() {
        let faces = Faces::load().unwrap();
        let hash = "0123456789abcdef".repeat(8);
        let text = format!("The leaf hash {hash} ends here.");
        let lines = lines(&faces, &text, false, 10.0, 200.0, false);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(l.width <= 200.5, "{} > 200", l.width);
        }
        let joined: String = lines
            .iter()
            .flat_map(|l| l.runs.iter().map(|r| r.text.clone()))
            .collect::<Vec<_>>()
            .join("");
        assert!(joined.replace(' ', "").contains(&hash));
    }
}
