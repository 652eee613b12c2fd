//! Schema, migrations and one repository per register over SQLite or PostgreSQL; permission checks
//! and the audit trail live here, where records are read and written, so no route can forget them.

pub(crate) mod areas;
pub mod attempts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod chart;
pub mod checkpoint;
pub(crate) mod continuity;
pub mod db;
pub(crate) mod derived;
pub mod error;
pub mod events;
pub mod integrity;
pub(crate) mod objectives;
pub mod operations;
pub mod org;
pub mod overdue;
pub mod people;
pub mod records;
pub mod reports;
pub mod schema;
/// Fresh databases for tests (feature `testing`, which only tests switch on).
#[cfg(feature = "testing")]
pub mod testing;
pub mod training;

pub use audit::Actor;
pub use auth::{Policy, User};
pub use db::{Backend, Pool};
pub use error::{Contention, StoreError};
pub use org::{Access, Organization};
pub use records::{Input, ListQuery, Page, Record, Status};

#[derive(Clone, Debug)]
pub struct Store {
    pub pool: Pool,
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

    /// The database answers a query (for `/readyz`).
    pub async fn ready(&self) -> bool {
        self.pool.fetch_one("SELECT 1", &[]).await.is_ok()
    }
}
