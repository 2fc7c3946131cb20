//! # truce-web
//!
//! Every file the browser needs, compiled into the binary so that a server
//! started from a fresh clone serves them with no network and no build step:
//! `static/` as it is in the repository. Third-party code sits under
//! `static/vendor/`, each package with its licence and provenance.

use include_dir::{Dir, include_dir};

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// One embedded file.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

/// The file at `path` (relative, with `/` separators), if it is embedded.
pub fn asset(path: &str) -> Option<Asset> {
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return None;
    }
    let file = STATIC.get_file(path)?;
    Some(Asset {
        bytes: file.contents(),
        content_type: content_type(path),
    })
}

/// The few types the UI ships; anything else is served as opaque bytes.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_are_found_with_their_type() {
        let css = asset("vendor/swagger-ui/swagger-ui.css").map(|a| a.content_type);
        assert_eq!(css, Some("text/css; charset=utf-8"));
        assert!(asset("api-docs/index.html").is_some());
    }

    #[test]
    fn paths_that_climb_or_are_missing_are_refused() {
        assert!(asset("../Cargo.toml").is_none());
        assert!(asset("vendor//swagger-ui/swagger-ui.css").is_none());
        assert!(asset("no-such-file.js").is_none());
    }
}
