//! The headers that name a served file: whether a browser may show it in
//! place, and a file name safe to put in `Content-Disposition`.

use axum::http::HeaderValue;
use truce_core::kinds::evidence::EvidenceSubmit;

/// Media types a browser may show in place; anything else (HTML, SVG, XML,
/// scripts…) is offered as a download, so no uploaded file can run as a page
/// of this origin.
fn shown_inline(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/avif"
            | "application/pdf"
            | "text/plain"
    ) || essence.starts_with("video/")
        || essence.starts_with("audio/")
}

/// A file name safe to put in a header: the last path component, in ASCII
/// letters, digits and a few punctuation marks, no leading dots.
pub fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mapped: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .chars()
        .take(120)
        .collect();
    if trimmed.is_empty() {
        "evidence".into()
    } else {
        trimmed
    }
}

/// RFC 8187 encoding of a UTF-8 value (for `filename*`).
fn ext_value(value: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Content-Type` a blob is served with: the uploader's declared type
/// only where a browser may show it in place (`shown_inline`); anything
/// else is `application/octet-stream`. A declared `text/html` or
/// `text/javascript` would otherwise be a page or a script of this origin
/// (CSP allows scripts from `'self'`), whoever uploaded it; as bytes, with
/// `nosniff`, it can be neither.
pub(super) fn served_type(submit: &EvidenceSubmit) -> HeaderValue {
    let declared = submit.media_type.as_str();
    shown_inline(declared)
        .then(|| HeaderValue::from_str(declared).ok())
        .flatten()
        .unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

pub(super) fn disposition(submit: &EvidenceSubmit) -> Option<HeaderValue> {
    let how = if shown_inline(submit.media_type.as_str()) {
        "inline"
    } else {
        "attachment"
    };
    let Some(name) = &submit.filename else {
        return (how == "attachment").then_some(HeaderValue::from_static("attachment"));
    };
    let ascii = safe_filename(name.as_str());
    let original = name
        .as_str()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim_start_matches(['.', ' '])
        .trim_end();
    let mut value = format!("{how}; filename=\"{ascii}\"");
    if !original.is_empty() && original != ascii {
        value.push_str("; filename*=");
        value.push_str(&ext_value(original));
    }
    HeaderValue::from_str(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_made_safe_for_a_header() {
        assert_eq!(safe_filename("barmal-debris.png"), "barmal-debris.png");
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("a\"b;c.pdf"), "a_b_c.pdf");
        assert_eq!(safe_filename("..."), "evidence");
        assert_eq!(safe_filename("دلیل.png"), "____.png");
        assert_eq!(ext_value("é a.png"), "UTF-8''%C3%A9%20a.png");
        assert!(shown_inline("image/png"));
        assert!(shown_inline("video/mp4"));
        assert!(!shown_inline("text/html"));
        assert!(!shown_inline("image/svg+xml"));
    }
}
