//! Small, valid placeholder files for the evidence records: PNG images and
//! one-page PDF documents, generated here so the demo has real blobs to
//! store, hash and show, and each one says it is an illustration.
//!
//! The `png` crate encodes the images and `pdf-writer` writes the documents.
//! Neither reads a clock or adds random identifiers, so the same inputs always
//! give the same bytes (and so the same record digests).

use crate::ScenarioError;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

/// An RGB PNG of `width` × `height` whose pixels come from `pixel(x, y)`, with
/// `title` and `description` as tEXt chunks (Latin-1; anything else becomes '?').
pub fn png(
    width: u32,
    height: u32,
    title: &str,
    description: &str,
    pixel: impl Fn(u32, u32) -> [u8; 3],
) -> Result<Vec<u8>, ScenarioError> {
    let invalid = |e: png::EncodingError| ScenarioError::Invalid(format!("PNG encoding: {e}"));

    let capacity = usize::try_from(u64::from(width) * u64::from(height) * 3).unwrap_or(0);
    let mut data = Vec::with_capacity(capacity);
    for y in 0..height {
        for x in 0..width {
            data.extend_from_slice(&pixel(x, y));
        }
    }

    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    for (key, value) in [("Title", title), ("Description", description)] {
        encoder
            .add_text_chunk(key.to_owned(), latin1(value))
            .map_err(invalid)?;
    }
    let mut writer = encoder.write_header().map_err(invalid)?;
    writer.write_image_data(&data).map_err(invalid)?;
    writer.finish().map_err(invalid)?;
    Ok(out)
}

/// PNG tEXt is Latin-1; anything else becomes '?'.
fn latin1(s: &str) -> String {
    s.chars()
        .map(|c| if u32::from(c) <= 0xff { c } else { '?' })
        .collect()
}

/// A one-page A4 PDF: `title` in Helvetica-Bold, then `lines` of text in
/// Helvetica (ASCII; anything else becomes '?'). The title is also the
/// document's Title.
pub fn pdf(title: &str, lines: &[&str]) -> Vec<u8> {
    let catalog_id = Ref::new(1);
    let pages_id = Ref::new(2);
    let page_id = Ref::new(3);
    let regular_id = Ref::new(4);
    let bold_id = Ref::new(5);
    let content_id = Ref::new(6);
    let info_id = Ref::new(7);
    let regular = Name(b"F1");
    let bold = Name(b"F2");

    let mut content = Content::new();
    content
        .begin_text()
        .set_leading(14.0)
        .next_line(50.0, 790.0)
        .set_font(bold, 14.0);
    content.show(Str(&ascii(title)));
    content.next_line_using_leading().next_line_using_leading();
    content.set_font(regular, 11.0);
    for line in lines {
        content.show(Str(&ascii(line)));
        content.next_line_using_leading();
    }
    content.end_text();
    let content = content.finish();

    let mut doc = Pdf::new();
    doc.set_version(1, 4);
    doc.catalog(catalog_id).pages(pages_id);
    doc.pages(pages_id).kids([page_id]).count(1);
    let mut page = doc.page(page_id);
    page.parent(pages_id)
        .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .contents(content_id);
    page.resources()
        .fonts()
        .pair(regular, regular_id)
        .pair(bold, bold_id);
    drop(page);
    doc.type1_font(regular_id).base_font(Name(b"Helvetica"));
    doc.type1_font(bold_id).base_font(Name(b"Helvetica-Bold"));
    doc.stream(content_id, &content);
    doc.document_info(info_id)
        .title(TextStr(title))
        .producer(TextStr("truce-scenario"));
    let mut out = doc.finish();
    out.push(b'\n'); // end the %%EOF line, as most writers do
    out
}

/// Printable ASCII; anything else becomes '?'. `Str` escapes what PDF needs.
fn ascii(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            ' '..='~' => u8::try_from(c).unwrap_or(b'?'),
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_decodes_with_its_pixels_and_text() {
        let image = png(3, 2, "Title ü", "Description ☂", |x, y| {
            [x as u8, y as u8, 7]
        })
        .unwrap();
        assert!(image.starts_with(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"));
        assert!(image.ends_with(b"IEND\xae\x42\x60\x82"));

        let mut reader = png::Decoder::new(std::io::Cursor::new(&image))
            .read_info()
            .unwrap();
        let text: Vec<(String, String)> = reader
            .info()
            .uncompressed_latin1_text
            .iter()
            .map(|t| (t.keyword.clone(), t.text.clone()))
            .collect();
        assert_eq!(
            text,
            [
                ("Title".to_owned(), "Title ü".to_owned()),
                ("Description".to_owned(), "Description ?".to_owned()),
            ]
        );
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!((frame.width, frame.height), (3, 2));
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        assert_eq!(
            &buf[..frame.buffer_size()],
            &[0, 0, 7, 1, 0, 7, 2, 0, 7, 0, 1, 7, 1, 1, 7, 2, 1, 7]
        );
    }

    #[test]
    fn png_is_deterministic() {
        let make = || png(8, 8, "t", "d", |x, y| [x as u8, y as u8, 0]).unwrap();
        assert_eq!(make(), make());
    }

    #[test]
    fn pdf_has_one_page_of_helvetica_text() {
        let doc = pdf("Title (x)", &["line one", "caf\u{e9} :)", "a\\b"]);
        assert_eq!(doc, pdf("Title (x)", &["line one", "caf\u{e9} :)", "a\\b"]));
        assert!(doc.starts_with(b"%PDF-1.4\n"));
        assert!(doc.ends_with(b"%%EOF\n"));
        let has = |s: &str| doc.windows(s.len()).any(|w| w == s.as_bytes());
        assert!(has("/Count 1\n"));
        assert!(has("/BaseFont /Helvetica\n"));
        assert!(has("/BaseFont /Helvetica-Bold\n"));
        assert!(has("/F2 14 Tf\n(Title (x)) Tj\n"));
        assert!(has("/F1 11 Tf\n(line one) Tj\n"));
        assert!(has("(caf? :\\)) Tj\n"));
        assert!(has("(a\\\\b) Tj\n"));
        assert!(has("/Title (Title (x))\n"));
    }

    #[test]
    fn pdf_xref_points_at_each_object() {
        let doc = pdf("Title", &["line one"]);
        let marker = b"startxref\n";
        let at = doc
            .windows(marker.len())
            .rposition(|w| w == marker)
            .unwrap();
        let text = |from: usize| std::str::from_utf8(&doc[from..]).unwrap();
        let start: usize = text(at + marker.len())
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text(start).starts_with("xref\n0 8\n"));
        for (i, line) in text(start).lines().skip(3).take(7).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(doc[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
    }
}
