//! Organisations, memberships and the access context every read and write is checked against.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Actor, Entry};
use crate::db::{P, Tx};
use crate::error::StoreError;
use mamori_domain::{Capability, FieldError, Role};

#[derive(Clone, Debug, Serialize)]
pub struct Organization {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub profile: serde_json::Value,
    /// The fiscal calendar: the month its years start in.
    pub calendar: mamori_domain::Calendar,
    /// The settings its profile holds, parsed once when the organisation is read.
    #[serde(skip)]
    pub settings: mamori_domain::OrgSettings,
}

/// The signed-in user acting in one organisation, with the role their membership gives.
#[derive(Clone, Debug)]
pub struct Access {
    pub actor: Actor,
    pub org: Organization,
    pub role: Role,
    pub department_id: Option<i64>,
    pub person_id: Option<i64>,
    /// Whether the member also administers the organisation (its members and settings) besides
    /// their role: its founder, who is its secretariat too.
    pub administers: bool,
}

impl Access {
    /// Whether the member may do what `c` names (`Role::may`, the permission table), as their role
    /// or as an administrator of the organisation.
    pub fn may(&self, c: Capability) -> bool {
        self.role.may(c) || (self.administers && Role::Admin.may(c))
    }

    /// The command line acting as the secretariat of an organisation (demo loading, import, synth).
    pub fn system(org: Organization, what: &str) -> Self {
        Access {
            actor: Actor::cli(what),
            org,
            role: Role::IsmsManager,
            department_id: None,
            person_id: None,
            administers: false,
        }
    }

    pub fn org_id(&self) -> i64 {
        self.org.id
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Membership {
    pub org_slug: String,
    pub org_name: String,
    pub role: Role,
    pub valid_until: Option<Date>,
}

fn org_from(r: &crate::db::Row) -> Result<Organization, StoreError> {
    let profile: serde_json::Value = serde_json::from_str(&r.text(4)?)?;
    Ok(Organization {
        id: r.i64(0)?,
        slug: r.text(1)?,
        name: r.text(2)?,
        name_en: r.opt_text(3)?,
        settings: mamori_domain::OrgSettings::of(&profile),
        profile,
        calendar: mamori_domain::Calendar::new(u8::try_from(r.i64(5)?).unwrap_or(4)),
    })
}

const ORG_COLUMNS: &str = "id, slug, name, name_en, profile, fiscal_year_start_month";

/// Sets one column of the organisation, with its audit entry, within a transaction.
async fn update_organization_in(
    tx: &mut Tx,
    access: &Access,
    column: &str,
    value: P,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<(), StoreError> {
    tx.execute(
        &format!("UPDATE organizations SET {column} = $1 WHERE id = $2"),
        &[value, access.org_id().into()],
    )
    .await?;
    audit::append(
        tx,
        &access.actor,
        Entry::new(
            Some(access.org_id()),
            "organization",
            Some(access.org_id()),
            "update",
        )
        .before(&before)
        .after(&after),
    )
    .await?;
    Ok(())
}

/// The details of an organisation its settings page edits, kept in its profile, with their
/// longest length: the legal name, postal code, address, telephone and certification scope.
pub const DETAILS: &[(&str, usize)] = &[
    ("legal_name", 200),
    ("postal_code", 20),
    ("address", 500),
    ("phone", 40),
    ("certification_scope", 1000),
];

/// One of the report's responsible persons (報告書1.3 本報告書の責任者（連絡先）): their title,
/// name and telephone number, as the profile keeps them under `contacts`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

impl Contact {
    /// The organisation's contacts, in order.
    pub fn of(org: &Organization) -> Vec<Contact> {
        org.profile
            .get("contacts")
            .and_then(|c| serde_json::from_value(c.clone()).ok())
            .unwrap_or_default()
    }
}

/// How many responsible persons the report names at most.
pub const MAX_CONTACTS: usize = 10;

pub fn valid_slug(slug: &str) -> bool {
    (2..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
}

/// What a new organisation starts with.
pub struct NewOrganization<'a> {
    /// Its identifier in URLs (`a-z`, `0-9`, `-`).
    pub slug: &'a str,
    pub name: &'a str,
    pub name_en: Option<&'a str>,
    /// The month its fiscal years start in (1–12).
    pub fiscal_year_start_month: u8,
    /// Its settings (`OrgSettings` and the report's), as kept.
    pub profile: serde_json::Value,
}

/// The first member of a new organisation: an account that exists, or a new one.
pub struct Founder<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// A new account's password; not needed for an account that exists.
    pub password: Option<&'a str>,
}

/// Adds an organisation in a transaction, with its audit entry; refused when its identifier is
/// not valid or taken, or its first month is not a month.
async fn insert_organization(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewOrganization<'_>,
) -> Result<i64, StoreError> {
    let name = mamori_domain::input::normalize(new.name);
    if !valid_slug(new.slug) {
        return Err(StoreError::invalid("slug", "invalid-slug"));
    }
    if name.is_empty() {
        return Err(StoreError::invalid("name", "required"));
    }
    if name.chars().count() > 200 {
        return Err(StoreError::Invalid(vec![FieldError::with(
            "name", "too-long", "200",
        )]));
    }
    if !(1..=12).contains(&new.fiscal_year_start_month) {
        return Err(StoreError::invalid(
            "fiscal_year_start_month",
            "invalid-choice",
        ));
    }
    if tx
        .fetch_optional(
            "SELECT id FROM organizations WHERE slug = $1",
            &[new.slug.into()],
        )
        .await?
        .is_some()
    {
        return Err(StoreError::Invalid(vec![FieldError::with(
            "slug",
            "duplicate",
            new.slug,
        )]));
    }
    let id = tx
        .fetch_one(
            "INSERT INTO organizations (slug, name, name_en, profile, fiscal_year_start_month, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                new.slug.into(),
                name.clone().into(),
                P::OptText(new.name_en.map(mamori_domain::input::normalize).filter(|n| !n.is_empty())),
                new.profile.to_string().into(),
                P::Int(new.fiscal_year_start_month.into()),
                OffsetDateTime::now_utc().into(),
            ],
        )
        .await?
        .i64(0)?;
    let after = serde_json::json!({"slug": new.slug, "name": name, "fiscal_year_start_month": new.fiscal_year_start_month});
    audit::append(
        tx,
        actor,
        Entry::new(Some(id), "organization", Some(id), "create").after(&after),
    )
    .await?;
    Ok(id)
}

impl Store {
    pub async fn create_organization(
        &self,
        actor: &Actor,
        slug: &str,
        name: &str,
        name_en: Option<&str>,
        profile: serde_json::Value,
        fiscal_year_start_month: u8,
    ) -> Result<Organization, StoreError> {
        let new = NewOrganization {
            slug,
            name,
            name_en,
            fiscal_year_start_month,
            profile,
        };
        let mut tx = self.pool.begin().await?;
        insert_organization(&mut tx, actor, &new).await?;
        tx.commit().await?;
        self.organization(slug).await
    }

    /// Founds an organisation with its first member (see `found`): from the command line, or by an
    /// installation's administrator.
    pub async fn found_organization(
        &self,
        actor: &Actor,
        org: &NewOrganization<'_>,
        founder: &Founder<'_>,
    ) -> Result<(Organization, crate::User), StoreError> {
        self.found(None, actor, org, founder).await
    }

    /// Founds a further organisation from the web: only an installation's administrator, who
    /// becomes its secretariat and administers it.
    pub async fn found_another_organization(
        &self,
        by: &crate::User,
        org: &NewOrganization<'_>,
    ) -> Result<Organization, StoreError> {
        if !by.installation_admin || by.disabled {
            return Err(StoreError::Forbidden);
        }
        let actor = Actor {
            user_id: Some(by.id),
            label: by.email.clone(),
        };
        let founder = Founder {
            email: &by.email,
            name: &by.display_name,
            password: None,
        };
        Ok(self.found(None, &actor, org, &founder).await?.0)
    }

    /// Makes an account an administrator of the installation, or no longer one (the command line,
    /// the demo), with its audit entry.
    pub async fn set_installation_admin(
        &self,
        actor: &Actor,
        user_id: i64,
        admin: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        tx.execute(
            "UPDATE users SET installation_admin = $1 WHERE id = $2",
            &[P::Bool(admin), user_id.into()],
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Entry::new(None, "user", Some(user_id), "update")
                .after(&serde_json::json!({"installation_admin": admin})),
        )
        .await?;
        tx.commit().await
    }

    /// A one-time set-up token while the installation has no organisation (`None` once it has
    /// one): its hash is kept, so any instance accepts it, and the token is shown once.
    pub async fn setup_token(&self) -> Result<Option<String>, StoreError> {
        if self.organization_count().await? > 0 {
            return Ok(None);
        }
        let token = crate::auth::random_token();
        self.pool
            .execute(
                "INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)",
                &[
                    crate::auth::token_hash(&token).into(),
                    OffsetDateTime::now_utc().into(),
                ],
            )
            .await?;
        Ok(Some(token))
    }

    /// Whether set-up may go on with `token`: refused as `already-set-up` (409) once an
    /// organisation exists, and forbidden for anything that is not a set-up token.
    pub async fn check_setup_token(&self, token: &str) -> Result<(), StoreError> {
        if self.organization_count().await? > 0 {
            return Err(StoreError::Refused("already-set-up"));
        }
        self.pool
            .fetch_optional(
                "SELECT 1 FROM setup_tokens WHERE token_hash = $1",
                &[crate::auth::token_hash(token).into()],
            )
            .await?
            .map(|_| ())
            .ok_or(StoreError::Forbidden)
    }

    /// Founds the installation's first organisation with a set-up token (`found_organization`),
    /// once: the founding transaction spends every set-up token, so a second attempt, even at the
    /// same moment, is refused as `already-set-up`.
    pub async fn found_first_organization(
        &self,
        token: &str,
        actor: &Actor,
        org: &NewOrganization<'_>,
        founder: &Founder<'_>,
    ) -> Result<(Organization, crate::User), StoreError> {
        self.found(Some(token), actor, org, founder).await
    }

    /// Founds an organisation with its first member, in one transaction: the founder is its ISMS
    /// secretariat and administers it (members and settings). The founder is an account that
    /// exists (a consultant founding a client's organisation), or a new one with the name and
    /// password given.
    async fn found(
        &self,
        token: Option<&str>,
        actor: &Actor,
        org: &NewOrganization<'_>,
        founder: &Founder<'_>,
    ) -> Result<(Organization, crate::User), StoreError> {
        let existing = self.user_by_email(founder.email).await.ok();
        let new_user = match (&existing, founder.password) {
            // A password for an account that exists would be ignored: refused rather than
            // leaving someone to believe they set it.
            (Some(_), Some(_)) => {
                return Err(StoreError::Invalid(vec![FieldError::with(
                    "email",
                    "duplicate",
                    founder.email,
                )]));
            }
            (Some(_), None) => None,
            (None, Some(password)) => {
                // The founder's dates and language are the organisation's.
                let mut new = self.new_user(founder.email, founder.name, password).await?;
                let settings = mamori_domain::OrgSettings::of(&org.profile);
                (new.lang, new.date_style) = (settings.lang, settings.date_style);
                Some(new)
            }
            (None, None) => return Err(StoreError::invalid("password", "required")),
        };
        let mut tx = self.pool.begin().await?;
        if let Some(token) = token {
            // The token's row is locked first: a founding at the same moment waits for this one,
            // then finds its token spent and the organisation there.
            let spent = tx
                .execute(
                    "DELETE FROM setup_tokens WHERE token_hash = $1",
                    &[crate::auth::token_hash(token).into()],
                )
                .await?;
            let founded = tx
                .fetch_one("SELECT COUNT(*) FROM organizations", &[])
                .await?
                .i64(0)?;
            if founded > 0 {
                return Err(StoreError::Refused("already-set-up"));
            }
            if spent == 0 {
                return Err(StoreError::Forbidden);
            }
            tx.execute("DELETE FROM setup_tokens", &[]).await?;
        }
        let first = tx
            .fetch_one("SELECT COUNT(*) FROM organizations", &[])
            .await?
            .i64(0)?
            == 0;
        let org_id = insert_organization(&mut tx, actor, org).await?;
        let user_id = match (&existing, &new_user) {
            (Some(user), _) => user.id,
            (None, Some(new)) => crate::auth::insert_user(&mut tx, actor, new).await?,
            (None, None) => unreachable!("a founder without an account has a password"),
        };
        // The founder of the installation's first organisation administers the installation:
        // they found the next ones from the web.
        if first {
            tx.execute(
                "UPDATE users SET installation_admin = $1 WHERE id = $2",
                &[P::Bool(true), user_id.into()],
            )
            .await?;
            audit::append(
                &mut tx,
                actor,
                Entry::new(None, "user", Some(user_id), "update")
                    .after(&serde_json::json!({"installation_admin": true})),
            )
            .await?;
        }
        let id = tx
            .fetch_one(
                "INSERT INTO memberships (user_id, org_id, role, administers, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    user_id.into(),
                    org_id.into(),
                    Role::IsmsManager.code().into(),
                    P::Bool(true),
                    OffsetDateTime::now_utc().into(),
                ],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({"user_id": user_id, "role": Role::IsmsManager.code(), "administers": true});
        audit::append(
            &mut tx,
            actor,
            Entry::new(Some(org_id), "membership", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok((
            self.organization(org.slug).await?,
            self.user(user_id).await?,
        ))
    }

    /// Every organisation of the installation, in the order they were founded, with how many
    /// members each has.
    pub async fn organizations(&self) -> Result<Vec<(Organization, i64)>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT {ORG_COLUMNS}, (SELECT COUNT(*) FROM memberships m WHERE m.org_id = organizations.id) \
                     FROM organizations ORDER BY id"
                ),
                &[],
            )
            .await?;
        rows.iter().map(|r| Ok((org_from(r)?, r.i64(6)?))).collect()
    }

    pub async fn organization(&self, slug: &str) -> Result<Organization, StoreError> {
        let row = self
            .pool
            .fetch_one(
                &format!("SELECT {ORG_COLUMNS} FROM organizations WHERE slug = $1"),
                &[slug.into()],
            )
            .await?;
        org_from(&row)
    }

    /// The day of the organisation's latest security event or audit, not after today: the pages
    /// open at its fiscal year, the latest year whose figures have something to show (the demo,
    /// whose events stop in FY2017, opens there; a company in its year opens at that year).
    pub async fn latest_activity(&self, org_id: i64) -> Result<Option<time::Date>, StoreError> {
        let part = |table: &str, col: &str| {
            format!(
                "SELECT MAX({col}) AS d FROM {table} WHERE org_id = $1 AND withdrawn_at IS NULL AND {col} <= $2"
            )
        };
        let sql = format!(
            "SELECT CAST(MAX(d) AS TEXT) FROM ({} UNION ALL {}) x",
            part("security_events", "occurred_on"),
            part("audits", "started_on"),
        );
        let row = self
            .pool
            .fetch_one(
                &sql,
                &[P::Int(org_id), P::Date(mamori_domain::dates::today())],
            )
            .await?;
        Ok(row
            .opt_text(0)?
            .and_then(|d| mamori_domain::dates::parse_date(&d)))
    }

    pub async fn organization_count(&self) -> Result<i64, StoreError> {
        self.pool
            .fetch_one("SELECT COUNT(*) FROM organizations", &[])
            .await?
            .i64(0)
    }

    /// Organisation settings (admin): the fiscal year's first month.
    pub async fn set_fiscal_year_start(
        &self,
        access: &Access,
        month: u8,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        if !(1..=12).contains(&month) {
            return Err(StoreError::invalid(
                "fiscal_year_start_month",
                "invalid-choice",
            ));
        }
        let mut tx = self.pool.begin().await?;
        update_organization_in(
            &mut tx,
            access,
            "fiscal_year_start_month",
            P::Int(month.into()),
            serde_json::json!({"fiscal_year_start_month": access.org.calendar.start_month()}),
            serde_json::json!({"fiscal_year_start_month": month}),
        )
        .await?;
        // The objectives' results are those measured in their fiscal years, which have moved.
        let mut moved = access.clone();
        moved.org.calendar = mamori_domain::Calendar::new(month);
        crate::objectives::recompute_all(&mut tx, &moved).await?;
        tx.commit().await
    }

    /// Sets how a new member's dates are shown and the language they start in.
    pub async fn set_member_defaults(
        &self,
        access: &Access,
        style: mamori_domain::DateStyle,
        lang: mamori_domain::Lang,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        self.set_profile_entries(
            access,
            &[
                ("date_style", style.code().into()),
                ("lang", lang.code().into()),
            ],
        )
        .await
    }

    /// Sets the organisation's own code patterns of numbered registers (`OrgSettings::codes`),
    /// by register code; a register not named keeps its own. Two registers may not share a
    /// prefix, or their codes could not be told apart.
    pub async fn set_code_patterns(
        &self,
        access: &Access,
        patterns: &std::collections::BTreeMap<String, mamori_domain::CodePattern>,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeMap::new();
        for (code, pattern) in patterns {
            let numbered = mamori_domain::registers::ALL
                .iter()
                .find(|r| r.code == code.as_str() && r.numbered.is_some());
            if numbered.is_none() {
                errors.push(FieldError::with(
                    "code_prefix",
                    "unknown-parameter",
                    code.clone(),
                ));
            }
            if pattern.prefix.is_empty() {
                errors.push(FieldError::new("code_prefix", "required"));
            }
            // Compared up to the year's place: E- and E-{fiscal_year}- both begin E-.
            let mut stem = pattern
                .prefix
                .split(mamori_domain::CodePattern::YEAR)
                .next()
                .unwrap_or_default()
                .to_string();
            if stem.is_empty() {
                stem = pattern.prefix.replace(mamori_domain::CodePattern::YEAR, "");
            }
            if seen.insert(stem, code.clone()).is_some() {
                errors.push(FieldError::with(
                    "code_prefix",
                    "prefix-taken",
                    pattern.prefix.clone(),
                ));
            }
        }
        // The registers the form leaves at their own prefix take part too.
        for reg in mamori_domain::registers::ALL {
            if let Some(prefix) = reg.numbered
                && !patterns.contains_key(reg.code)
                && seen.contains_key(prefix)
            {
                errors.push(FieldError::with("code_prefix", "prefix-taken", prefix));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        self.set_profile_entries(access, &[("codes", serde_json::to_value(patterns)?)])
            .await
    }

    /// Sets the remedial-training rule: the period (days) within which a second human-error event
    /// of the same person puts them on the remedial course, and the days after it within which
    /// they are trained. One audit entry names both.
    pub async fn set_remedial_rule(
        &self,
        access: &Access,
        rule: mamori_domain::registers::RemedialRule,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        self.set_profile_entries(
            access,
            &[
                ("remedial_days", rule.period_days.into()),
                ("remedial_within_days", rule.within_days.into()),
            ],
        )
        .await
    }

    /// Sets the cycles: how often patches, password changes and key inspections fall due, and how
    /// early a certificate's expiry is warned of. One audit entry names them all.
    pub async fn set_cycles(
        &self,
        access: &Access,
        cycles: mamori_domain::plan::Cycles,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        let entries: Vec<(&str, serde_json::Value)> = mamori_domain::plan::Cycles::NAMES
            .iter()
            .zip(cycles.values())
            .map(|((name, _), v)| (*name, v.into()))
            .collect();
        self.set_profile_entries(access, &entries).await
    }

    /// Organisation settings (admin, ISMS manager): how long a take-out may stay out, and the
    /// handling rules by classification and transfer method.
    pub async fn set_asset_rules(
        &self,
        access: &Access,
        rules: &mamori_domain::registers::AssetRules,
    ) -> Result<(), StoreError> {
        use mamori_domain::registers::{
            CLASSIFICATIONS, HANDLING_KINDS, PROTECTIONS, TRANSFER_METHODS,
        };
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        if !(1..=365).contains(&rules.take_out_days) {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "take_out_days",
                "int-range",
                "1–365",
            )]));
        }
        for r in &rules.handling_rules {
            let known = CLASSIFICATIONS.contains(&r.classification.as_str())
                && HANDLING_KINDS.contains(&r.kind.as_str())
                && TRANSFER_METHODS.contains(&r.method.as_str())
                && r.protections
                    .iter()
                    .all(|p| p != "none" && PROTECTIONS.contains(&p.as_str()));
            if !known {
                return Err(StoreError::invalid("handling_rules", "invalid-choice"));
            }
        }
        for (level, names) in &rules.names {
            let bad = |n: &str| n.chars().count() > 40 || n.chars().any(char::is_control);
            if !CLASSIFICATIONS.contains(&level.as_str()) || bad(&names.ja) || bad(&names.en) {
                return Err(StoreError::invalid("names", "invalid-name"));
            }
        }
        if rules
            .guarantee
            .iter()
            .any(|c| !CLASSIFICATIONS.contains(&c.as_str()))
        {
            return Err(StoreError::invalid("guarantee", "invalid-choice"));
        }
        self.set_profile(access, "asset_rules", serde_json::to_value(rules)?)
            .await
    }

    /// The yearly report's settings (secretariat, administrators): kept in the profile as `report`.
    pub async fn set_report_settings(
        &self,
        access: &Access,
        settings: serde_json::Value,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        self.set_profile(access, "report", settings).await
    }

    /// Sets one entry of the organisation's profile, with its audit entry (before and after).
    pub(crate) async fn set_profile(
        &self,
        access: &Access,
        key: &str,
        after: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.set_profile_entries(access, &[(key, after)]).await
    }

    /// Sets entries of the organisation's profile together, with one audit entry (before and after).
    pub(crate) async fn set_profile_entries(
        &self,
        access: &Access,
        entries: &[(&str, serde_json::Value)],
    ) -> Result<(), StoreError> {
        // Read in the write's transaction (writers take turns), so a setting saved by someone
        // else since this request read the organisation is kept.
        let mut tx = self.pool.begin().await?;
        let stored = tx
            .fetch_one(
                "SELECT profile FROM organizations WHERE id = $1",
                &[access.org_id().into()],
            )
            .await?
            .text(0)?;
        let mut profile = match serde_json::from_str(&stored)? {
            serde_json::Value::Object(o) => o,
            _ => serde_json::Map::new(),
        };
        let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
        for (key, value) in entries {
            let old = profile.insert(key.to_string(), value.clone());
            before.insert(key.to_string(), old.unwrap_or(serde_json::Value::Null));
            after.insert(key.to_string(), value.clone());
        }
        update_organization_in(
            &mut tx,
            access,
            "profile",
            serde_json::Value::Object(profile).to_string().into(),
            serde_json::Value::Object(before),
            serde_json::Value::Object(after),
        )
        .await?;
        tx.commit().await
    }

    /// Sets the organisation's names, the details its profile keeps (`DETAILS`) and the report's
    /// responsible persons (when given: `None` keeps them), in one transaction with one audit
    /// entry (before and after); an empty detail, and a contact row left empty, is removed. For
    /// those who change the settings.
    pub async fn set_organization_details(
        &self,
        access: &Access,
        name: &str,
        name_en: &str,
        details: &[(&str, &str)],
        contacts: Option<&[Contact]>,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        let name = mamori_domain::input::normalize(name);
        let name_en = mamori_domain::input::normalize(name_en);
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(FieldError::new("name", "required"));
        }
        for (field, value, max) in [("name", &name, 200), ("name_en", &name_en, 200)] {
            if value.chars().count() > max {
                errors.push(FieldError::with(field, "too-long", max.to_string()));
            }
        }
        let mut cleaned = Vec::new();
        for (key, value) in details {
            let Some((_, max)) = DETAILS.iter().find(|(k, _)| k == key) else {
                errors.push(FieldError::new(key, "unknown-parameter"));
                continue;
            };
            // A postal code and a telephone number are codes: full-width hyphens fold too.
            let value = if matches!(*key, "postal_code" | "phone") {
                mamori_domain::input::normalize_strict(value)
            } else {
                mamori_domain::input::normalize(value)
            };
            if value.chars().count() > *max {
                errors.push(FieldError::with(key, "too-long", max.to_string()));
            }
            cleaned.push((*key, value));
        }
        let mut people = Vec::new();
        for c in contacts.unwrap_or_default() {
            let c = Contact {
                title: mamori_domain::input::normalize(&c.title),
                name: mamori_domain::input::normalize(&c.name),
                phone: mamori_domain::input::normalize_strict(&c.phone),
            };
            if c == Contact::default() {
                continue;
            }
            if c.name.is_empty() {
                errors.push(FieldError::new("contact_name", "required"));
            }
            for (f, value, max) in [
                ("contact_title", &c.title, 100),
                ("contact_name", &c.name, 100),
                ("contact_phone", &c.phone, 40),
            ] {
                if value.chars().count() > max {
                    errors.push(FieldError::with(f, "too-long", max.to_string()));
                }
            }
            people.push(c);
        }
        if people.len() > MAX_CONTACTS {
            errors.push(FieldError::with(
                "contacts",
                "too-many",
                MAX_CONTACTS.to_string(),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut tx = self.pool.begin().await?;
        // Read in the transaction, so a concurrent change of another setting is kept.
        let row = tx
            .fetch_one(
                "SELECT name, name_en, profile FROM organizations WHERE id = $1",
                &[access.org_id().into()],
            )
            .await?;
        let mut profile = match serde_json::from_str(&row.text(2)?)? {
            serde_json::Value::Object(o) => o,
            _ => serde_json::Map::new(),
        };
        let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
        before.insert("name".into(), row.text(0)?.into());
        before.insert("name_en".into(), row.opt_text(1)?.into());
        after.insert("name".into(), name.clone().into());
        after.insert(
            "name_en".into(),
            Some(name_en.clone()).filter(|n| !n.is_empty()).into(),
        );
        if contacts.is_some() {
            let people = serde_json::to_value(&people)?;
            let old = if people.as_array().is_some_and(|p| p.is_empty()) {
                profile.remove("contacts")
            } else {
                profile.insert("contacts".into(), people.clone())
            };
            before.insert("contacts".into(), old.unwrap_or(serde_json::Value::Null));
            after.insert("contacts".into(), people);
        }
        for (key, value) in &cleaned {
            let old = if value.is_empty() {
                profile.remove(*key)
            } else {
                profile.insert(key.to_string(), value.clone().into())
            };
            before.insert(key.to_string(), old.unwrap_or(serde_json::Value::Null));
            after.insert(
                key.to_string(),
                Some(value.clone()).filter(|v| !v.is_empty()).into(),
            );
        }
        tx.execute(
            "UPDATE organizations SET name = $1, name_en = $2, profile = $3 WHERE id = $4",
            &[
                name.into(),
                P::OptText(Some(name_en).filter(|n| !n.is_empty())),
                serde_json::Value::Object(profile).to_string().into(),
                access.org_id().into(),
            ],
        )
        .await?;
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(
                Some(access.org_id()),
                "organization",
                Some(access.org_id()),
                "update",
            )
            .before(&serde_json::Value::Object(before))
            .after(&serde_json::Value::Object(after)),
        )
        .await?;
        tx.commit().await
    }

    /// Makes `user_id` a member of an organisation. An auditor's membership must end.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_membership(
        &self,
        actor: &Actor,
        org: &Organization,
        user_id: i64,
        role: Role,
        department_code: Option<&str>,
        employee_no: Option<&str>,
        valid_until: Option<Date>,
    ) -> Result<(), StoreError> {
        if role == Role::Auditor && valid_until.is_none() {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "valid_until",
                "auditor-needs-end-date",
            )]));
        }
        let mut tx = self.pool.begin().await?;
        let (department_id, person_id) =
            crate::members::member_refs(&mut tx, org.id, department_code, employee_no).await?;
        if role == Role::DepartmentManager && department_id.is_none() {
            return Err(StoreError::invalid("department", "required"));
        }
        if tx
            .fetch_optional(
                "SELECT id FROM memberships WHERE user_id = $1 AND org_id = $2",
                &[user_id.into(), org.id.into()],
            )
            .await?
            .is_some()
        {
            return Err(StoreError::invalid("user", "duplicate"));
        }
        let id = tx
            .fetch_one(
                "INSERT INTO memberships (user_id, org_id, role, department_id, person_id, valid_until, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[user_id.into(), org.id.into(), role.code().into(), P::OptInt(department_id), P::OptInt(person_id), P::OptDate(valid_until), OffsetDateTime::now_utc().into()],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({"user_id": user_id, "role": role.code(), "department": department_code, "person": employee_no, "valid_until": valid_until.map(mamori_domain::dates::iso)});
        audit::append(
            &mut tx,
            actor,
            Entry::new(Some(org.id), "membership", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await
    }

    pub async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                "SELECT o.slug, o.name, m.role, m.valid_until FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.id",
                &[user_id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Membership {
                    org_slug: r.text(0)?,
                    org_name: r.text(1)?,
                    role: Role::parse(&r.text(2)?)
                        .ok_or_else(|| StoreError::Data("unknown role".into()))?,
                    valid_until: r.get(3)?,
                })
            })
            .collect()
    }

    /// The access context of a user in an organisation (by default their first), refused when they
    /// are not a member or their (auditor's) membership has ended. One query: it runs on every request.
    pub async fn access(
        &self,
        user: &crate::auth::User,
        org_slug: Option<&str>,
    ) -> Result<Access, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                "SELECT o.id, o.slug, o.name, o.name_en, o.profile, o.fiscal_year_start_month, m.role, m.department_id, m.person_id, m.valid_until, m.administers \
                 FROM memberships m JOIN organizations o ON o.id = m.org_id \
                 WHERE m.user_id = $1 AND (o.slug = $2 OR $3) ORDER BY o.id LIMIT 1",
                &[user.id.into(), P::Text(org_slug.unwrap_or("").to_string()), P::Bool(org_slug.is_none())],
            )
            .await?
            .ok_or(StoreError::Forbidden)?;
        let valid_until: Option<Date> = row.get(9)?;
        if valid_until.is_some_and(|d| d < mamori_domain::dates::today()) {
            return Err(StoreError::Forbidden);
        }
        Ok(Access {
            actor: Actor {
                user_id: Some(user.id),
                label: user.email.clone(),
            },
            org: org_from(&row)?,
            role: Role::parse(&row.text(6)?)
                .ok_or_else(|| StoreError::Data("unknown role".into()))?,
            department_id: row.get(7)?,
            person_id: row.get(8)?,
            administers: row.get(10)?,
        })
    }
}

impl Store {
    /// The organisation's trail, newest first: for the secretariat, administrators and auditors.
    pub async fn audit_trail(
        &self,
        access: &Access,
        filter: &audit::TrailFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<audit::HistoryEntryRow>, i64, i64), StoreError> {
        if !access.may(Capability::ReadAuditTrail) {
            return Err(StoreError::Forbidden);
        }
        audit::recent(
            &self.pool,
            access.org_id(),
            filter,
            limit.clamp(1, 10_000_000),
            offset.max(0),
        )
        .await
    }

    /// What the organisation's trail can be filtered by (`audit::trail_facets`).
    pub async fn audit_trail_facets(
        &self,
        access: &Access,
    ) -> Result<(Vec<(i64, String)>, Vec<String>, Vec<String>), StoreError> {
        if !access.may(Capability::ReadAuditTrail) {
            return Err(StoreError::Forbidden);
        }
        audit::trail_facets(&self.pool, access.org_id()).await
    }

    /// Verifies the whole chain, for the same roles.
    pub async fn audit_verify(&self, access: &Access) -> Result<audit::Verification, StoreError> {
        if !access.may(Capability::ReadAuditTrail) {
            return Err(StoreError::Forbidden);
        }
        audit::verify(&self.pool, &|_, _| {}).await
    }
}

pub use crate::members::{Member, NewMember};
