//! Passphrase-protected key files (`truce-encrypted-key-v1`): written by
//! `truce keygen` and `truce encrypt-key`, read by every command that reads a
//! key, refused — with a reason, quickly, and changing nothing — when the
//! passphrase is wrong, the file altered or its parameters hostile.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "olive branch at dawn";

/// `truce` with `TRUCE_KEY_PASSPHRASE` set only when `env` names it.
fn truce_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_truce"));
    command.args(args).env_remove("TRUCE_KEY_PASSPHRASE");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the truce binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "unexpectedly succeeded");
    stderr(out)
}

/// A copy of `member`'s plain example key sealed under [`PASSPHRASE`].
fn encrypted_copy(ex: &Example, member: &str) -> PathBuf {
    let plain = ex.keys.join(format!("{member}.key"));
    let out = ex.keys.join(format!("{member}.enc.key"));
    succeeded(&truce_env(
        &[
            "encrypt-key",
            "--key",
            p(&plain),
            "--out",
            p(&out),
            "--passphrase-env",
            "PASS",
        ],
        &[("PASS", PASSPHRASE)],
    ));
    out
}

fn submit_with(ex: &Example, key: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let record = ex.dir.with_extension("record.json");
    std::fs::write(
        &record,
        serde_json::to_vec(&incident_template("party-b")).unwrap(),
    )
    .unwrap();
    let mut args = vec!["submit", "--dir", p(&ex.dir), "--key", p(key)];
    args.extend_from_slice(extra);
    args.push(p(&record));
    truce_env(&args, env)
}

fn records(ex: &Example) -> usize {
    ok(&["export", "--dir", p(&ex.dir)]).lines().count()
}

#[test]
fn keygen_with_a_passphrase_writes_a_sealed_versioned_file() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, format!("{PASSPHRASE}\n")).unwrap();
    let key = tmp.path().join("pk-ops.key");
    let vkey = succeeded(&truce_env(
        &["keygen", "--out", p(&key), "--passphrase-file", p(&pass)],
        &[],
    ));
    assert!(vkey.starts_with("pk-ops+"), "{vkey}");
    let text = std::fs::read_to_string(&key).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("truce-encrypted-key-v1"));
    let sealed: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        (&sealed["log_n"], &sealed["r"], &sealed["p"]),
        (&17.into(), &8.into(), &1.into())
    );
    assert!(!text.contains("PRIVATE"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // An empty passphrase protects nothing: refused, and no file written.
    let empty = tmp.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let out = truce_env(
        &[
            "keygen",
            "--out",
            p(&tmp.path().join("x.key")),
            "--passphrase-file",
            p(&empty),
        ],
        &[],
    );
    assert!(failed(&out).contains("empty passphrase"));
    assert!(!tmp.path().join("x.key").exists());
}

#[test]
fn encrypted_keys_sign_a_charter_and_a_record_like_plain_ones() {
    let ex = example_charter();
    let a_head = encrypted_copy(&ex, "a-head");
    let liaison = encrypted_copy(&ex, "a-liaison");
    // One command may mix plain and encrypted keys; the passphrase opens
    // every encrypted one. From a file here, from the environment below.
    let pass = ex.keys.join("pass");
    std::fs::write(&pass, PASSPHRASE).unwrap();
    let charter = ex.keys.with_file_name("charter.json");
    succeeded(&truce_env(
        &[
            "init",
            "--dir",
            p(&ex.dir),
            "--charter",
            p(&charter),
            "--log-key",
            p(&ex.keys.join("log.key")),
            "--key",
            p(&a_head),
            "--key",
            p(&ex.keys.join("b-head.key")),
            "--key",
            p(&ex.keys.join("c-mediator.key")),
            "--passphrase-file",
            p(&pass),
        ],
        &[],
    ));
    let receipt = succeeded(&submit_with(
        &ex,
        &liaison,
        &[],
        &[("TRUCE_KEY_PASSPHRASE", PASSPHRASE)],
    ));
    assert!(receipt.contains("\"index\":1"), "{receipt}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&["show", "--dir", p(&ex.dir), "--index", "1"])).unwrap();
    assert_eq!(shown["record"]["envelope"]["author"], "a-liaison");
    // The plain key still works, and the log verifies.
    succeeded(&submit_with(&ex, &ex.keys.join("a-liaison.key"), &[], &[]));
    ok(&["verify", "--dir", p(&ex.dir)]);
    assert_eq!(records(&ex), 3);
}

#[test]
fn an_encrypted_key_without_its_passphrase_is_refused_with_the_reason() {
    let ex = example_mechanism();
    let key = encrypted_copy(&ex, "a-liaison");
    let wrong = ex.keys.join("wrong");
    std::fs::write(&wrong, "olive branch at dusk\n").unwrap();

    let missing = failed(&submit_with(&ex, &key, &[], &[]));
    assert!(
        missing.contains("passphrase-protected") && missing.contains("TRUCE_KEY_PASSPHRASE"),
        "{missing}"
    );
    for out in [
        submit_with(&ex, &key, &["--passphrase-file", p(&wrong)], &[]),
        submit_with(&ex, &key, &[], &[("TRUCE_KEY_PASSPHRASE", "olive branch")]),
    ] {
        let reason = failed(&out);
        assert!(
            reason.contains("the passphrase does not open this key file"),
            "{reason}"
        );
        assert!(!reason.contains("panicked"), "{reason}");
    }
    assert_eq!(records(&ex), 1, "nothing was appended");
}

/// The file with its JSON line changed by `change`.
fn altered(key: &Path, name: &str, change: impl Fn(&mut serde_json::Value)) -> PathBuf {
    let text = std::fs::read_to_string(key).unwrap();
    let (magic, json) = text.split_once('\n').unwrap();
    let mut sealed: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    change(&mut sealed);
    let out = key.with_file_name(format!("{name}.key"));
    std::fs::write(&out, format!("{magic}\n{sealed}\n")).unwrap();
    out
}

fn flip_base64(field: &mut serde_json::Value, byte: usize) {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let mut bytes = STANDARD.decode(field.as_str().unwrap()).unwrap();
    bytes[byte] ^= 1;
    *field = STANDARD.encode(bytes).into();
}

#[test]
fn an_altered_key_file_is_refused() {
    let ex = example_mechanism();
    let key = encrypted_copy(&ex, "a-liaison");
    let env = [("TRUCE_KEY_PASSPHRASE", PASSPHRASE)];
    let cases = [
        altered(&key, "ciphertext", |s| flip_base64(&mut s["ciphertext"], 3)),
        altered(&key, "tag", |s| {
            let n = s["ciphertext"].as_str().unwrap().len() * 3 / 4 - 4;
            flip_base64(&mut s["ciphertext"], n);
        }),
        altered(&key, "nonce", |s| flip_base64(&mut s["nonce"], 0)),
        altered(&key, "salt", |s| flip_base64(&mut s["salt"], 15)),
        altered(&key, "log_n", |s| s["log_n"] = 16.into()),
    ];
    for file in &cases {
        let reason = failed(&submit_with(&ex, file, &[], &env));
        assert!(
            reason.contains("the passphrase does not open this key file"),
            "{}: {reason}",
            file.display()
        );
    }
    // Malformed rather than altered: said so.
    let garbled = [
        (
            altered(&key, "extra", |s| s["kdf"] = "pbkdf2".into()),
            "JSON object",
        ),
        (
            altered(&key, "short-nonce", |s| s["nonce"] = "AAAA".into()),
            "nonce",
        ),
        (
            altered(&key, "not-base64", |s| s["salt"] = "%%%".into()),
            "base64",
        ),
    ];
    for (file, why) in &garbled {
        let reason = failed(&submit_with(&ex, file, &[], &env));
        assert!(reason.contains(why), "{why}: {reason}");
    }
    let truncated = key.with_file_name("truncated.key");
    std::fs::write(&truncated, "truce-encrypted-key-v1\n").unwrap();
    assert!(failed(&submit_with(&ex, &truncated, &[], &env)).contains("JSON object"));
    assert_eq!(records(&ex), 1, "nothing was appended");
}

#[test]
fn hostile_scrypt_parameters_are_refused_before_any_work() {
    let ex = example_mechanism();
    let key = encrypted_copy(&ex, "a-liaison");
    let env = [("TRUCE_KEY_PASSPHRASE", PASSPHRASE)];
    // 2^30 × 128 × 8 bytes would be a terabyte; p = 2^20 would take days;
    // r = 2^20 at N = 2^10, 128 GiB.
    let hostile = [
        altered(&key, "log-n-30", |s| s["log_n"] = 30.into()),
        altered(&key, "log-n-19", |s| s["log_n"] = 19.into()),
        altered(&key, "p", |s| s["p"] = (1 << 20).into()),
        altered(&key, "r", |s| {
            s["r"] = (1 << 20).into();
            s["log_n"] = 10.into();
        }),
        altered(&key, "zero", |s| s["r"] = 0.into()),
    ];
    for file in &hostile {
        let started = Instant::now();
        let reason = failed(&submit_with(&ex, file, &[], &env));
        assert!(
            reason.contains("beyond what truce accepts"),
            "{}: {reason}",
            file.display()
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // A huge file is not read whole.
    let huge = key.with_file_name("huge.key");
    let text = std::fs::read_to_string(&key).unwrap();
    std::fs::write(&huge, format!("{text}{}", " ".repeat(1 << 20))).unwrap();
    assert!(failed(&submit_with(&ex, &huge, &[], &env)).contains("too long"));
    assert_eq!(records(&ex), 1, "nothing was appended");
}
