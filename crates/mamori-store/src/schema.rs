//! The one schema definition: versioned migrations written once with type placeholders, expanded
//! per backend, and the column catalogue that backup and restore read.

use mamori_domain::register::{FieldKind, Register};
use mamori_domain::registers;

use crate::db::{Backend, Pool, Tx};
use crate::error::StoreError;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    /// SQL for both backends, with `{{id}}`, `{{ts}}` and `{{date}}` placeholders, and `{{record}}` for
    /// the system columns every register table carries (see `REGISTER_SYSTEM_COLUMNS`).
    pub common: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: include_str!("../migrations/01.sql"),
        sqlite: include_str!("../migrations/01.sqlite.sql"),
        postgres: include_str!("../migrations/01.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "staff obligations, courses, sessions and attendance",
        common: include_str!("../migrations/02.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "comprehension tests",
        common: include_str!("../migrations/03.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "information assets and their handlers",
        common: include_str!("../migrations/04.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "the IPA asset ledger's columns",
        common: include_str!("../migrations/05.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "security events",
        common: include_str!("../migrations/06.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "corrective actions",
        common: include_str!("../migrations/07.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "audits, complaints, certificates, reviews, meetings, notices, objectives, requirements",
        common: include_str!("../migrations/08.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "the Annex A catalogue and custom controls, the 2013 controls and their mapping",
        common: include_str!("../migrations/09.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "external-incident reviews, change-triggered assessments, relaxation reviews",
        common: include_str!("../migrations/10.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "internal rules, risks, the statement of applicability, continuity, facilities, the IPA self-assessment",
        common: include_str!("../migrations/11.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "the yearly report: revisions and their frozen renderings",
        common: include_str!("../migrations/12.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "API tokens expire",
        // Tokens made before keep NULL: they expire `token_days` after they were made (auth.rs).
        common: include_str!("../migrations/13.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "signed checkpoints of the audit trail; an entry must extend the head",
        common: include_str!("../migrations/14.sql"),
        sqlite: include_str!("../migrations/14.sqlite.sql"),
        postgres: include_str!("../migrations/14.postgres.sql"),
    },
    Migration {
        version: 15,
        name: "objectives: a comparison, an aggregation and the computed yearly result",
        // The objectives already held get their values in the same transaction (`after`).
        common: include_str!("../migrations/15.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 16,
        name: "memberships: a member who also administers the organisation (its founder); set-up tokens",
        common: include_str!("../migrations/16.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 17,
        name: "courses: whether a test shows its right answers after a pass",
        common: include_str!("../migrations/17.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 18,
        name: "search across registers: an entry a record, with a trigram index",
        // The records already held are indexed in the same transaction (`after`).
        common: include_str!("../migrations/18.sql"),
        sqlite: include_str!("../migrations/18.sqlite.sql"),
        postgres: include_str!("../migrations/18.postgres.sql"),
    },
    Migration {
        version: 19,
        name: "handler requests, decided by the department's manager",
        common: include_str!("../migrations/19.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 20,
        name: "the annual plan: duties, tasks and their comments",
        common: include_str!("../migrations/20.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 21,
        name: "mail: the outbox and the sender's lease",
        common: include_str!("../migrations/21.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 22,
        name: "the internal audit programme's teams and checklists; the training plan; daily digests; password resets",
        common: include_str!("../migrations/22.sql"),
        sqlite: "",
        postgres: "",
    },
];

/// What a migration does beyond its SQL, in its transaction: work on the records it gives new
/// fields, with their audit entries.
async fn after(tx: &mut Tx, version: i64) -> Result<(), StoreError> {
    match version {
        15 => crate::objectives::migrate(tx).await,
        18 => crate::search::reindex(tx).await,
        _ => Ok(()),
    }
}

fn expand(sql: &str, backend: Backend) -> String {
    let (id, ts, date) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT"),
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ", "DATE"),
    };
    sql.replace(
        "{{record}}",
        "created_at {{ts}} NOT NULL, updated_at {{ts}} NOT NULL, withdrawn_at {{ts}}, withdrawn_reason TEXT",
    )
    .replace("{{id}}", id)
    .replace("{{ts}}", ts)
    .replace("{{date}}", date)
}

/// Applies the migrations not yet applied, each in its own transaction. Returns how many ran.
pub async fn migrate(pool: &Pool) -> Result<usize, StoreError> {
    let mut conn = pool.acquire().await?;
    conn.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    )
    .await?;
    drop(conn);
    let mut ran = 0;
    for m in MIGRATIONS {
        let mut tx = pool.begin_migration().await?;
        let done = tx
            .fetch_optional(
                "SELECT version FROM schema_migrations WHERE version = $1",
                &[m.version.into()],
            )
            .await?;
        if done.is_some() {
            continue;
        }
        let backend = pool.backend();
        let specific = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        tx.execute_script(&expand(m.common, backend)).await?;
        tx.execute_script(specific).await?;
        after(&mut tx, m.version).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[m.version.into(), m.name.into()],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
        ran += 1;
    }
    Ok(ran)
}

pub fn schema_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// Column types as backup and restore see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    Int,
    Text,
    Bool,
    Date,
    Ts,
}

pub struct Table {
    pub name: &'static str,
    pub columns: Vec<(String, Col)>,
    pub has_serial_id: bool,
}

/// System columns every register table carries besides its declared fields.
pub const REGISTER_SYSTEM_COLUMNS: &[(&str, Col)] = &[
    ("id", Col::Int),
    ("org_id", Col::Int),
    ("created_at", Col::Ts),
    ("updated_at", Col::Ts),
    ("withdrawn_at", Col::Ts),
    ("withdrawn_reason", Col::Text),
];

/// The column a declared field is stored in: references are stored as `<name>_id`.
pub fn column_of(kind: FieldKind, name: &'static str) -> String {
    match kind {
        FieldKind::Ref(_) => format!("{name}_id"),
        _ => name.to_string(),
    }
}

pub fn register_table(reg: &Register) -> Table {
    let mut columns = cols(REGISTER_SYSTEM_COLUMNS);
    for f in reg.fields {
        let col = match f.kind {
            FieldKind::Date => Col::Date,
            FieldKind::Ref(_) | FieldKind::Int { .. } => Col::Int,
            _ => Col::Text,
        };
        columns.push((column_of(f.kind, f.name), col));
    }
    Table {
        name: reg.table,
        columns,
        has_serial_id: true,
    }
}

fn cols(columns: &[(&str, Col)]) -> Vec<(String, Col)> {
    columns.iter().map(|(n, c)| (n.to_string(), *c)).collect()
}

/// Every table in foreign-key order (parents first): the order restore writes them in.
pub fn catalogue() -> Vec<Table> {
    use Col::*;
    let mut tables = vec![
        Table {
            name: "organizations",
            columns: cols(&[
                ("id", Int),
                ("slug", Text),
                ("name", Text),
                ("name_en", Text),
                ("profile", Text),
                ("fiscal_year_start_month", Int),
                ("created_at", Ts),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "users",
            columns: cols(&[
                ("id", Int),
                ("email", Text),
                ("display_name", Text),
                ("password_hash", Text),
                ("password_changed_at", Ts),
                ("failed_logins", Int),
                ("locked_until", Ts),
                ("disabled", Bool),
                ("lang", Text),
                ("date_style", Text),
                ("created_at", Ts),
                ("installation_admin", Bool),
                ("reminder_digest", Bool),
            ]),
            has_serial_id: true,
        },
    ];
    for reg in registers::ALL {
        tables.push(register_table(reg));
    }
    tables.extend([
        Table {
            name: "attempt_papers",
            columns: cols(&[
                ("attempt_id", Int),
                ("user_id", Int),
                ("started_at", Ts),
                ("deadline_at", Ts),
                ("submitted_at", Ts),
                ("paper", Text),
                ("answers", Text),
                ("correct", Int),
                ("total", Int),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "register_totals",
            columns: cols(&[
                ("org_id", Int),
                ("register", Text),
                ("active", Int),
                ("withdrawn", Int),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "memberships",
            columns: cols(&[
                ("id", Int),
                ("user_id", Int),
                ("org_id", Int),
                ("role", Text),
                ("department_id", Int),
                ("person_id", Int),
                ("valid_until", Date),
                ("created_at", Ts),
                ("administers", Bool),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "api_tokens",
            columns: cols(&[
                ("id", Int),
                ("user_id", Int),
                ("name", Text),
                ("token_hash", Text),
                ("created_at", Ts),
                ("last_used_at", Ts),
                ("revoked_at", Ts),
                ("expires_at", Ts),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "reports",
            columns: cols(&[
                ("id", Int),
                ("org_id", Int),
                ("fiscal_year", Int),
                ("revision", Int),
                ("status", Text),
                ("issued_on", Date),
                ("narratives", Text),
                ("change_note", Text),
                ("review_figures", Text),
                ("approved_by", Text),
                ("approved_on", Date),
                ("published_on", Date),
                ("created_at", Ts),
                ("updated_at", Ts),
                ("audit_seq", Int),
                ("audit_hash", Text),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "report_files",
            columns: cols(&[
                ("report_id", Int),
                ("org_id", Int),
                ("format", Text),
                ("content", Text),
                ("sha256", Text),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "audit_events",
            columns: cols(&[
                ("seq", Int),
                ("at", Text),
                ("org_id", Int),
                ("actor_user_id", Int),
                ("actor", Text),
                ("entity", Text),
                ("entity_id", Int),
                ("action", Text),
                ("reason", Text),
                ("before_json", Text),
                ("after_json", Text),
                ("prev_hash", Text),
                ("hash", Text),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "mail_outbox",
            columns: cols(&[
                ("id", Int),
                ("org_id", Int),
                ("user_id", Int),
                ("to_addr", Text),
                ("kind", Text),
                ("subject", Text),
                ("body", Text),
                ("dedupe_key", Text),
                ("status", Text),
                ("attempts", Int),
                ("last_error", Text),
                ("created_at", Ts),
                ("next_attempt_at", Ts),
                ("sent_at", Ts),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "calendar_tokens",
            columns: cols(&[("user_id", Int), ("token_hash", Text), ("created_at", Ts)]),
            has_serial_id: false,
        },
        Table {
            name: "audit_checkpoints",
            columns: cols(&[
                ("id", Int),
                ("seq", Int),
                ("hash", Text),
                ("at", Text),
                ("kind", Text),
                ("public_key", Text),
                ("signature", Text),
            ]),
            has_serial_id: true,
        },
    ]);
    tables
}
