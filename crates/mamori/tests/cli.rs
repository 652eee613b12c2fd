//! The `mamori` binary as an operator runs it: migrate, users, synth, backup and restore across
//! backends, audit verify (also after tampering: a cut tail, a recomputed chain, a forged insert, a
//! record changed behind the application's back), and the demo refusing a database in use.

use std::process::{Command, Output};

use mamori_store::testing::TestDb;

fn mamori(url: &str, args: &[&str]) -> Output {
    mamori_with_key(url, None, args)
}

/// `mamori` with the settings naming an audit key file.
fn mamori_with_key(url: &str, key: Option<&std::path::Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mamori"));
    cmd.args(args)
        .env("MAMORI_DATABASE_URL", url)
        .env("MAMORI_LOG", "warn")
        .env_remove("MAMORI_CONFIG")
        .env_remove("MAMORI_AUDIT_KEY_FILE");
    if let Some(key) = key {
        cmd.env("MAMORI_AUDIT_KEY_FILE", key);
    }
    cmd.output().expect("mamori runs")
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
        .pool()
        .execute("DROP TRIGGER audit_events_no_update", &[])
        .await
        .unwrap();
    store
        .pool()
        .execute(
            "UPDATE audit_events SET actor = 'someone else' WHERE seq = 5",
            &[],
        )
        .await
        .unwrap();
    store.pool().close().await;
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

/// A small synthetic organisation with assets, an audit key, and a checkpoint exported for an
/// auditor to keep (`kept.json`).
struct Audited {
    db: TestDb,
    dir: tempfile::TempDir,
    checkpoint: serde_json::Value,
}

impl Audited {
    async fn new() -> Audited {
        let db = TestDb::new().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
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
                "--assets",
                "12",
                "--handling-per-asset",
                "1",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        let key = dir.path().join("audit.key");
        let o = mamori(&db.url, &["audit", "keygen", key.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
        let kept = dir.path().join("kept.json");
        let o = mamori_with_key(
            &db.url,
            Some(&key),
            &["audit", "checkpoint", "--export", kept.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", text(&o));
        let checkpoint = serde_json::from_slice(&std::fs::read(&kept).unwrap()).unwrap();
        Audited {
            db,
            dir,
            checkpoint,
        }
    }

    fn key(&self) -> std::path::PathBuf {
        self.dir.path().join("audit.key")
    }

    fn verify(&self, against: bool) -> Output {
        let kept = self.dir.path().join("kept.json");
        let mut args = vec!["audit", "verify"];
        if against {
            args.extend(["--against", kept.to_str().unwrap()]);
        }
        mamori_with_key(&self.db.url, Some(&self.key()), &args)
    }

    fn seq(&self) -> i64 {
        self.checkpoint["seq"].as_i64().unwrap()
    }

    /// Someone with database access removes the triggers that guard the trail and its checkpoints.
    async fn unguarded(&self) -> mamori_store::Store {
        let store = self.db.store().await.unwrap();
        let drops: &[&str] = match store.pool().backend() {
            mamori_store::Backend::Sqlite => &[
                "DROP TRIGGER audit_events_no_update",
                "DROP TRIGGER audit_events_no_delete",
                "DROP TRIGGER audit_checkpoints_no_delete",
            ],
            mamori_store::Backend::Postgres => &[
                "DROP TRIGGER audit_events_no_update ON audit_events",
                "DROP TRIGGER audit_checkpoints_no_update ON audit_checkpoints",
            ],
        };
        for d in drops {
            store.pool().execute(d, &[]).await.unwrap();
        }
        store
    }
}

#[tokio::test]
async fn an_untouched_database_verifies_with_its_checkpoints_and_a_kept_one() {
    let a = Audited::new().await;
    assert_eq!(a.checkpoint["format"], "mamori-audit-checkpoint");
    for field in ["seq", "hash", "at", "signature", "public_key"] {
        assert!(
            !a.checkpoint[field].is_null(),
            "{field} in {}",
            a.checkpoint
        );
    }
    for against in [false, true] {
        let o = a.verify(against);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(text(&o).contains("audit trail intact"), "{}", text(&o));
        assert!(text(&o).contains("checkpoints: 1 stored"), "{}", text(&o));
    }
}

#[tokio::test]
async fn a_cut_tail_with_the_head_moved_back_is_named_by_the_stored_and_the_kept_checkpoint() {
    let a = Audited::new().await;
    let store = a.unguarded().await;
    let keep = a.seq() - 3;
    store
        .pool()
        .execute(
            "DELETE FROM audit_events WHERE seq > $1",
            &[mamori_store::db::P::Int(keep)],
        )
        .await
        .unwrap();
    store
        .pool()
        .execute(
            "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_events WHERE seq = $1) WHERE id = 1",
            &[mamori_store::db::P::Int(keep)],
        )
        .await
        .unwrap();
    // The chain alone still holds: this is what used to pass.
    assert!(store.verify_audit(&|_, _| {}).await.unwrap().intact());
    let named = format!(
        "checkpoint of seq {} ({}): the trail now ends at seq {keep}",
        a.seq(),
        a.checkpoint["at"].as_str().unwrap()
    );
    let o = a.verify(false);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(&named), "{}", text(&o));

    // The stored checkpoints go too; the one the auditor kept still names the cut.
    store
        .pool()
        .execute("DELETE FROM audit_checkpoints", &[])
        .await
        .unwrap();
    let o = a.verify(true);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(&format!("kept {named}")), "{}", text(&o));
}

#[tokio::test]
async fn a_row_changed_and_every_later_hash_recomputed_is_named_by_the_checkpoints() {
    let a = Audited::new().await;
    let store = a.unguarded().await;
    // Rewrite entry 5 and recompute the chain from there, as anyone can: the hash has no key.
    let rows = store
        .pool()
        .fetch_all(
            "SELECT seq, at, org_id, actor_user_id, actor, entity, entity_id, action, reason, before_json, after_json \
             FROM audit_events WHERE seq >= 5 ORDER BY seq",
            &[],
        )
        .await
        .unwrap();
    let mut prev: String = store
        .pool()
        .fetch_one("SELECT hash FROM audit_events WHERE seq = 4", &[])
        .await
        .unwrap()
        .text(0)
        .unwrap();
    let mut last = 0;
    for r in &rows {
        let seq = r.i64(0).unwrap();
        let actor = if seq == 5 {
            "someone else".to_string()
        } else {
            r.text(4).unwrap()
        };
        let hash = mamori_store::audit::chain_hash(
            seq,
            &r.text(1).unwrap(),
            r.get(2).unwrap(),
            r.get(3).unwrap(),
            &actor,
            &r.text(5).unwrap(),
            r.get(6).unwrap(),
            &r.text(7).unwrap(),
            r.opt_text(8).unwrap().as_deref(),
            r.opt_text(9).unwrap().as_deref(),
            r.opt_text(10).unwrap().as_deref(),
            &prev,
        );
        use mamori_store::db::P;
        store
            .pool()
            .execute(
                "UPDATE audit_events SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                &[
                    P::Text(actor),
                    P::Text(prev.clone()),
                    P::Text(hash.clone()),
                    P::Int(seq),
                ],
            )
            .await
            .unwrap();
        prev = hash;
        last = seq;
    }
    store
        .pool()
        .execute(
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            &[
                mamori_store::db::P::Int(last),
                mamori_store::db::P::Text(prev),
            ],
        )
        .await
        .unwrap();
    assert!(
        store.verify_audit(&|_, _| {}).await.unwrap().intact(),
        "the recomputed chain holds on its own"
    );
    let named = format!(
        "checkpoint of seq {} ({}): entry {} no longer has the signed hash",
        a.seq(),
        a.checkpoint["at"].as_str().unwrap(),
        a.seq()
    );
    for against in [false, true] {
        let o = a.verify(against);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains(&named), "{}", text(&o));
    }
    let o = a.verify(true);
    assert!(text(&o).contains(&format!("kept {named}")), "{}", text(&o));
}

#[tokio::test]
async fn the_database_refuses_an_audit_row_that_does_not_extend_the_head() {
    let a = Audited::new().await;
    let store = a.db.store().await.unwrap();
    let copy = |seq: &str, actor: &str| {
        format!(
            "SELECT {seq}, at, org_id, actor_user_id, '{actor}', entity, entity_id, action, reason, before_json, after_json, prev_hash, hash \
             FROM audit_events WHERE seq = 3"
        )
    };
    let columns = "(seq, at, org_id, actor_user_id, actor, entity, entity_id, action, reason, before_json, after_json, prev_hash, hash)";
    // Rewriting a row by replacing it: SQLite's REPLACE, PostgreSQL's upsert.
    let replace = match store.pool().backend() {
        mamori_store::Backend::Sqlite => {
            format!(
                "INSERT OR REPLACE INTO audit_events {columns} {}",
                copy("seq", "forged")
            )
        }
        mamori_store::Backend::Postgres => format!(
            "INSERT INTO audit_events {columns} {} ON CONFLICT (seq) DO UPDATE SET actor = EXCLUDED.actor",
            copy("seq", "forged")
        ),
    };
    let err = store.pool().execute(&replace, &[]).await;
    assert!(err.is_err(), "a row is replaced: {err:?}");
    // An entry past the head that the head does not know of, and one beyond a gap.
    for seq in [
        "(SELECT MAX(seq) FROM audit_events) + 1",
        "(SELECT MAX(seq) FROM audit_events) + 5",
    ] {
        let insert = format!("INSERT INTO audit_events {columns} {}", copy(seq, "forged"));
        let err = store.pool().execute(&insert, &[]).await;
        assert!(err.is_err(), "an entry is added behind the head: {err:?}");
    }
    let actor = store
        .pool()
        .fetch_one("SELECT actor FROM audit_events WHERE seq = 3", &[])
        .await
        .unwrap()
        .text(0)
        .unwrap();
    assert_ne!(actor, "forged");
    let o = a.verify(true);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[tokio::test]
async fn confidential_assets_made_general_behind_the_applications_back_are_named() {
    let a = Audited::new().await;
    let store = a.db.store().await.unwrap();
    let secret = store
        .pool()
        .fetch_all(
            "SELECT id, classification FROM assets WHERE classification <> 'general' ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    assert!(!secret.is_empty(), "synth makes confidential assets");
    store
        .pool()
        .execute(
            "UPDATE assets SET classification = 'general' WHERE classification <> 'general'",
            &[],
        )
        .await
        .unwrap();
    let o = a.verify(false);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    for r in &secret {
        let named = format!(
            "record asset #{} of synth differs from its history: classification is \"general\", its history says {:?}",
            r.i64(0).unwrap(),
            r.text(1).unwrap()
        );
        assert!(text(&o).contains(&named), "{named}\n{}", text(&o));
    }
    assert!(
        text(&o).contains(&format!("BROKEN: {} problem(s)", secret.len())),
        "{}",
        text(&o)
    );
}

/// `mamori` with extra environment (a password the way scripts give it).
fn mamori_env(url: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mamori"));
    cmd.args(args)
        .env("MAMORI_DATABASE_URL", url)
        .env("MAMORI_LOG", "warn")
        .env_remove("MAMORI_CONFIG")
        .env_remove("MAMORI_AUDIT_KEY_FILE")
        .env_remove("MAMORI_USER_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("mamori runs")
}

#[tokio::test]
async fn an_operator_founds_organisations_from_the_command_line_and_lists_them() {
    use mamori_domain::Capability;
    use mamori_domain::registers::{CONTROLS, COURSES, IPA_QUESTIONS, REQUIREMENTS};
    use mamori_store::{ListQuery, Policy, Store};

    let db = TestDb::new().await.unwrap();
    let url = db.url.clone();
    let pw = [("MAMORI_USER_PASSWORD", "correct horse battery")];
    let create = |slug: &'static str, extra: &'static [&'static str]| {
        let mut args = vec![
            "org",
            "create",
            "--slug",
            slug,
            "--name",
            "株式会社マイコープ",
            "--admin-email",
            "Founder@MyCorp.example",
            "--admin-name",
            "創業 太郎",
        ];
        args.extend_from_slice(extra);
        args
    };
    // A fresh database: no organisation yet, then one founded with the starter content.
    let o = mamori_env(&url, &[], &["org", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");
    let o = mamori_env(&url, &pw, &create("mycorp", &["--fiscal-year-start", "1"]));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o)
            .contains("organisation mycorp (株式会社マイコープ) founded; founder@mycorp.example"),
        "{}",
        text(&o)
    );

    // The founder signs in, is the secretariat, administers the organisation, and finds the starter
    // content in its registers.
    let store = Store::open(&url, Policy::default()).await.unwrap();
    let founder = store
        .sign_in("founder@mycorp.example", "correct horse battery")
        .await
        .unwrap();
    let access = store.access(&founder, Some("mycorp")).await.unwrap();
    assert_eq!(access.role, mamori_domain::Role::IsmsManager);
    assert!(access.administers);
    assert!(
        founder.installation_admin,
        "the first organisation's founder"
    );
    assert!(access.may(Capability::ManageMembers));
    assert!(access.may(Capability::ChangeSettings));
    assert_eq!(access.org.calendar.start_month(), 1);
    for reg in [&REQUIREMENTS, &CONTROLS, &IPA_QUESTIONS, &COURSES] {
        let n = store
            .count(&access, reg, &ListQuery::default())
            .await
            .unwrap();
        assert!(n > 0, "{} has no starter records", reg.collection);
    }

    // The same account founds a second organisation without a password and without starter
    // content: it belongs to both, and the second starts empty.
    let o = mamori_env(&url, &[], &create("client-b", &["--no-starter"]));
    assert!(o.status.success(), "{}", text(&o));
    let b = store.access(&founder, Some("client-b")).await.unwrap();
    assert!(b.administers);
    assert_eq!(
        store
            .count(&b, &REQUIREMENTS, &ListQuery::default())
            .await
            .unwrap(),
        0
    );
    assert_eq!(store.memberships(founder.id).await.unwrap().len(), 2);

    // Refused, with what is wrong, and nothing changed: a taken or malformed identifier, a month
    // that is not one, a new founder without a password that the policy accepts.
    for (args, env, says) in [
        (create("mycorp", &[]), &pw[..], "slug: duplicate"),
        (create("My Corp", &[]), &pw[..], "slug: invalid-slug"),
        (
            create("c13", &["--fiscal-year-start", "13"]),
            &pw[..],
            "fiscal_year_start_month",
        ),
        (
            {
                let mut a = create("c-short", &[]);
                a[7] = "someone@else.example";
                a
            },
            &[("MAMORI_USER_PASSWORD", "short")][..],
            "password-too-short",
        ),
    ] {
        let o = mamori_env(&url, env, &args);
        assert!(!o.status.success(), "{args:?} was accepted");
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
    }
    assert!(store.user_by_email("someone@else.example").await.is_err());

    let o = mamori_env(&url, &[], &["org", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "mycorp\t株式会社マイコープ\t1\t1\nclient-b\t株式会社マイコープ\t4\t1\n"
    );
    // Every step is in the audit trail, which holds.
    let o = mamori_env(&url, &[], &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
}
