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

    /// A fresh copy of the database `build` fills, which is built once per test process (in
    /// `cell`): a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. Loading the
    /// demo for every test cost more than most tests themselves.
    pub async fn copy_of<F, Fut>(
        cell: &'static tokio::sync::OnceCell<TestDb>,
        build: F,
    ) -> Result<TestDb, StoreError>
    where
        F: FnOnce(Store) -> Fut,
        Fut: std::future::Future<Output = Result<(), StoreError>>,
    {
        let template = cell
            .get_or_try_init(|| async {
                let db = TestDb::new().await?;
                let store = db.store().await?;
                build(store.clone()).await?;
                // SQLite's log folded into the file first: a copy taken while the last connection
                // is still closing (and checkpointing) could miss the newest pages, such as the
                // demo's passwords.
                if db.url.starts_with("sqlite://") {
                    store
                        .pool
                        .fetch_all("PRAGMA wal_checkpoint(TRUNCATE)", &[])
                        .await?;
                }
                // Closed, so PostgreSQL may copy it.
                store.pool.close().await;
                Ok::<TestDb, StoreError>(db)
            })
            .await?;
        template.copy().await
    }

    /// A fresh copy of this database, which nobody may be connected to.
    async fn copy(&self) -> Result<TestDb, StoreError> {
        match self.url.strip_prefix("sqlite://") {
            Some(path) => {
                let copy = Self::sqlite()?;
                let to = copy.url.trim_start_matches("sqlite://").to_string();
                for suffix in ["", "-wal", "-shm"] {
                    let from = format!("{path}{suffix}");
                    if std::path::Path::new(&from).exists() {
                        std::fs::copy(&from, format!("{to}{suffix}"))
                            .map_err(|e| StoreError::Config(e.to_string()))?;
                    }
                }
                Ok(copy)
            }
            None => {
                let (server, template) = self
                    .url
                    .rsplit_once('/')
                    .ok_or_else(|| StoreError::Config(self.url.clone()))?;
                let name = format!("mamori_t_{}", &crate::auth::random_token()[..16]);
                let admin_url = std::env::var("MAMORI_TEST_DATABASE_URL")
                    .unwrap_or_else(|_| format!("{server}/postgres"));
                let admin = crate::Pool::connect(&admin_url).await?;
                // Copies from one template may run at once, but PostgreSQL refuses one while
                // another session is still on the template (55006, object in use); a few tries
                // ride over that. Any other error is the answer.
                let in_use = |e: &StoreError| {
                    matches!(e, StoreError::Database(d)
                        if d.as_database_error().and_then(|d| d.code()).as_deref() == Some("55006"))
                };
                let mut tries = 0;
                let made = loop {
                    match admin
                        .execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"), &[])
                        .await
                    {
                        Err(e) if tries < 20 && in_use(&e) => {
                            tries += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                        other => break other,
                    }
                };
                admin.close().await;
                made?;
                Ok(TestDb {
                    url: format!("{server}/{name}"),
                    _dir: None,
                })
            }
        }
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
