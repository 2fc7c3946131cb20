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

/// The service worker, served at `/sw.js` (its scope must cover `/`): the
/// script in `static/sw.js` after two lines naming this build and the files
/// of the application shell it keeps for use without a connection. Another
/// build's worker differs in its first line, so the browser installs it and
/// drops the old build's caches.
pub fn service_worker() -> Asset {
    static WORKER: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = WORKER.get_or_init(|| {
        let shell: Vec<String> = shell()
            .map(|path| format!("\"/assets/v/{VERSION}/{path}\""))
            .collect();
        let script = STATIC
            .get_file("sw.js")
            .map(|f| String::from_utf8_lossy(f.contents()).into_owned())
            .unwrap_or_default();
        format!(
            "const VERSION = \"{VERSION}\";\nconst SHELL = [\"/\", {}];\n{script}",
            shell.join(", ")
        )
        .into_bytes()
    });
    Asset {
        bytes,
        content_type: "text/javascript; charset=utf-8",
    }
}

/// What the web UI loads: its modules, styles, catalogs, icons, map data and
/// vendored libraries — not the API viewer, nor licences and notes. Paths
/// are plain (letters, digits, `._-/`), so they need no quoting in a script.
pub fn shell() -> impl Iterator<Item = &'static str> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static str>) {
        for file in dir.files() {
            if let Some(path) = file.path().to_str() {
                out.push(path);
            }
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut files = Vec::new();
    for top in ["app", "data", "vendor"] {
        if let Some(dir) = STATIC.get_dir(top) {
            walk(dir, &mut files);
        }
    }
    files.sort_unstable();
    files.into_iter().filter(|path| {
        let loaded = matches!(
            path.rsplit_once('.').map(|(_, ext)| ext),
            Some("js" | "css" | "json" | "geojson" | "svg" | "png" | "woff2")
        );
        let plain = path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
        loaded && plain && !path.starts_with("vendor/swagger-ui/")
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
    fn the_service_worker_keeps_this_builds_shell_and_nothing_else() {
        let worker = String::from_utf8(service_worker().bytes.to_vec()).unwrap();
        assert!(worker.starts_with(&format!("const VERSION = \"{VERSION}\";")));
        for needed in [
            "app/main.js",
            "app/i18n/ar.json",
            "data/region.geojson",
            "vendor/leaflet/leaflet.js",
            "vendor/leaflet/images/layers.png",
        ] {
            assert!(
                worker.contains(&format!("\"/assets/v/{VERSION}/{needed}\"")),
                "{needed}"
            );
        }
        assert!(!worker.contains("swagger-ui") && !worker.contains("PROVENANCE"));
        for path in shell() {
            assert!(asset(&format!("v/{VERSION}/{path}")).is_some(), "{path}");
        }
    }

    #[test]
    fn paths_that_climb_or_are_missing_are_refused() {
        assert!(asset("../Cargo.toml").is_none());
        assert!(asset("vendor//swagger-ui/swagger-ui.css").is_none());
        assert!(asset("no-such-file.js").is_none());
    }
}
