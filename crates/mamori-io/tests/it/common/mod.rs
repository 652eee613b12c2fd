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
    pub async fn load() -> Demo {
        let db = TestDb::new().await.unwrap();
        let store = db.store().await.unwrap();
        let org = mamori_io::demo::load(&store, &|_, _, _| {})
            .await
            .unwrap_or_else(|e| panic!("the demo loads: {e:?}"));
        Demo {
            store,
            access: Access::system(org, "test"),
            _db: db,
        }
    }
}
