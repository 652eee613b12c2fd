//! The demo organisation loaded into a fresh database (SQLite, or PostgreSQL when
//! `MAMORI_TEST_DATABASE_URL` is set), read as the system.

#![allow(dead_code)]

use mamori_store::testing::TestDb;
use mamori_store::{Access, Store};

pub struct Demo {
    pub store: Store,
    pub access: Access,
    _db: TestDb,
}

impl Demo {
    /// The demo organisation: loaded once per test run, and a fresh copy of it for each test.
    pub async fn load() -> Demo {
        static DEMO: tokio::sync::OnceCell<TestDb> = tokio::sync::OnceCell::const_new();
        let db = TestDb::copy_of(&DEMO, |store| async move {
            mamori_io::demo::load(&store, &|_, _, _| {})
                .await
                .map(|_| ())
                .map_err(|e| mamori_store::StoreError::Config(format!("the demo loads: {e:?}")))
        })
        .await
        .expect("the demo database");
        let store = db.store().await.unwrap();
        let org = store.organization("sajeco").await.unwrap();
        Demo {
            store,
            access: Access::system(org, "test"),
            _db: db,
        }
    }
}
