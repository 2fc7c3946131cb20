//! # truce-web
//!
//! Every file the browser needs, compiled into the binary so that a server
//! started from a fresh clone serves them with no network and no build step:
//! `static/` as it is in the repository. Third-party code sits under
//! `static/vendor/`, each package with its licence and provenance.

use include_dir::{Dir, include_dir};
use std::sync::OnceLock;

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// This build of `static/` (a digest of its files, from `build.rs`). The
/// page names its scripts and styles under `/assets/v/<VERSION>/`, so every
/// module it runs comes from one build; another build's path is not found.
pub const VERSION: &str = env!("TRUCE_WEB_VERSION");

/// One embedded file.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

/// The file at `path` (relative, with `/` separators), if it is embedded:
/// under `v/<VERSION>/` or plainly (the API viewer, scripts).
pub fn asset(path: &str) -> Option<Asset> {
    let path = match path.strip_prefix("v/") {
        Some(versioned) => versioned.strip_prefix(VERSION)?.strip_prefix('/')?,
        None => path,
    };
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return None;
    }
    let file = STATIC.get_file(path)?;
    let bytes = if path == "index.html" {
        versioned_page(file.contents())
    } else {
        file.contents()
    };
    Some(Asset {
        bytes,
        content_type: content_type(path),
    })
}

/// The page, loading everything under this build's `/assets/v/<VERSION>/`.
fn versioned_page(page: &'static [u8]) -> &'static [u8] {
    static PAGE: OnceLock<Vec<u8>> = OnceLock::new();
    PAGE.get_or_init(|| {
        String::from_utf8_lossy(page)
            .replace("\"/assets/", &format!("\"/assets/v/{VERSION}/"))
            .into_bytes()
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
    fn the_page_loads_this_build_and_no_other() {
        let page = String::from_utf8(asset("index.html").unwrap().bytes.to_vec()).unwrap();
        let main = format!("src=\"/assets/v/{VERSION}/app/main.js\"");
        assert!(page.contains(&main), "{page}");
        assert!(!page.contains("\"/assets/app/"), "{page}");
        let versioned = asset(&format!("v/{VERSION}/app/main.js")).unwrap();
        assert_eq!(versioned.bytes, asset("app/main.js").unwrap().bytes);
        assert!(asset("v/0000000000000000/app/main.js").is_none());
        assert!(asset(&format!("v/{VERSION}")).is_none());
    }

    #[test]
    fn paths_that_climb_or_are_missing_are_refused() {
        assert!(asset("../Cargo.toml").is_none());
        assert!(asset("vendor//swagger-ui/swagger-ui.css").is_none());
        assert!(asset("no-such-file.js").is_none());
    }
}
