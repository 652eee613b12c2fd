//! The `mamori` binary as an operator runs it: migrate, users, synth, backup and restore across
//! backends, audit verify (also after tampering), and the demo refusing a database in use.

use std::process::{Command, Output};

use mamori_store::testing::TestDb;

fn mamori(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mamori"))
        .args(args)
        .env("MAMORI_DATABASE_URL", url)
        .env("MAMORI_LOG", "warn")
        .env_remove("MAMORI_CONFIG")
        .output()
        .expect("mamori runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn an_operator_migrates_adds_users_synthesises_backs_up_and_restores_into_the_other_backend()
{
    let db = TestDb::new().await.unwrap();
    let url = db.url.clone();
    let o = mamori(&url, &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = mamori(
        &url,
        &[
            "synth",
            "--people",
            "300",
            "--departments",
            "4",
            "--years",
            "2",
            "--seed",
            "7",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = mamori(
        &url,
        &[
            "user",
            "add",
            "--email",
            "new@synth.example",
            "--name",
            "新 任",
            "--password",
            "a sound passphrase",
            "--org",
            "synth",
            "--role",
            "department_manager",
            "--department",
            "D002",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = mamori(
        &url,
        &[
            "user",
            "add",
            "--email",
            "weak@synth.example",
            "--name",
            "弱",
            "--password",
            "password",
        ],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("password-too-short") || text(&o).contains("password-common"),
        "{}",
        text(&o)
    );
    let o = mamori(
        &url,
        &[
            "user",
            "add",
            "--email",
            "aud@synth.example",
            "--name",
            "監査",
            "--password",
            "a sound passphrase",
            "--org",
            "synth",
            "--role",
            "auditor",
        ],
    );
    assert!(!o.status.success(), "an auditor needs an end date");
    let o = mamori(&url, &["user", "disable", "--email", "new@synth.example"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = mamori(&url, &["audit", "verify"]);
    assert!(
        o.status.success() && text(&o).contains("intact"),
        "{}",
        text(&o)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.json");
    let o = mamori(&url, &["backup", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    // Into the other backend when a PostgreSQL server is at hand, else a second SQLite file.
    let target = match std::env::var("MAMORI_TEST_DATABASE_URL") {
        Ok(server) if !url.starts_with("postgres") && server.starts_with("postgres") => {
            TestDb::postgres(&server).await.unwrap()
        }
        _ => TestDb::sqlite().unwrap(),
    };
    let o = mamori(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = mamori(&target.url, &["audit", "verify"]);
    assert!(
        o.status.success() && text(&o).contains("intact"),
        "{}",
        text(&o)
    );
    let store = target.store().await.unwrap();
    let org = store.organization("synth").await.unwrap();
    let access = mamori_store::Access::system(org, "test");
    let page = store
        .list(
            &access,
            &mamori_domain::registers::PEOPLE,
            &mamori_store::ListQuery {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 300);
    // A restore into a database in use is refused.
    let o = mamori(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("database-not-empty"), "{}", text(&o));
}

#[tokio::test]
async fn audit_verify_names_the_first_row_changed_behind_the_applications_back() {
    let db = TestDb::sqlite().unwrap();
    let o = mamori(
        &db.url,
        &[
            "synth",
            "--people",
            "20",
            "--departments",
            "2",
            "--years",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let store = db.store().await.unwrap();
    store
        .pool
        .execute("DROP TRIGGER audit_events_no_update", &[])
        .await
        .unwrap();
    store
        .pool
        .execute(
            "UPDATE audit_events SET actor = 'someone else' WHERE seq = 5",
            &[],
        )
        .await
        .unwrap();
    store.pool.close().await;
    let o = mamori(&db.url, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("BROKEN at row 5"), "{}", text(&o));
}

#[tokio::test]
async fn the_demo_refuses_a_database_that_is_in_use() {
    let db = TestDb::sqlite().unwrap();
    let o = mamori(
        &db.url,
        &[
            "synth",
            "--people",
            "5",
            "--departments",
            "1",
            "--years",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = mamori(&db.url, &["demo", "--bind", "127.0.0.1:0"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not empty"), "{}", text(&o));
}

#[test]
fn flags_beat_the_environment_which_beats_the_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(
        path("mamori.toml"),
        format!(
            "database_url = \"sqlite://{}\"\n",
            path("from-file.db").display()
        ),
    )
    .unwrap();
    let run = |env_url: Option<String>, flag_url: Option<String>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mamori"));
        cmd.current_dir(dir.path())
            .env_remove("MAMORI_DATABASE_URL")
            .env_remove("MAMORI_CONFIG")
            .env("MAMORI_LOG", "warn");
        if let Some(u) = env_url {
            cmd.env("MAMORI_DATABASE_URL", u);
        }
        if let Some(u) = flag_url {
            cmd.args(["--database-url", &u]);
        }
        let o = cmd.arg("migrate").output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    };
    run(None, None);
    assert!(
        path("from-file.db").exists(),
        "mamori.toml in the working directory is read"
    );
    run(
        Some(format!("sqlite://{}", path("from-env.db").display())),
        None,
    );
    assert!(
        path("from-env.db").exists(),
        "the environment beats the file"
    );
    run(
        Some(format!("sqlite://{}", path("ignored.db").display())),
        Some(format!("sqlite://{}", path("from-flag.db").display())),
    );
    assert!(
        path("from-flag.db").exists() && !path("ignored.db").exists(),
        "a flag beats the environment"
    );
    std::fs::write(path("bad.toml"), "lockout_treshold = 3\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mamori"))
        .current_dir(dir.path())
        .args(["--config", "bad.toml", "migrate"])
        .output()
        .unwrap();
    assert!(
        !o.status.success() && text(&o).contains("unknown field"),
        "a misspelt setting is refused: {}",
        text(&o)
    );
}
