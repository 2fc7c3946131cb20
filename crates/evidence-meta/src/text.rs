//! Texts a file carries (EXIF fields, a manifest's names) are kept only as
//! short printable strings: they are shown to people and are the file's
//! author's to choose.

/// Characters kept of a text.
const TEXT_CHARS: usize = 120;

/// `raw` without control characters, bounded and trimmed; `None` if nothing is left.
pub fn printable(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(TEXT_CHARS)
        .collect();
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}
