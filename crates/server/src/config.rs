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

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(toml::from_str::<Config>(&round.to_toml()).unwrap(), round);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
