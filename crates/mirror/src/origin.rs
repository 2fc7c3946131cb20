//! The log's server, as the mirror reads it: only public, unauthenticated
//! endpoints any client has, so a party needs no account to keep its copy.

use std::time::Duration;
use truce_tlog::Hash;
use truce_tlog::tile::TilePath;

/// Why the log could not be read. Nothing here is an alarm: a server that
/// does not answer proves nothing; the mirror tries again.
#[derive(Debug, thiserror::Error)]
pub enum OriginError {
    #[error("{url}: {source}")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {why}")]
    Malformed { url: String, why: String },
}

impl OriginError {
    /// A 404: the server says it has no such thing.
    pub fn is_not_found(&self) -> bool {
        matches!(self, OriginError::Status { status: 404, .. })
    }
}

/// A Truce log's server, by its base URL.
#[derive(Clone, Debug)]
pub struct Origin {
    base: String,
    client: reqwest::Client,
}

/// An entry bundle may hold 256 entries of up to 64 KiB each.
const MAX_BUNDLE_BYTES: usize = 256 * (2 + 65_535);

impl Origin {
    pub fn new(base: &str) -> Result<Self, reqwest::Error> {
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn get(&self, path: &str) -> Result<reqwest::Response, OriginError> {
        let url = format!("{}{path}", self.base);
        let response =
            self.client
                .get(&url)
                .send()
                .await
                .map_err(|source| OriginError::Unreachable {
                    url: url.clone(),
                    source,
                })?;
        if !response.status().is_success() {
            return Err(OriginError::Status {
                url,
                status: response.status().as_u16(),
            });
        }
        Ok(response)
    }

    async fn bytes(&self, path: &str, limit: usize) -> Result<Vec<u8>, OriginError> {
        let url = format!("{}{path}", self.base);
        let mut response = self.get(path).await?;
        let mut body = Vec::new();
        while let Some(chunk) =
            response
                .chunk()
                .await
                .map_err(|source| OriginError::Unreachable {
                    url: url.clone(),
                    source,
                })?
        {
            if body.len() + chunk.len() > limit {
                return Err(OriginError::Malformed {
                    url,
                    why: format!("the answer is longer than {limit} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn text(&self, path: &str) -> Result<String, OriginError> {
        let body = self.bytes(path, 1 << 20).await?;
        String::from_utf8(body).map_err(|_| OriginError::Malformed {
            url: format!("{}{path}", self.base),
            why: "not UTF-8".into(),
        })
    }

    /// Any text the server at this base answers at `path` (a witness's
    /// monitoring endpoint, say).
    pub async fn text_at(&self, path: &str) -> Result<String, OriginError> {
        self.text(path).await
    }

    /// The checkpoint the log serves: its latest witnessed one, with the
    /// witnesses' cosignatures.
    pub async fn checkpoint(&self) -> Result<String, OriginError> {
        self.text("/checkpoint").await
    }

    /// The largest checkpoint the log signed at `at_most` records or fewer,
    /// with whatever cosignatures it keeps for it.
    pub async fn checkpoint_at_most(&self, at_most: u64) -> Result<String, OriginError> {
        let path = format!("/api/v1/checkpoints?at_most={at_most}");
        let body = self.text(&path).await?;
        let malformed = |why: String| OriginError::Malformed {
            url: format!("{}{path}", self.base),
            why,
        };
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| malformed(e.to_string()))?;
        value
            .get("note")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| malformed("no note in the answer".into()))
    }

    /// The log's consistency proof from `from` to `to` records.
    pub async fn consistency(&self, from: u64, to: u64) -> Result<Vec<Hash>, OriginError> {
        let path = format!("/api/v1/proof/consistency?from={from}&to={to}");
        let body = self.text(&path).await?;
        let malformed = |why: String| OriginError::Malformed {
            url: format!("{}{path}", self.base),
            why,
        };
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| malformed(e.to_string()))?;
        serde_json::from_value(value.get("proof").cloned().unwrap_or_default())
            .map_err(|e| malformed(e.to_string()))
    }

    /// The entries `[start, end)` of the tree of `size` records, from the
    /// entry bundles that hold them (c2sp.org/tlog-tiles): each bundle is
    /// asked for at the width the tree of `size` gives it, so the log
    /// answers the same bytes whatever it has appended since.
    pub async fn entries(
        &self,
        start: u64,
        end: u64,
        size: u64,
    ) -> Result<Vec<Vec<u8>>, OriginError> {
        let mut entries = Vec::new();
        let mut next = start;
        while next < end {
            let tile_index = next / 256;
            let tile_start = tile_index * 256;
            let width = (size - tile_start).min(256);
            let tile = TilePath {
                level: None,
                index: tile_index,
                // `width` is 1..=256 here, since tile_start < end <= size.
                width: u8::try_from(width).ok(),
            };
            let path = format!("/tile/{}", tile.path());
            let body = self.bytes(&path, MAX_BUNDLE_BYTES).await?;
            let bundle = split_bundle(&body).map_err(|why| OriginError::Malformed {
                url: format!("{}{path}", self.base),
                why,
            })?;
            if bundle.len() as u64 != width {
                return Err(OriginError::Malformed {
                    url: format!("{}{path}", self.base),
                    why: format!("holds {} entries, not {width}", bundle.len()),
                });
            }
            let from = usize::try_from(next - tile_start).unwrap_or(usize::MAX);
            let to = usize::try_from(end.min(tile_start + width) - tile_start).unwrap_or(0);
            entries.extend(bundle.into_iter().take(to).skip(from));
            next = tile_start + width;
        }
        Ok(entries)
    }
}

/// An entry bundle's entries, each behind its 16-bit big-endian length.
pub fn split_bundle(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut entries = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or("ends inside an entry's length")?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err("ends inside an entry".into());
        }
        let (entry, tail) = tail.split_at(len);
        entries.push(entry.to_vec());
        rest = tail;
    }
    Ok(entries)
}
