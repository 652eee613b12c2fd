//! The `mamori` command: serve the web UI and API, load the demo organisation, migrate, manage users,
//! verify the audit trail, back up and restore, and build synthetic data for benchmarks.

mod config;
mod progress;

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use mamori_domain::Role;
use mamori_store::checkpoint::{AuditKey, Checkpoint};
use mamori_store::{Actor, Store};

use crate::config::{Settings, SharedArgs};
use crate::progress::Progress;

// Many small allocations per request (rows, JSON, templates): mimalloc spends less time on them than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "mamori",
    version,
    about = "Mamori (守り): run an ISO/IEC 27001 ISMS and publish its yearly information security report"
)]
struct Cli {
    #[command(flatten)]
    shared: SharedArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "MAMORI_BIND")]
        bind: Option<String>,
    },
    /// Load the demo organisation (株式会社サジェコ) into a new database and serve it.
    Demo {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "MAMORI_BIND")]
        bind: Option<String>,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// Found and list organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write every record and the audit trail to a JSON file.
    Backup { file: std::path::PathBuf },
    /// Load a backup into an empty database (SQLite or PostgreSQL, whichever the backup came from).
    Restore { file: std::path::PathBuf },
    /// Write the yearly information security report of an organisation: the published revision's
    /// frozen file if there is one, else computed from the records now.
    Report {
        /// The organisation's identifier (as in its URLs).
        #[arg(long)]
        org: String,
        /// The fiscal year (its starting year: 2017 is 2017-04 … 2018-03 with an April start).
        #[arg(long)]
        year: i32,
        /// json, html, pdf or docx.
        #[arg(long, default_value = "pdf")]
        format: String,
        /// ja (default) or en.
        #[arg(long, default_value = "ja")]
        lang: String,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Make a fiscal year's tasks from the annual plan's duties (those made already are not made
    /// again), completing those the records already held answer.
    Plan {
        /// The organisation's identifier (as in its URLs).
        #[arg(long)]
        org: String,
        /// The fiscal year (its starting year).
        #[arg(long)]
        year: i32,
        /// Add the annual plan's template duties first (those the organisation has are kept).
        #[arg(long)]
        template: bool,
    },
    /// Queue and send the reminders due on a date (each once, however often it runs), or list them
    /// with --dry-run. Mail goes through MAMORI_SMTP_URL (with MAMORI_SMTP_PASSWORD and
    /// MAMORI_MAIL_FROM).
    Remind {
        /// The date (YYYY-MM-DD; today, in Japan, if left out).
        #[arg(long)]
        as_of: Option<String>,
        /// List what is due without queueing or sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Build a synthetic organisation for benchmarks.
    Synth {
        #[arg(long, default_value_t = 1000)]
        people: usize,
        #[arg(long, default_value_t = 10)]
        departments: usize,
        #[arg(long, default_value_t = 3)]
        years: i32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The organisation's identifier in URLs.
        #[arg(long, default_value = "synth")]
        slug: String,
        /// Information assets, each with handlers (0: none).
        #[arg(long, default_value_t = 0)]
        assets: usize,
        /// Handling records per asset.
        #[arg(long, default_value_t = 10)]
        handling_per_asset: usize,
        /// Devices in the registry.
        #[arg(long, default_value_t = 0)]
        devices: usize,
        /// Customer keys in custody, each inspected monthly for a year.
        #[arg(long, default_value_t = 0)]
        keys: usize,
        /// Security events spread over the years.
        #[arg(long, default_value_t = 0)]
        events: usize,
        /// Audit findings spread over the years' audits.
        #[arg(long, default_value_t = 0)]
        findings: usize,
        /// Risks over the assets (or groups of assets), with the years' continuity drills,
        /// external-incident reviews, change assessments and relaxation reviews, the Annex A
        /// catalogue, rules and a statement of applicability.
        #[arg(long, default_value_t = 0)]
        risks: usize,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Found an organisation with its first member, its ISMS secretariat, who also administers
    /// it; loads the starter content (laws, the Annex A catalogue, the IPA questions) unless told
    /// not to.
    Create {
        /// Its identifier in URLs: a-z, 0-9 and -.
        #[arg(long)]
        slug: String,
        /// Its name (株式会社…).
        #[arg(long)]
        name: String,
        /// Its name in English.
        #[arg(long)]
        name_en: Option<String>,
        /// The month its fiscal years start in.
        #[arg(long, default_value_t = 4)]
        fiscal_year_start: u8,
        /// How its members' dates are shown at first: western (2026年4月1日) or era (令和8年4月1日).
        #[arg(long, default_value = "western", value_parser = ["western", "era"])]
        date_style: String,
        /// The language its members start in: ja or en.
        #[arg(long, default_value = "ja", value_parser = ["ja", "en"])]
        lang: String,
        /// Leave out the starter content (it can be loaded later from each register's page).
        #[arg(long)]
        no_starter: bool,
        /// The founder's e-mail address: an account that exists, or a new one.
        #[arg(long)]
        admin_email: String,
        /// The founder's name, for a new account.
        #[arg(long)]
        admin_name: String,
        /// A new account's password; read from standard input when omitted.
        #[arg(long, env = "MAMORI_USER_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
    },
    /// List the organisations: identifier, name, first month of the fiscal year, members.
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user, and optionally make them a member of an organisation.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The password; read from standard input when omitted.
        #[arg(long, env = "MAMORI_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Organisation slug to join.
        #[arg(long)]
        org: Option<String>,
        /// admin, isms_manager, department_manager, staff or auditor.
        #[arg(long, default_value = "staff")]
        role: String,
        /// Department code (department managers).
        #[arg(long)]
        department: Option<String>,
        /// Employee number of the person this user is.
        #[arg(long)]
        person: Option<String>,
        /// Last day of membership (auditors must have one), YYYY-MM-DD.
        #[arg(long)]
        until: Option<String>,
    },
    /// Set a user's password (also unlocks the account).
    SetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, env = "MAMORI_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Disable a user: sessions end and API tokens are revoked.
    Disable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain, the signed checkpoints and every record against its history; exits 1
    /// and names what is broken.
    Verify {
        /// A checkpoint kept outside (written by `audit checkpoint --export`) to check as well.
        #[arg(long)]
        against: Option<std::path::PathBuf>,
    },
    /// Sign the trail's head now (with the key file of the settings) and show the checkpoint.
    Checkpoint {
        /// Also write the checkpoint to this file, for an auditor to keep outside.
        #[arg(long)]
        export: Option<std::path::PathBuf>,
    },
    /// Make a new key file for signing checkpoints (name it in the settings as `audit_key_file`).
    Keygen { file: std::path::PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = std::env::var("MAMORI_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn org(settings: &config::Settings, cmd: OrgCommand) -> Result<ExitCode> {
    let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
    match cmd {
        OrgCommand::Create {
            slug,
            name,
            name_en,
            fiscal_year_start,
            date_style,
            lang,
            no_starter,
            admin_email,
            admin_name,
            admin_password,
        } => {
            // An account that exists joins as it is; a new one needs its password.
            let password = match store.user_by_email(&admin_email).await {
                Ok(_) => None,
                Err(_) => Some(read_password(admin_password)?),
            };
            let p = Progress::new("org");
            let founded = mamori_io::setup::found(
                &store,
                None,
                &Actor::cli("org"),
                &mamori_store::NewOrganization {
                    slug: &slug,
                    name: &name,
                    name_en: name_en.as_deref(),
                    fiscal_year_start_month: fiscal_year_start,
                    profile: serde_json::json!({ "date_style": date_style, "lang": lang }),
                },
                &mamori_store::Founder {
                    email: &admin_email,
                    name: &admin_name,
                    password: password.as_deref(),
                },
                !no_starter,
            )
            .await
            .map_err(|e| match e {
                mamori_io::IoError::Store(e) => describe(e),
                e => e.into(),
            })?;
            p.finish();
            println!(
                "organisation {} ({}) founded; {} is its ISMS secretariat and administers it",
                founded.org.slug, founded.org.name, founded.founder.email
            );
            for (collection, added, companions) in founded.starter {
                println!("starter {collection}: {added} added ({companions} related)");
            }
        }
        OrgCommand::List => {
            for (org, members) in store.organizations().await? {
                println!(
                    "{}\t{}\t{}\t{members}",
                    org.slug,
                    org.name,
                    org.calendar.start_month()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_password(given: Option<String>) -> Result<String> {
    if let Some(p) = given {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        eprint!("password: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn describe(e: mamori_store::StoreError) -> Box<dyn std::error::Error + Send + Sync> {
    match e {
        mamori_store::StoreError::Invalid(errors) => errors
            .iter()
            .map(|e| {
                format!(
                    "{}: {}{}",
                    e.field,
                    e.code,
                    e.detail
                        .as_ref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
            .into(),
        other => other.to_string().into(),
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let settings = Settings::load(&cli.shared)?;
    match cli.command {
        Command::Serve { bind } => {
            let mut store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            match audit_key(&settings)? {
                Some(key) => store = store.with_audit_key(key),
                None => tracing::warn!(
                    "no audit key file in the settings (audit_key_file): the audit trail's head is not signed"
                ),
            }
            let listener = listen(bind.or(settings.bind.clone())).await?;
            let address = listener.local_addr()?;
            println!("Mamori: http://{address}/");
            // A new installation: the one-time address that founds its organisation.
            if let Some(token) = store.setup_token().await? {
                println!("Set up your organisation: http://{address}/setup?token={token}");
            }
            serve(store, &settings, listener).await?;
        }
        Command::Demo { bind } => {
            // A temporary database unless one is named; a named one must be empty.
            let temp = tempfile::tempdir()?;
            let url = if cli.shared.database_url.is_some()
                || std::env::var("MAMORI_DATABASE_URL").is_ok()
            {
                settings.database_url.clone()
            } else {
                format!("sqlite://{}", temp.path().join("mamori-demo.db").display())
            };
            // The demo signs its trail with the key file of the settings, or its own.
            let key_file = match &settings.audit_key_file {
                Some(path) => path.clone(),
                None => temp.path().join("audit.key"),
            };
            let key = if key_file.exists() {
                AuditKey::load(&key_file)?
            } else {
                AuditKey::create(&key_file)?
            };
            let store = Store::open(&url, settings.policy.clone())
                .await?
                .with_audit_key(Arc::new(key));
            if !store.is_empty().await? {
                return Err(format!(
                    "refusing to load the demo into a database that is not empty: {url}"
                )
                .into());
            }
            let p = Progress::new("demo");
            mamori_io::demo::load(&store, &|what, done, total| p.step(what, done, total))
                .await
                .map_err(|e| e.to_string())?;
            p.finish();
            let listener = listen(bind.or(settings.bind.clone())).await?;
            println!("Mamori demo: 株式会社サジェコ (sajeco)");
            println!("  database: {url}");
            println!("  audit key: {}", key_file.display());
            println!("  open:     http://{}/", listener.local_addr()?);
            println!("  accounts (password: {}):", mamori_io::demo::PASSWORD);
            for (email, role, ..) in mamori_io::demo::ACCOUNTS {
                println!("    {email:<26} {}", role.code());
            }
            serve(store, &settings, listener).await?;
            drop(temp);
        }
        Command::Report {
            org,
            year,
            format,
            lang,
            out,
        } => {
            let format = mamori_report::output::Format::parse(&format)
                .ok_or("--format must be one of json, html, pdf, docx")?;
            let lang = mamori_domain::Lang::pick(Some(&lang));
            let (store, access, fy) = org_year(&settings, &org, year, "report").await?;
            let bytes = mamori_report::output::produce(&store, &access, fy, lang, format)
                .await
                .map_err(|e| match e {
                    mamori_report::output::OutputError::Store(e) => describe(e),
                    other => other.to_string().into(),
                })?;
            std::fs::write(&out, &bytes)?;
            println!("{} ({} bytes)", out.display(), bytes.len());
        }
        Command::Plan {
            org,
            year,
            template,
        } => {
            let (store, access, fy) = org_year(&settings, &org, year, "plan").await?;
            let started = std::time::Instant::now();
            if template {
                let added = mamori_io::starter::duties(&store, &access)
                    .await
                    .map_err(|e| format!("{e:?}"))?;
                println!("{added} duty(ies) added from the template");
            }
            let made = store
                .plan_year(&access, fy, &|_, _| {})
                .await
                .map_err(describe)?;
            println!(
                "{made} task(s) made for fiscal year {year} in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Remind { as_of, dry_run } => {
            let as_of = match as_of {
                Some(d) => {
                    mamori_domain::dates::parse_date(&mamori_domain::input::normalize_strict(&d))
                        .ok_or("--as-of must be a date such as 2026-12-01")?
                }
                None => mamori_domain::dates::today(),
            };
            let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            let base = settings
                .public_url
                .clone()
                .unwrap_or_else(|| "http://127.0.0.1:8080".to_string());
            let started = std::time::Instant::now();
            if dry_run {
                for (org, _) in store.organizations().await.map_err(describe)? {
                    for r in store.reminders_due(&org, as_of).await.map_err(describe)? {
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}",
                            org.slug,
                            r.kind.code(),
                            r.due_on,
                            r.email,
                            r.task_code,
                            r.title
                        );
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let mailer = mamori_web::mail::Mailer::from_env()
                .ok_or("MAMORI_SMTP_URL is not set (or use --dry-run)")??;
            let (due, queued) = mamori_web::mail::queue_reminders(&store, as_of, &base)
                .await
                .map_err(describe)?;
            let (sent, failed) = mamori_web::mail::send_queued(&store, &mailer)
                .await
                .map_err(describe)?;
            println!(
                "{} reminder(s) due on {as_of}, {queued} queued now; {sent} sent, {failed} failed, in {:.1} s",
                due.len(),
                started.elapsed().as_secs_f64()
            );
            if failed > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Migrate => {
            let pool = mamori_store::Pool::connect(&settings.database_url).await?;
            let n = mamori_store::schema::migrate(&pool).await?;
            println!(
                "{n} migration(s) applied; schema version {}",
                mamori_store::schema::schema_version()
            );
        }
        Command::Org(cmd) => return org(&settings, cmd).await,
        Command::User(cmd) => {
            let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            let actor = Actor::cli("user");
            match cmd {
                UserCommand::Add {
                    email,
                    name,
                    password,
                    org,
                    role,
                    department,
                    person,
                    until,
                } => {
                    let role = Role::parse(&role).ok_or("role must be one of admin, isms_manager, department_manager, staff, auditor")?;
                    let until = match until {
                        Some(u) => Some(
                            mamori_domain::dates::parse_date(&u).ok_or("--until is not a date")?,
                        ),
                        None => None,
                    };
                    let password = read_password(password)?;
                    let user = store
                        .create_user(&actor, &email, &name, &password)
                        .await
                        .map_err(describe)?;
                    if let Some(slug) = org {
                        let org = store
                            .organization(&slug)
                            .await
                            .map_err(|_| format!("no organisation {slug}"))?;
                        store
                            .add_membership(
                                &actor,
                                &org,
                                user.id,
                                role,
                                department.as_deref(),
                                person.as_deref(),
                                until,
                            )
                            .await
                            .map_err(describe)?;
                    }
                    println!("user {} added", user.email);
                }
                UserCommand::SetPassword { email, password } => {
                    let user = store
                        .user_by_email(&email)
                        .await
                        .map_err(|_| format!("no user {email}"))?;
                    let password = read_password(password)?;
                    store
                        .set_password(&actor, user.id, &password)
                        .await
                        .map_err(describe)?;
                    println!("password of {} set", user.email);
                }
                UserCommand::Disable { email } => {
                    let user = store
                        .user_by_email(&email)
                        .await
                        .map_err(|_| format!("no user {email}"))?;
                    store
                        .set_disabled(&actor, user.id, true)
                        .await
                        .map_err(describe)?;
                    println!("user {} disabled", user.email);
                }
            }
        }
        Command::Audit(cmd) => return audit(&settings, cmd).await,
        Command::Backup { file } => {
            let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            let p = Progress::new("backup");
            let backup = store
                .backup(&|what, done, total| p.step(what, done, total))
                .await?;
            p.finish();
            // Write beside the target, then rename: a crash never leaves half a backup under the name.
            let tmp = file.with_extension("partial");
            std::fs::write(&tmp, serde_json::to_vec(&backup)?)?;
            std::fs::rename(&tmp, &file)?;
            println!("backup written to {}", file.display());
        }
        Command::Restore { file } => {
            let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            let backup: mamori_store::backup::Backup =
                serde_json::from_slice(&std::fs::read(&file)?)?;
            let p = Progress::new("restore");
            store
                .restore(&backup, &|what, done, total| p.step(what, done, total))
                .await
                .map_err(describe)?;
            p.finish();
            println!("restored {} into {}", file.display(), settings.database_url);
        }
        Command::Synth {
            people,
            departments,
            years,
            seed,
            slug,
            assets,
            handling_per_asset,
            devices,
            keys,
            events,
            findings,
            risks,
        } => {
            let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            let p = Progress::new("synth");
            let opts = mamori_io::synth::Options {
                people,
                departments,
                years,
                seed,
                slug,
                assets,
                handling_per_asset,
                devices,
                keys,
                events,
                findings,
                risks,
            };
            let org = mamori_io::synth::build(&store, &opts, &|what, done, total| {
                p.step(what, done, total)
            })
            .await
            .map_err(|e| e.to_string())?;
            p.finish();
            println!(
                "organisation {} built: {people} people in {departments} departments over {years} years",
                org.slug
            );
            println!(
                "accounts <role>@{}.example, password {}",
                org.slug,
                mamori_io::demo::PASSWORD
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The key that signs checkpoints, if the settings name its file.
fn audit_key(settings: &Settings) -> Result<Option<Arc<AuditKey>>> {
    Ok(match &settings.audit_key_file {
        Some(path) => Some(Arc::new(AuditKey::load(path)?)),
        None => None,
    })
}

async fn audit(settings: &Settings, cmd: AuditCommand) -> Result<ExitCode> {
    match cmd {
        AuditCommand::Keygen { file } => {
            let key = AuditKey::create(&file)?;
            println!("audit key written to {}", file.display());
            println!("public key: {}", key.public_key());
            println!(
                "name it in the settings (audit_key_file or MAMORI_AUDIT_KEY_FILE) and keep it apart from the database and its backups"
            );
        }
        AuditCommand::Checkpoint { export } => {
            let key = audit_key(settings)?.ok_or(
                "no audit key: name a key file in the settings (audit_key_file or MAMORI_AUDIT_KEY_FILE); `mamori audit keygen FILE` makes one",
            )?;
            let store = Store::open(&settings.database_url, settings.policy.clone())
                .await?
                .with_audit_key(key);
            let c = store.audit_checkpoint("cli").await?.ok_or("no audit key")?;
            println!(
                "checkpoint: seq {}, hash {}, at {}, public key {}",
                c.seq, c.hash, c.at, c.public_key
            );
            if let Some(file) = export {
                let tmp = file.with_extension("partial");
                std::fs::write(&tmp, serde_json::to_vec_pretty(&c.export())?)?;
                std::fs::rename(&tmp, &file)?;
                println!("written to {}", file.display());
            }
        }
        AuditCommand::Verify { against } => {
            let kept = match &against {
                Some(file) => {
                    let text = std::fs::read_to_string(file)
                        .map_err(|e| format!("{}: {e}", file.display()))?;
                    Some(
                        Checkpoint::import(&text)
                            .map_err(|e| format!("{}: {e}", file.display()))?,
                    )
                }
                None => None,
            };
            let trusted = audit_key(settings)?.map(|k| k.public_key());
            let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
            let p = Progress::new("verify");
            let f = store
                .verify_integrity(kept.as_ref(), trusted.as_deref(), &|what, done, total| {
                    p.step(what, done, total)
                })
                .await?;
            p.finish();
            let head = f.head.as_ref().map_or(0, |h| h.seq);
            println!("audit trail: {} entries walked, head at seq {head}", f.rows);
            println!(
                "checkpoints: {} stored{}",
                f.checkpoints,
                if kept.is_some() { ", 1 kept" } else { "" }
            );
            println!("records: {} compared with their history", f.records);
            if f.untrusted {
                println!(
                    "note: no audit key in the settings and no kept checkpoint: signatures were checked against the keys the checkpoints name"
                );
            }
            for problem in &f.problems {
                println!("{problem}");
            }
            if f.unlisted > 0 {
                println!("… and {} more", f.unlisted);
            }
            if f.intact() {
                println!("audit trail intact");
            } else {
                println!(
                    "audit trail BROKEN: {} problem(s)",
                    f.problems.len() as u64 + f.unlisted
                );
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The store, the command line's access as the secretariat of organisation `org`, and its fiscal
/// year `year`, for a command about one organisation's year.
async fn org_year(
    settings: &Settings,
    org: &str,
    year: i32,
    what: &str,
) -> Result<(Store, mamori_store::Access, mamori_domain::FiscalYear)> {
    if !(1990..=2100).contains(&year) {
        return Err("--year must be a fiscal year such as 2017".into());
    }
    let store = Store::open(&settings.database_url, settings.policy.clone()).await?;
    let org = store
        .organization(org)
        .await
        .map_err(|_| format!("no organisation {org}"))?;
    let fy = org.calendar.year(year);
    Ok((store, mamori_store::Access::system(org, what), fy))
}

async fn listen(bind: Option<String>) -> Result<tokio::net::TcpListener> {
    let bind = bind.unwrap_or_else(|| "127.0.0.1:8080".into());
    Ok(tokio::net::TcpListener::bind(&bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?)
}

async fn serve(store: Store, settings: &Settings, listener: tokio::net::TcpListener) -> Result<()> {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // Signs the head now and then whenever it has moved: a checkpoint costs two reads and a row.
    if store.audit_key.is_some() && settings.audit_checkpoint_minutes > 0 {
        let store = store.clone();
        let every = std::time::Duration::from_secs(settings.audit_checkpoint_minutes * 60);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = store.audit_checkpoint("periodic").await {
                    tracing::warn!("audit checkpoint: {e}");
                }
            }
        });
    }
    // Mail: reminders and the outbox, sent by whichever instance holds the lease.
    match mamori_web::mail::Mailer::from_env() {
        Some(Ok(mailer)) => {
            let every = std::env::var("MAMORI_MAIL_INTERVAL_SECONDS")
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .filter(|s| *s > 0)
                .unwrap_or(60);
            let base = settings
                .public_url
                .clone()
                .unwrap_or_else(|| "http://127.0.0.1:8080".to_string());
            mamori_web::mail::spawn_sender(
                store.clone(),
                mailer,
                base,
                std::time::Duration::from_secs(every),
            );
        }
        Some(Err(e)) => return Err(e.into()),
        None => {}
    }
    let state = mamori_web::AppState {
        store,
        config: Arc::new(mamori_web::Config {
            secure_cookies: settings.secure_cookies,
            public_url: settings.public_url.clone(),
        }),
    };
    mamori_web::serve(listener, state).await?;
    Ok(())
}
