//! Signed checkpoints of the audit trail's head (its seq, which is also its length, and its hash),
//! made with an Ed25519 key kept in a file outside the database: whoever can write the database
//! cannot sign, so a trail cut short or rewritten behind a checkpoint no longer matches it.

use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::db::{P, Pool, Row, Tx};
use crate::error::StoreError;

/// What an exported checkpoint file says it is.
pub const FORMAT: &str = "mamori-audit-checkpoint";

/// The signing key, read from its file. Its secret half never reaches the database or a log.
pub struct AuditKey {
    key: SigningKey,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.public_key())
    }
}

impl AuditKey {
    /// Reads a key file: the 32-byte secret as 64 hex digits (`mamori audit keygen` writes one).
    pub fn load(path: &Path) -> Result<AuditKey, StoreError> {
        let bad =
            |what: String| StoreError::Config(format!("audit key {}: {what}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("not 64 hex digits".into()))?;
        Ok(AuditKey {
            key: SigningKey::from_bytes(&bytes),
        })
    }

    /// Makes a new key and writes it to `path`, which must not exist (readable by its owner only).
    pub fn create(path: &Path) -> Result<AuditKey, StoreError> {
        use std::io::Write;
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let bad =
            |e: std::io::Error| StoreError::Config(format!("audit key {}: {e}", path.display()));
        let mut file = options.open(path).map_err(bad)?;
        file.write_all(format!("{}\n", hex::encode(secret)).as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(bad)?;
        Ok(AuditKey {
            key: SigningKey::from_bytes(&secret),
        })
    }

    /// The public key, as 64 hex digits: what an auditor compares.
    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }
}

/// A signed statement that the trail had `seq` entries, the last with `hash`, at `at`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: String,
    /// Why it was made: `periodic`, `publication` or `cli`.
    pub kind: String,
    pub public_key: String,
    pub signature: String,
}

/// The bytes signed: every field but the signature, in a fixed layout.
fn message(seq: i64, hash: &str, at: &str, kind: &str) -> Vec<u8> {
    format!("{FORMAT}/1\nseq {seq}\nhash {hash}\nat {at}\nkind {kind}\n").into_bytes()
}

impl Checkpoint {
    /// True when the signature is valid for the checkpoint's own public key.
    pub fn signature_holds(&self) -> bool {
        let key = hex::decode(&self.public_key)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok());
        let signature = hex::decode(&self.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b));
        match (key, signature) {
            (Some(key), Some(signature)) => key
                .verify(
                    &message(self.seq, &self.hash, &self.at, &self.kind),
                    &signature,
                )
                .is_ok(),
            _ => false,
        }
    }

    /// The file an auditor keeps: the checkpoint with its format named.
    pub fn export(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "format": FORMAT });
        if let (Some(map), Ok(serde_json::Value::Object(fields))) =
            (v.as_object_mut(), serde_json::to_value(self))
        {
            map.extend(fields);
        }
        v
    }

    /// Reads a kept checkpoint file.
    pub fn import(text: &str) -> Result<Checkpoint, StoreError> {
        let v: serde_json::Value = serde_json::from_str(text)?;
        if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(StoreError::Data(format!("not a {FORMAT} file")));
        }
        Ok(serde_json::from_value(v)?)
    }
}

const COLUMNS: &str = "seq, hash, at, kind, public_key, signature";

fn from_row(r: &Row) -> Result<Checkpoint, StoreError> {
    Ok(Checkpoint {
        seq: r.i64(0)?,
        hash: r.text(1)?,
        at: r.text(2)?,
        kind: r.text(3)?,
        public_key: r.text(4)?,
        signature: r.text(5)?,
    })
}

/// Signs the current head in the caller's transaction, unless the key's latest checkpoint already
/// holds it. Touching the head row first takes the write lock on both backends, so the head cannot
/// move while it is signed.
pub async fn make_in(tx: &mut Tx, key: &AuditKey, kind: &str) -> Result<Checkpoint, StoreError> {
    let head = tx
        .fetch_one(
            "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
            &[],
        )
        .await?;
    let (seq, hash) = (head.i64(0)?, head.text(1)?);
    let public_key = key.public_key();
    let latest = tx
        .fetch_optional(
            &format!(
                "SELECT {COLUMNS} FROM audit_checkpoints WHERE public_key = $1 ORDER BY id DESC LIMIT 1"
            ),
            &[P::Text(public_key.clone())],
        )
        .await?;
    if let Some(latest) = latest.as_ref().map(from_row).transpose()?
        && latest.seq == seq
        && latest.hash == hash
    {
        return Ok(latest);
    }
    let at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .map_err(|e| StoreError::Data(e.to_string()))?;
    let signature = hex::encode(key.key.sign(&message(seq, &hash, &at, kind)).to_bytes());
    let checkpoint = Checkpoint {
        seq,
        hash,
        at,
        kind: kind.to_string(),
        public_key,
        signature,
    };
    tx.execute(
        "INSERT INTO audit_checkpoints (seq, hash, at, kind, public_key, signature) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            P::Int(checkpoint.seq),
            P::Text(checkpoint.hash.clone()),
            P::Text(checkpoint.at.clone()),
            P::Text(checkpoint.kind.clone()),
            P::Text(checkpoint.public_key.clone()),
            P::Text(checkpoint.signature.clone()),
        ],
    )
    .await?;
    Ok(checkpoint)
}

/// Every stored checkpoint, oldest first.
pub async fn all(pool: &Pool) -> Result<Vec<Checkpoint>, StoreError> {
    pool.fetch_all(
        &format!("SELECT {COLUMNS} FROM audit_checkpoints ORDER BY id"),
        &[],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The newest stored checkpoint, if any.
pub async fn latest(pool: &Pool) -> Result<Option<Checkpoint>, StoreError> {
    pool.fetch_optional(
        &format!("SELECT {COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1"),
        &[],
    )
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

impl crate::Store {
    /// The same store, signing checkpoints with `key` (periodically, at report publication, on
    /// request).
    pub fn with_audit_key(mut self, key: std::sync::Arc<AuditKey>) -> crate::Store {
        self.audit_key = Some(key);
        self
    }

    /// Signs the current head now (or returns the key's latest checkpoint if the head has not
    /// moved since). `None` without a key.
    pub async fn audit_checkpoint(&self, kind: &str) -> Result<Option<Checkpoint>, StoreError> {
        let Some(key) = self.audit_key.clone() else {
            return Ok(None);
        };
        let mut tx = self.pool.begin().await?;
        let checkpoint = make_in(&mut tx, &key, kind).await?;
        tx.commit().await?;
        Ok(Some(checkpoint))
    }
}
