//! Settings in one place. Precedence, highest first: command-line flags, `MAMORI_*` environment
//! variables, the `mamori.toml` file (or the one `--config` names), then built-in defaults.

use clap::Args;
use mamori_store::Policy;
use serde::Deserialize;

#[derive(Args, Clone, Debug)]
pub struct SharedArgs {
    /// Database: sqlite://FILE (created if missing) or postgres://… [default: sqlite://mamori.db]
    #[arg(long, global = true, env = "MAMORI_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Settings file [default: mamori.toml, if present]
    #[arg(long, global = true, env = "MAMORI_CONFIG")]
    pub config: Option<std::path::PathBuf>,
}

/// The optional settings file; every key may be left out.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub secure_cookies: Option<bool>,
    pub lockout_threshold: Option<i64>,
    pub lockout_minutes: Option<i64>,
    pub password_min_length: Option<usize>,
    pub password_max_age_days: Option<i64>,
    pub session_hours: Option<i64>,
    pub token_days: Option<i64>,
    pub public_url: Option<String>,
    pub audit_key_file: Option<std::path::PathBuf>,
    pub audit_checkpoint_minutes: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: Option<String>,
    pub secure_cookies: bool,
    pub public_url: Option<String>,
    pub policy: Policy,
    /// The key file that signs the audit trail's checkpoints (kept outside the database).
    pub audit_key_file: Option<std::path::PathBuf>,
    /// How often `serve` signs the trail's head when it has moved (0: never).
    pub audit_checkpoint_minutes: u64,
}

fn env<T: std::str::FromStr>(name: &str) -> Result<Option<T>, String> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("{name} has an invalid value: {v}")),
        Err(_) => Ok(None),
    }
}

impl Settings {
    pub fn load(args: &SharedArgs) -> Result<Settings, String> {
        let path = args.config.clone().unwrap_or_else(|| "mamori.toml".into());
        let file: FileSettings = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?,
            Err(_) if args.config.is_none() => FileSettings::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let d = Policy::default();
        let policy = Policy {
            lockout_threshold: env("MAMORI_LOCKOUT_THRESHOLD")?
                .or(file.lockout_threshold)
                .unwrap_or(d.lockout_threshold)
                .max(1),
            lockout_minutes: env("MAMORI_LOCKOUT_MINUTES")?
                .or(file.lockout_minutes)
                .unwrap_or(d.lockout_minutes)
                .max(0),
            password_min_length: env("MAMORI_PASSWORD_MIN_LENGTH")?
                .or(file.password_min_length)
                .unwrap_or(d.password_min_length)
                .max(8),
            password_max_age_days: env("MAMORI_PASSWORD_MAX_AGE_DAYS")?
                .or(file.password_max_age_days)
                .unwrap_or(d.password_max_age_days)
                .max(0),
            session_hours: env("MAMORI_SESSION_HOURS")?
                .or(file.session_hours)
                .unwrap_or(d.session_hours)
                .max(1),
            token_days: env("MAMORI_TOKEN_DAYS")?
                .or(file.token_days)
                .unwrap_or(d.token_days)
                .clamp(1, 3650),
        };
        Ok(Settings {
            database_url: args
                .database_url
                .clone()
                .or(file.database_url)
                .unwrap_or_else(|| "sqlite://mamori.db".into()),
            bind: file.bind,
            secure_cookies: env("MAMORI_SECURE_COOKIES")?
                .or(file.secure_cookies)
                .unwrap_or(false),
            public_url: std::env::var("MAMORI_PUBLIC_URL")
                .ok()
                .or(file.public_url)
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            policy,
            audit_key_file: std::env::var_os("MAMORI_AUDIT_KEY_FILE")
                .map(std::path::PathBuf::from)
                .or(file.audit_key_file)
                .filter(|p| !p.as_os_str().is_empty()),
            audit_checkpoint_minutes: env("MAMORI_AUDIT_CHECKPOINT_MINUTES")?
                .or(file.audit_checkpoint_minutes)
                .unwrap_or(60),
        })
    }
}
