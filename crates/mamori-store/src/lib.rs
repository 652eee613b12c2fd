//! Schema, migrations and one repository per register over SQLite or PostgreSQL; permission checks
//! and the audit trail live here, where records are read and written, so no route can forget them.

pub(crate) mod areas;
pub mod assets;
pub mod attempts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod chart;
pub mod checklist;
pub mod checkpoint;
pub(crate) mod continuity;
pub mod db;
pub mod error;
pub mod events;
pub mod integrity;
pub mod invitations;
pub mod mail;
pub mod members;
pub(crate) mod objectives;
pub mod operations;
pub mod org;
pub mod overdue;
pub mod people;
pub mod plan;
pub mod records;
pub mod reports;
pub(crate) mod requirements;
pub mod resets;
pub(crate) mod risk;
pub mod schema;
pub mod search;
/// Fresh databases for tests (feature `testing`, which only tests switch on).
#[cfg(feature = "testing")]
pub mod testing;
pub mod training;

pub use audit::Actor;
pub use auth::{Policy, User};
pub use db::{Backend, Pool};
pub use error::{Contention, StoreError};
pub use org::{Access, Founder, NewOrganization, Organization};
pub use records::{Input, ListQuery, Page, Record, Status};

#[derive(Clone, Debug)]
pub struct Store {
    /// The database, reached only through the store's own methods (and, for tests that tamper
    /// with it, `pool()` under the `testing` feature).
    pool: Pool,
    pub policy: Policy,
    /// The key that signs the audit trail's checkpoints, if the settings name one.
    pub audit_key: Option<std::sync::Arc<checkpoint::AuditKey>>,
}

impl Store {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str, policy: Policy) -> Result<Store, StoreError> {
        let pool = Pool::connect(url).await?;
        schema::migrate(&pool).await?;
        Ok(Store {
            pool,
            policy,
            audit_key: None,
        })
    }

    /// Refreshes the planner's statistics after a bulk load: without them PostgreSQL sorts a whole
    /// register for every page instead of walking its index.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        self.pool.execute("ANALYZE", &[]).await.map(|_| ())
    }

    /// The database behind the store.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// The raw database, for tests that tamper with it or look underneath the store.
    #[cfg(feature = "testing")]
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The audit trail's head as the database holds it now.
    pub async fn audit_head(&self) -> Result<audit::AuditHead, StoreError> {
        audit::head(&self.pool).await
    }

    /// Walks the whole audit trail and reports the first entry that does not hold.
    pub async fn verify_audit(
        &self,
        progress: &(dyn Fn(i64, i64) + Sync),
    ) -> Result<audit::Verification, StoreError> {
        audit::verify(&self.pool, progress).await
    }

    /// Checks the audit trail, its checkpoints and the kept totals (`integrity::verify`).
    pub async fn verify_integrity(
        &self,
        kept: Option<&checkpoint::Checkpoint>,
        trusted_key: Option<&str>,
        progress: &(dyn Fn(&str, u64, u64) + Sync),
    ) -> Result<integrity::Findings, StoreError> {
        integrity::verify(&self.pool, kept, trusted_key, progress).await
    }

    /// The database answers a query (for `/readyz`).
    pub async fn ready(&self) -> bool {
        self.pool.fetch_one("SELECT 1", &[]).await.is_ok()
    }
}
