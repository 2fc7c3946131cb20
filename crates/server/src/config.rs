//! The server's configuration: defaults, then a TOML file, then `TRUCE_*`
//! environment variables, then command-line flags. `truce serve
//! --print-config` shows the result.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// The mechanism's directory (store, log key, blobs).
    pub dir: Option<PathBuf>,
    /// A PostgreSQL URL; the SQLite file in `dir` when absent.
    pub database: Option<String>,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Log filter, in `tracing` env-filter syntax.
    pub log_level: String,
    /// Longest time a request may take.
    pub request_timeout_secs: u64,
    /// Largest JSON request body.
    pub body_limit_bytes: usize,
    /// Requests a member (or, signed out, an address) may make per minute.
    pub rate_limit_per_minute: u32,
    /// Reads of lists, views, cases and proofs a member (or, signed out, an
    /// address) may have in flight at once.
    pub reads_in_flight: u32,
    /// Demo mode: demo members may sign in from a browser without typing keys.
    pub demo: bool,
    /// Serve HTTPS with this certificate chain (PEM), for a field server
    /// without a proxy in front; `tls_key` must be given too.
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM: PKCS #8, PKCS #1 or SEC1).
    pub tls_key: Option<PathBuf>,
    /// Append the audit log (sign-ins, refusals, revocations; JSON lines) to this file.
    pub audit_log: Option<PathBuf>,
    /// Where the charter's witnesses run, by their policy name, for those
    /// the policy gives no URL (`[witness_urls]` in TOML, e.g.
    /// `pakistan = "https://witness.example.pk"`). Each new checkpoint is
    /// submitted to them in the background.
    pub witness_urls: std::collections::BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            dir: None,
            database: None,
            log_format: "text".into(),
            log_level: "info".into(),
            request_timeout_secs: 30,
            body_limit_bytes: 256 * 1024,
            rate_limit_per_minute: 1200,
            // A browser tab opens at most six connections to a host.
            reads_in_flight: 16,
            demo: false,
            tls_cert: None,
            tls_key: None,
            audit_log: None,
            witness_urls: std::collections::BTreeMap::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid configuration: {message}")]
    Parse { path: String, message: String },
    #[error("{name}={value:?} is not valid: {message}")]
    Env {
        name: String,
        value: String,
        message: String,
    },
}

impl Config {
    /// The limits a server built from this configuration holds every caller
    /// to (`truce serve`, and a mirror's read-only server alike).
    pub fn limits(&self) -> crate::state::Limits {
        crate::state::Limits {
            body_bytes: self.body_limit_bytes,
            request_timeout_secs: self.request_timeout_secs,
            rate_per_minute: self.rate_limit_per_minute,
            reads_in_flight: self.reads_in_flight,
        }
    }

    /// Defaults, then the TOML file (if given), then the environment.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        Ok(config)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn number<T: std::str::FromStr>(name: &str, value: String) -> Result<T, ConfigError> {
            value.parse().map_err(|_| ConfigError::Env {
                name: name.into(),
                value,
                message: "expected a whole number".into(),
            })
        }
        if let Some(v) = env("TRUCE_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = env("TRUCE_DIR") {
            self.dir = Some(v.into());
        }
        if let Some(v) = env("TRUCE_DATABASE") {
            self.database = Some(v);
        }
        if let Some(v) = env("TRUCE_LOG_FORMAT") {
            if v != "text" && v != "json" {
                return Err(ConfigError::Env {
                    name: "TRUCE_LOG_FORMAT".into(),
                    value: v,
                    message: "expected text or json".into(),
                });
            }
            self.log_format = v;
        }
        if let Some(v) = env("TRUCE_LOG_LEVEL") {
            self.log_level = v;
        }
        if let Some(v) = env("TRUCE_REQUEST_TIMEOUT_SECS") {
            self.request_timeout_secs = number("TRUCE_REQUEST_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = env("TRUCE_BODY_LIMIT_BYTES") {
            self.body_limit_bytes = number("TRUCE_BODY_LIMIT_BYTES", v)?;
        }
        if let Some(v) = env("TRUCE_TLS_CERT") {
            self.tls_cert = Some(v.into());
        }
        if let Some(v) = env("TRUCE_TLS_KEY") {
            self.tls_key = Some(v.into());
        }
        if let Some(v) = env("TRUCE_AUDIT_LOG") {
            self.audit_log = Some(v.into());
        }
        if let Some(v) = env("TRUCE_READS_IN_FLIGHT") {
            self.reads_in_flight = number("TRUCE_READS_IN_FLIGHT", v)?;
        }
        if let Some(v) = env("TRUCE_RATE_LIMIT_PER_MINUTE") {
            self.rate_limit_per_minute = number("TRUCE_RATE_LIMIT_PER_MINUTE", v)?;
        }
        Ok(())
    }

    /// The configuration as TOML, for `--print-config`: with the database
    /// password replaced by `********`, since what is printed ends up in
    /// terminals, tickets and logs.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let shown = Config {
            database: self.database.as_deref().map(without_password),
            ..self.clone()
        };
        toml::to_string_pretty(&shown)
    }
}

const HIDDEN: &str = "********";

/// A PostgreSQL connection string with its password hidden, in either form
/// libpq reads: a URL (`postgres://user:secret@host/db`, or `?password=`)
/// or keywords (`host=db password=secret`, the value perhaps quoted).
pub fn without_password(database: &str) -> String {
    if let Some(scheme_end) = database.find("://") {
        let rest = &database[scheme_end + 3..];
        // The user info ends at the last '@' before the path or query.
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let mut out = database[..scheme_end + 3].to_string();
        match rest[..authority_end].rfind('@') {
            Some(at) => {
                let user_info = &rest[..at];
                match user_info.find(':') {
                    Some(colon) => {
                        out.push_str(&user_info[..colon]);
                        out.push(':');
                        out.push_str(HIDDEN);
                    }
                    None => out.push_str(user_info),
                }
                out.push_str(&hide_query_password(&rest[at..]));
            }
            None => out.push_str(&hide_query_password(rest)),
        }
        return out;
    }
    hide_keyword_password(database)
}

/// `password=…` among a URL's query parameters.
fn hide_query_password(rest: &str) -> String {
    let Some(q) = rest.find('?') else {
        return rest.to_string();
    };
    let params: Vec<String> = rest[q + 1..]
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}={HIDDEN}"),
            _ => p.to_string(),
        })
        .collect();
    format!("{}?{}", &rest[..q], params.join("&"))
}

/// `password=…` in a keyword/value string, the value bare or single-quoted
/// (with `\'` and `\\` escapes inside quotes, as libpq reads them).
fn hide_keyword_password(database: &str) -> String {
    let mut out = String::with_capacity(database.len());
    let mut rest = database;
    while let Some(found) = find_keyword(rest, "password") {
        out.push_str(&rest[..found]);
        let after_key = &rest[found + "password".len()..];
        let trimmed = after_key.trim_start();
        let Some(value) = trimmed.strip_prefix('=') else {
            out.push_str(&rest[found..found + "password".len()]);
            rest = after_key;
            continue;
        };
        out.push_str("password=");
        out.push_str(HIDDEN);
        let value = value.trim_start();
        let end = if let Some(quoted) = value.strip_prefix('\'') {
            let mut escaped = false;
            let close = quoted.char_indices().find(|&(_, c)| {
                let closes = c == '\'' && !escaped;
                escaped = c == '\\' && !escaped;
                closes
            });
            close.map_or(value.len(), |(i, _)| i + 2)
        } else {
            value.find(char::is_whitespace).unwrap_or(value.len())
        };
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// Where `key` starts as a whole keyword (at the start or after whitespace).
fn find_keyword(s: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(key) {
        let at = from + i;
        if at == 0 || s[..at].ends_with(char::is_whitespace) {
            return Some(at);
        }
        from = at + key.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_configuration_hides_the_database_password() {
        for (given, shown) in [
            (
                "postgres://truce:s3cret@db.example:5432/truce",
                "postgres://truce:********@db.example:5432/truce",
            ),
            (
                "postgresql://truce:p@ss@word@db/truce?sslmode=require",
                "postgresql://truce:********@db/truce?sslmode=require",
            ),
            (
                "postgres://db/truce?user=truce&password=s3cret&sslmode=require",
                "postgres://db/truce?user=truce&password=********&sslmode=require",
            ),
            ("postgres://truce@db/truce", "postgres://truce@db/truce"),
            (
                "host=db user=truce password=s3cret dbname=truce",
                "host=db user=truce password=******** dbname=truce",
            ),
            (
                "host=db password = 'it\\'s secret' dbname=truce",
                "host=db password=******** dbname=truce",
            ),
            ("host=db mypassword=x", "host=db mypassword=x"),
        ] {
            assert_eq!(without_password(given), shown, "{given}");
        }
        let config = Config {
            database: Some("postgres://truce:s3cret@db/truce".into()),
            ..Config::default()
        };
        let printed = config.to_toml().unwrap();
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(
            printed.contains("postgres://truce:********@db/truce"),
            "{printed}"
        );
    }

    #[test]
    fn environment_overrides_the_file_and_bad_values_are_named() {
        let dir = std::env::temp_dir().join(format!("truce-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("truce.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nrate_limit_per_minute = 5\n",
        )
        .unwrap();
        let env = |name: &str| (name == "TRUCE_LISTEN").then(|| "127.0.0.1:7000".to_string());
        let config = Config::load(Some(&file), env).unwrap();
        assert_eq!(config.listen, "127.0.0.1:7000");
        assert_eq!(config.rate_limit_per_minute, 5);
        let bad = |name: &str| (name == "TRUCE_BODY_LIMIT_BYTES").then(|| "lots".to_string());
        let err = Config::load(None, bad).unwrap_err().to_string();
        assert!(err.contains("TRUCE_BODY_LIMIT_BYTES"), "{err}");
        std::fs::write(&file, "listen = 5\nunknown = true\n").unwrap();
        assert!(Config::load(Some(&file), |_| None).is_err());
        let round = Config::load(None, |_| None).unwrap();
        assert_eq!(
            toml::from_str::<Config>(&round.to_toml().unwrap()).unwrap(),
            round
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
