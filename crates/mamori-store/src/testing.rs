//! Fresh databases for tests: a new SQLite file, or, when `MAMORI_TEST_DATABASE_URL` points at a
//! PostgreSQL server, a new database on it, so tests never share state and can run in parallel.

use crate::{Policy, Store, StoreError};

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new() -> Result<TestDb, StoreError> {
        match std::env::var("MAMORI_TEST_DATABASE_URL") {
            Ok(server) if server.starts_with("postgres") => Self::postgres(&server).await,
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> Result<TestDb, StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Config(e.to_string()))?;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Ok(TestDb {
            url,
            _dir: Some(dir),
        })
    }

    pub async fn postgres(server: &str) -> Result<TestDb, StoreError> {
        let name = format!("mamori_t_{}", &crate::auth::random_token()[..16]);
        let admin = crate::Pool::connect(server).await?;
        admin
            .execute(&format!("CREATE DATABASE {name}"), &[])
            .await?;
        admin.close().await;
        let base = match server.rfind('/') {
            Some(i) if server[..i].contains("://") && i > server.find("://").unwrap_or(0) + 2 => {
                &server[..i]
            }
            _ => server,
        };
        Ok(TestDb {
            url: format!("{base}/{name}"),
            _dir: None,
        })
    }

    pub async fn store(&self) -> Result<Store, StoreError> {
        Store::open(&self.url, Policy::default()).await
    }
}

/// A new organisation with no records, and the secretariat's access to it (as the command line).
pub async fn empty_organization(
    store: &crate::Store,
    slug: &str,
) -> Result<crate::Access, StoreError> {
    let org = store
        .create_organization(
            &crate::Actor::cli("test"),
            slug,
            "新しい会社",
            None,
            serde_json::json!({}),
            4,
        )
        .await?;
    Ok(crate::Access::system(org, "test"))
}
