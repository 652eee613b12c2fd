//! The yearly report's revisions and their workflow: draft → review → approved (by top management)
//! → published. The store keeps what people write (the narratives, the issue date, a revision's
//! change note) and, on publication, the frozen renderings with their SHA-256 in the audit trail;
//! the figures are computed by `mamori-report` and handed in.

use mamori_domain::Capability;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::audit::{self, AuditHead, Entry};
use crate::db::{P, Row};
use crate::error::StoreError;
use crate::org::Access;

/// Where a revision is in its workflow: draft → review → approved (by top management) →
/// published; review and approved may be sent back to draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Review,
    Approved,
    Published,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] = [
        ReportStatus::Draft,
        ReportStatus::Review,
        ReportStatus::Approved,
        ReportStatus::Published,
    ];

    /// As stored, in the API and in translation keys (`report-status-draft`).
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Review => "review",
            ReportStatus::Approved => "approved",
            ReportStatus::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The steps `Store::report_advance` takes (publication is its own step, from approved).
    pub fn may_advance_to(self, to: ReportStatus) -> bool {
        use ReportStatus::*;
        matches!(
            (self, to),
            (Draft, Review) | (Review, Draft) | (Approved, Draft) | (Review, Approved)
        )
    }
}

impl std::fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
/// The longest change note of a correction, in characters.
pub const MAX_CHANGE_NOTE: usize = 2000;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportRevision {
    pub id: i64,
    pub fiscal_year: i32,
    pub revision: i64,
    pub status: ReportStatus,
    pub issued_on: Date,
    /// Block key → text.
    pub narratives: serde_json::Map<String, serde_json::Value>,
    pub change_note: Option<String>,
    /// The figures when the revision was sent for review (to show what changed since).
    pub review_figures: Option<serde_json::Value>,
    pub approved_by: Option<String>,
    pub approved_on: Option<Date>,
    pub published_on: Option<Date>,
    /// Who published the revision, as the audit trail's publication entry names them.
    pub published_by: Option<String>,
    /// The audit trail's head when the published revision was computed: the records it shows are
    /// those of the trail up to this entry.
    pub audit_head: Option<AuditHead>,
}

const COLUMNS: &str = "id, fiscal_year, revision, status, issued_on, narratives, change_note, review_figures, approved_by, approved_on, published_on, audit_seq, audit_hash, \
     (SELECT a.actor FROM audit_events a WHERE a.org_id = reports.org_id AND a.entity = 'report' \
      AND a.entity_id = reports.id AND a.action = 'publish' ORDER BY a.seq DESC LIMIT 1)";

fn revision(r: &Row) -> Result<ReportRevision, StoreError> {
    let narratives = match serde_json::from_str(&r.text(5)?)? {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    Ok(ReportRevision {
        id: r.i64(0)?,
        fiscal_year: r.i64(1)? as i32,
        revision: r.i64(2)?,
        status: ReportStatus::parse(&r.text(3)?)
            .ok_or_else(|| StoreError::Data("a report's status".into()))?,
        issued_on: r.get(4)?,
        narratives,
        change_note: r.opt_text(6)?,
        review_figures: r
            .opt_text(7)?
            .map(|t| serde_json::from_str(&t))
            .transpose()?,
        approved_by: r.opt_text(8)?,
        approved_on: r.get(9)?,
        published_on: r.get(10)?,
        audit_head: match (r.get::<Option<i64>>(11)?, r.opt_text(12)?) {
            (Some(seq), Some(hash)) => Some(AuditHead { seq, hash }),
            _ => None,
        },
        published_by: r.opt_text(13)?,
    })
}

/// Secretariat and administrators prepare the report: start, edit, send for review, approve (if
/// top management), publish.
pub fn may_prepare(access: &Access) -> Result<(), StoreError> {
    if access.may(Capability::PrepareReport) {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// Every member reads a year's report, staff only once its latest revision (`latest`, as
/// `report_revisions` gives it to them) is published.
pub fn may_read(access: &Access, latest: Option<&ReportRevision>) -> Result<(), StoreError> {
    if !access.may(Capability::ReadUnpublishedReports)
        && latest.is_none_or(|r| r.status != ReportStatus::Published)
    {
        return Err(StoreError::Forbidden);
    }
    Ok(())
}

impl Store {
    /// The revisions of every year's report, the latest year first and newest first within a
    /// year. Staff see published ones only.
    pub async fn report_list(&self, access: &Access) -> Result<Vec<ReportRevision>, StoreError> {
        let staff = if !access.may(Capability::ReadUnpublishedReports) {
            " AND status = 'published'"
        } else {
            ""
        };
        self.pool
            .fetch_all(
                &format!(
                    "SELECT {COLUMNS} FROM reports WHERE org_id = $1{staff} ORDER BY fiscal_year DESC, revision DESC"
                ),
                &[access.org_id().into()],
            )
            .await?
            .iter()
            .map(revision)
            .collect()
    }

    /// The revisions of one fiscal year's report, newest first. Staff see published ones only.
    pub async fn report_revisions(
        &self,
        access: &Access,
        fiscal_year: i32,
    ) -> Result<Vec<ReportRevision>, StoreError> {
        let staff = if !access.may(Capability::ReadUnpublishedReports) {
            " AND status = 'published'"
        } else {
            ""
        };
        self.pool
            .fetch_all(
                &format!(
                    "SELECT {COLUMNS} FROM reports WHERE org_id = $1 AND fiscal_year = $2{staff} ORDER BY revision DESC"
                ),
                &[access.org_id().into(), i64::from(fiscal_year).into()],
            )
            .await?
            .iter()
            .map(revision)
            .collect()
    }

    pub async fn report_revision(
        &self,
        access: &Access,
        id: i64,
    ) -> Result<ReportRevision, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                &format!("SELECT {COLUMNS} FROM reports WHERE org_id = $1 AND id = $2"),
                &[access.org_id().into(), id.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let r = revision(&row)?;
        if !access.may(Capability::ReadUnpublishedReports) && r.status != ReportStatus::Published {
            return Err(StoreError::NotFound);
        }
        Ok(r)
    }

    /// The narratives of the latest revision of the latest report before `fiscal_year`: a new
    /// year's report starts as a copy of them.
    pub async fn report_previous_narratives(
        &self,
        access: &Access,
        fiscal_year: i32,
    ) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                &format!(
                    "SELECT {COLUMNS} FROM reports WHERE org_id = $1 AND fiscal_year < $2 \
                     ORDER BY fiscal_year DESC, revision DESC LIMIT 1"
                ),
                &[access.org_id().into(), i64::from(fiscal_year).into()],
            )
            .await?;
        Ok(match row {
            Some(r) => revision(&r)?.narratives,
            None => serde_json::Map::new(),
        })
    }

    /// Starts a revision: the first of a year (with the narratives given, usually the previous
    /// year's), or a correction of a published one (a copy of it with a change note, as typed: it
    /// is normalised here). A year has at most one revision in progress.
    pub async fn report_start(
        &self,
        access: &Access,
        fiscal_year: i32,
        issued_on: Date,
        narratives: serde_json::Map<String, serde_json::Value>,
        change_note: Option<&str>,
    ) -> Result<i64, StoreError> {
        may_prepare(access)?;
        let existing = self.report_revisions(access, fiscal_year).await?;
        if existing.iter().any(|r| r.status != ReportStatus::Published) {
            return Err(StoreError::Refused("report-revision-open"));
        }
        // The limit holds for what was sent, spaces included, as well as for what is kept.
        let kept = change_note.map(mamori_domain::input::normalize);
        if let (Some(raw), Some(kept)) = (change_note, &kept)
            && mamori_domain::input::too_long(raw, kept, MAX_CHANGE_NOTE)
        {
            return Err(StoreError::Invalid(vec![mamori_domain::FieldError::with(
                "change_note",
                "too-long",
                MAX_CHANGE_NOTE.to_string(),
            )]));
        }
        let note = kept.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let narratives = match existing.first() {
            Some(_) if note.is_none() => {
                return Err(StoreError::invalid("change_note", "required"));
            }
            Some(latest) => latest.narratives.clone(),
            None => narratives,
        };
        let number = existing.first().map_or(1, |r| r.revision + 1);
        let now = OffsetDateTime::now_utc();
        let mut tx = self.pool.begin().await?;
        let id = tx
            .fetch_one(
                "INSERT INTO reports (org_id, fiscal_year, revision, status, issued_on, narratives, change_note, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $7) RETURNING id",
                &[
                    access.org_id().into(),
                    i64::from(fiscal_year).into(),
                    number.into(),
                    P::Date(issued_on),
                    serde_json::Value::Object(narratives.clone()).to_string().into(),
                    P::OptText(note.map(str::to_string)),
                    P::Ts(now),
                ],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({
            "fiscal_year": fiscal_year, "revision": number, "status": "draft",
            "issued_on": mamori_domain::dates::iso(issued_on), "change_note": note,
        });
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "report", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edits a draft: its issue date and narratives (each block's text at most 20,000 characters).
    pub async fn report_edit(
        &self,
        access: &Access,
        id: i64,
        issued_on: Date,
        narratives: serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), StoreError> {
        may_prepare(access)?;
        let before = self.report_revision(access, id).await?;
        if before.status != ReportStatus::Draft {
            return Err(StoreError::Refused("report-not-draft"));
        }
        for (key, text) in &narratives {
            if text.as_str().is_some_and(|t| t.chars().count() > 20_000) {
                return Err(StoreError::Invalid(vec![mamori_domain::FieldError::new(
                    key, "too-long",
                )]));
            }
        }
        let changed: serde_json::Map<String, serde_json::Value> = narratives
            .iter()
            .filter(|(k, v)| before.narratives.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let was: serde_json::Map<String, serde_json::Value> = changed
            .keys()
            .map(|k| {
                (
                    k.clone(),
                    before.narratives.get(k).cloned().unwrap_or_default(),
                )
            })
            .collect();
        if changed.is_empty() && before.issued_on == issued_on {
            return Ok(());
        }
        let mut all = before.narratives.clone();
        all.extend(narratives);
        let mut tx = self.pool.begin().await?;
        tx.execute(
            "UPDATE reports SET issued_on = $1, narratives = $2, updated_at = $3 WHERE id = $4 AND org_id = $5",
            &[
                P::Date(issued_on),
                serde_json::Value::Object(all).to_string().into(),
                P::Ts(OffsetDateTime::now_utc()),
                id.into(),
                access.org_id().into(),
            ],
        )
        .await?;
        let iso = mamori_domain::dates::iso;
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "report", Some(id), "update")
                .before(&serde_json::json!({"issued_on": iso(before.issued_on), "narratives": was}))
                .after(&serde_json::json!({"issued_on": iso(issued_on), "narratives": changed})),
        )
        .await?;
        tx.commit().await
    }

    /// Whether the reader is top management: their person holds a `top_management` appointment
    /// today.
    pub async fn is_top_management(&self, access: &Access) -> Result<bool, StoreError> {
        let Some(person) = access.person_id else {
            return Ok(false);
        };
        let today = mamori_domain::dates::today();
        Ok(self
            .pool
            .fetch_optional(
                "SELECT id FROM appointments WHERE org_id = $1 AND person_id = $2 AND role = 'top_management' \
                 AND withdrawn_at IS NULL AND starts_on <= $3 AND (ends_on IS NULL OR ends_on >= $3)",
                &[access.org_id().into(), person.into(), P::Date(today)],
            )
            .await?
            .is_some())
    }

    /// Moves a revision along: `review` (from a draft, remembering the figures), `draft` (sent back
    /// from review or approval), `approved` (from review, by top management).
    pub async fn report_advance(
        &self,
        access: &Access,
        id: i64,
        to: ReportStatus,
        figures: &serde_json::Value,
    ) -> Result<(), StoreError> {
        may_prepare(access)?;
        let r = self.report_revision(access, id).await?;
        if !r.status.may_advance_to(to) {
            return Err(StoreError::Refused("report-wrong-step"));
        }
        let today = mamori_domain::dates::today();
        let (approver, approved_on) = if to == ReportStatus::Approved {
            if !self.is_top_management(access).await? {
                return Err(StoreError::Refused("report-approve-top-management"));
            }
            (Some(access.actor.label.clone()), Some(today))
        } else {
            (None, None)
        };
        let review_figures = if to == ReportStatus::Review {
            Some(figures.to_string())
        } else {
            r.review_figures.as_ref().map(|f| f.to_string())
        };
        let mut tx = self.pool.begin().await?;
        tx.execute(
            "UPDATE reports SET status = $1, review_figures = $2, approved_by = $3, approved_on = $4, updated_at = $5 \
             WHERE id = $6 AND org_id = $7",
            &[
                to.code().into(),
                P::OptText(review_figures),
                P::OptText(approver.clone()),
                P::OptDate(approved_on),
                P::Ts(OffsetDateTime::now_utc()),
                id.into(),
                access.org_id().into(),
            ],
        )
        .await?;
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "report", Some(id), "update")
                .before(&serde_json::json!({"status": r.status}))
                .after(&serde_json::json!({"status": to, "approved_by": approver})),
        )
        .await?;
        tx.commit().await
    }

    /// Publishes an approved revision: its renderings (`json`, `html`, `pdf`, `docx`; binary ones
    /// as given bytes) are stored as they are and their SHA-256 written to the audit trail, with
    /// `head` (the trail's head the report was computed at), in one transaction; with an audit key,
    /// the new head is signed in it too. From then on the report is read from these, never computed
    /// again.
    pub async fn report_publish(
        &self,
        access: &Access,
        id: i64,
        files: &[(&str, Vec<u8>)],
        head: &AuditHead,
    ) -> Result<(), StoreError> {
        may_prepare(access)?;
        let r = self.report_revision(access, id).await?;
        if r.status != ReportStatus::Approved {
            return Err(StoreError::Refused("report-wrong-step"));
        }
        let today = mamori_domain::dates::today();
        let mut tx = self.pool.begin().await?;
        // The head named must be a point of the chain.
        let at_seq = tx
            .fetch_optional(
                "SELECT hash FROM audit_events WHERE seq = $1",
                &[P::Int(head.seq)],
            )
            .await?
            .map(|r| r.text(0))
            .transpose()?;
        if at_seq.as_deref() != Some(head.hash.as_str()) {
            return Err(StoreError::Data(format!(
                "audit head {} is not in the trail",
                head.seq
            )));
        }
        let mut hashes = serde_json::Map::new();
        for (format, bytes) in files {
            let sha = hex::encode(Sha256::digest(bytes));
            tx.execute(
                "INSERT INTO report_files (report_id, org_id, format, content, sha256) VALUES ($1, $2, $3, $4, $5)",
                &[
                    id.into(),
                    access.org_id().into(),
                    (*format).into(),
                    hex::encode(bytes).into(),
                    sha.clone().into(),
                ],
            )
            .await?;
            hashes.insert(format.to_string(), sha.into());
        }
        tx.execute(
            "UPDATE reports SET status = 'published', published_on = $1, updated_at = $2, audit_seq = $3, audit_hash = $4 \
             WHERE id = $5 AND org_id = $6",
            &[
                P::Date(today),
                P::Ts(OffsetDateTime::now_utc()),
                P::Int(head.seq),
                P::Text(head.hash.clone()),
                id.into(),
                access.org_id().into(),
            ],
        )
        .await?;
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "report", Some(id), "publish")
                .before(&serde_json::json!({"status": r.status}))
                .after(&serde_json::json!({
                    "status": "published", "fiscal_year": r.fiscal_year, "revision": r.revision,
                    "published_on": mamori_domain::dates::iso(today), "sha256": hashes,
                    "audit_head": head,
                })),
        )
        .await?;
        if let Some(key) = &self.audit_key {
            crate::checkpoint::make_in(&mut tx, key, "publication").await?;
        }
        tx.commit().await
    }

    /// The names of a published revision's frozen renderings (`pdf`, `pdf.en`, …).
    pub async fn report_file_names(
        &self,
        access: &Access,
        id: i64,
    ) -> Result<Vec<String>, StoreError> {
        self.report_revision(access, id).await?;
        self.pool
            .fetch_all(
                "SELECT format FROM report_files WHERE org_id = $1 AND report_id = $2 ORDER BY format",
                &[access.org_id().into(), id.into()],
            )
            .await?
            .iter()
            .map(|r| r.text(0))
            .collect()
    }

    /// A published revision's rendering and its SHA-256, as stored on publication.
    pub async fn report_file(
        &self,
        access: &Access,
        id: i64,
        format: &str,
    ) -> Result<(Vec<u8>, String), StoreError> {
        self.report_revision(access, id).await?;
        let row = self
            .pool
            .fetch_optional(
                "SELECT content, sha256 FROM report_files WHERE org_id = $1 AND report_id = $2 AND format = $3",
                &[access.org_id().into(), id.into(), format.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let bytes = hex::decode(row.text(0)?).map_err(|e| StoreError::Data(e.to_string()))?;
        Ok((bytes, row.text(1)?))
    }
}
