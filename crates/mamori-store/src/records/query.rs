//! Reading registers: list queries (their parameters, their `WHERE`, counts and grouped counts), a record, the options of a reference.

#[allow(unused_imports)]
use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Through {
    pub field: String,
    pub target_field: String,
    pub value: ThroughValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ThroughValue {
    Is(String),
    Between(Option<Date>, Option<Date>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    pub q: Option<String>,
    /// Exact filters on fields declared `filter`: a choice code or a referenced record's natural key.
    pub filters: Vec<(String, String)>,
    /// Date ranges (inclusive) on date fields: `(field, from, to)`.
    pub ranges: Vec<(String, Option<Date>, Option<Date>)>,
    /// Only records that no active record of these registers (collections) refers to.
    pub lacks: Vec<String>,
    /// Filters through a reference, one level deep: (reference field, filter of the referenced register,
    /// exact value or date range), e.g. attendance whose `session`'s `course` is `ISO-INIT`. A
    /// withdrawn referenced record matches none (the findings of a withdrawn audit are not listed).
    pub through: Vec<Through>,
    pub sort: Option<String>,
    pub desc: bool,
    pub limit: i64,
    pub offset: i64,
    pub status: Status,
    /// Only these records (a search's matches); not a list parameter.
    pub ids: Option<Vec<i64>>,
    /// Date fields that must not be set (`completed_on_empty=1`: actions not yet completed).
    pub empty: Vec<String>,
    /// Only each one's latest record (`latest=1`, see `Register::latest_per`).
    pub latest: bool,
}

pub const MAX_LIMIT: i64 = 1000;
/// The longest free-text search (`q`), in characters.
pub const MAX_Q: usize = 200;
/// Most records one export holds (twice the most one import takes).
pub const MAX_EXPORT: i64 = 200_000;

/// A list parameter the list does not take, named (its detail is the name as sent).
pub(super) fn unknown_parameter(name: &str) -> StoreError {
    StoreError::Invalid(vec![FieldError::with(
        name,
        "unknown-parameter",
        name.to_string(),
    )])
}

impl ListQuery {
    /// The list parameters that ask for this query: the exact inverse of `from_params` (a query
    /// parsed from them is this query, with the list's own `limit` and `offset` left to the caller).
    /// A figure's link is made from its query this way, so the link lists what the figure counts.
    pub fn to_params(&self) -> Vec<(String, String)> {
        use mamori_domain::dates::iso;
        let mut out = Vec::new();
        if let Some(q) = &self.q {
            out.push(("q".to_string(), q.clone()));
        }
        let range = |out: &mut Vec<(String, String)>,
                     name: &str,
                     from: &Option<Date>,
                     to: &Option<Date>| {
            if let Some(d) = from {
                out.push((format!("{name}_from"), iso(*d)));
            }
            if let Some(d) = to {
                out.push((format!("{name}_to"), iso(*d)));
            }
        };
        for (name, from, to) in &self.ranges {
            range(&mut out, name, from, to);
        }
        for t in &self.through {
            let name = format!("{}.{}", t.field, t.target_field);
            match &t.value {
                ThroughValue::Between(from, to) => range(&mut out, &name, from, to),
                ThroughValue::Is(v) => out.push((name, v.clone())),
            }
        }
        for (name, value) in &self.filters {
            out.push((name.clone(), value.clone()));
        }
        for l in &self.lacks {
            out.push(("lacks".to_string(), l.clone()));
        }
        for name in &self.empty {
            out.push((format!("{name}_empty"), "1".to_string()));
        }
        if self.latest {
            out.push(("latest".to_string(), "1".to_string()));
        }
        if self.status != Status::Active {
            out.push(("status".to_string(), self.status.code().to_string()));
        }
        if let Some(s) = &self.sort {
            out.push(("sort".to_string(), s.clone()));
        }
        if self.desc {
            out.push(("dir".to_string(), "desc".to_string()));
        }
        out
    }

    /// Turns list parameters (from a page URL, the API or a report figure's link) into a query: the
    /// one parser, so a figure counts exactly what its link lists. `own` names the parameters the
    /// caller reads itself (paging, the organisation); any other name the list does not take is
    /// refused (`unknown-parameter`), so a misspelt filter never lists the whole register.
    pub fn from_params(
        reg: &Register,
        params: &[(String, String)],
        own: &[&str],
    ) -> Result<ListQuery, StoreError> {
        let mut q = ListQuery {
            limit: MAX_LIMIT,
            ..Default::default()
        };
        for (k, v) in params {
            match k.as_str() {
                k if own.contains(&k) => {}
                "q" if v.chars().count() > MAX_Q => {
                    return Err(StoreError::Invalid(vec![FieldError::with(
                        "q",
                        "too-long",
                        MAX_Q.to_string(),
                    )]));
                }
                "q" => q.q = Some(v.clone()),
                "sort" if v.is_empty() => q.sort = None,
                "sort" => {
                    q.sort = Some(
                        reg.field(v)
                            .ok_or_else(|| {
                                StoreError::Invalid(vec![FieldError::new("sort", "invalid-choice")])
                            })?
                            .name
                            .to_string(),
                    )
                }
                "dir" => {
                    q.desc = match v.as_str() {
                        "desc" => true,
                        "asc" | "" => false,
                        _ => {
                            return Err(StoreError::Invalid(vec![FieldError::new(
                                "dir",
                                "invalid-choice",
                            )]));
                        }
                    }
                }
                // Two references deep, a choice: attendances whose session's course is of a kind,
                // `session.course.kind=onboarding`.
                _ if k.matches('.').count() == 2 => {
                    let mut parts = k.splitn(3, '.');
                    let (field, mid, leaf) = (
                        parts.next().unwrap_or(""),
                        parts.next().unwrap_or(""),
                        parts.next().unwrap_or(""),
                    );
                    let target = reg
                        .field(field)
                        .filter(|f| f.filter)
                        .and_then(|_| mamori_domain::registers::target_of(reg, field));
                    let inner = target
                        .filter(|t| t.field(mid).is_some_and(|f| f.filter))
                        .and_then(|t| mamori_domain::registers::target_of(t, mid));
                    let Some(FieldKind::Choice(choices)) = inner
                        .and_then(|i| i.field(leaf))
                        .filter(|f| f.filter)
                        .map(|f| f.kind)
                    else {
                        return Err(unknown_parameter(k));
                    };
                    let value = mamori_domain::input::normalize(v);
                    if value.split(',').all(|v| v.trim().is_empty()) {
                        continue;
                    }
                    let value = value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .collect::<Vec<_>>()
                        .join(",");
                    // Several values, comma-separated: any of them.
                    if value
                        .split(',')
                        .any(|v| !v.is_empty() && !choices.contains(&v))
                    {
                        return Err(StoreError::Invalid(vec![FieldError::new(
                            k,
                            "invalid-choice",
                        )]));
                    }
                    q.through.push(Through {
                        field: field.to_string(),
                        target_field: format!("{mid}.{leaf}"),
                        value: ThroughValue::Is(value),
                    });
                }
                // A filter through a reference: `session.course=ISO-INIT`, `session.held_on_from=2017-04-01`.
                _ if k.contains('.') => {
                    let (field, sub) = k.split_once('.').unwrap_or((k, ""));
                    let range = sub
                        .rsplit_once('_')
                        .filter(|(_, e)| *e == "from" || *e == "to");
                    let target = reg
                        .field(field)
                        .filter(|f| f.filter)
                        .and_then(|_| mamori_domain::registers::target_of(reg, field));
                    let is_date = |name: &str| {
                        target
                            .and_then(|t| t.field(name))
                            .is_some_and(|f| f.kind == FieldKind::Date)
                    };
                    let named = range.filter(|(name, _)| is_date(name)).map_or(sub, |r| r.0);
                    if !target
                        .and_then(|t| t.field(named))
                        .is_some_and(|f| f.filter)
                    {
                        return Err(unknown_parameter(k));
                    }
                    if v.trim().is_empty() {
                        continue;
                    }
                    match range.filter(|(name, _)| is_date(name)) {
                        Some((name, end)) => {
                            let d = mamori_domain::dates::parse_date(v).ok_or_else(|| {
                                StoreError::Invalid(vec![FieldError::new(k, "invalid-date")])
                            })?;
                            let existing = q
                                .through
                                .iter_mut()
                                .find(|t| t.field == field && t.target_field == name);
                            let slot = match existing {
                                Some(t) => t,
                                None => {
                                    q.through.push(Through {
                                        field: field.to_string(),
                                        target_field: name.to_string(),
                                        value: ThroughValue::Between(None, None),
                                    });
                                    q.through.last_mut().ok_or(StoreError::NotFound)?
                                }
                            };
                            if let ThroughValue::Between(from, to) = &mut slot.value {
                                if end == "from" {
                                    *from = Some(d)
                                } else {
                                    *to = Some(d)
                                }
                            }
                        }
                        None => q.through.push(Through {
                            field: field.to_string(),
                            target_field: sub.to_string(),
                            value: ThroughValue::Is(v.clone()),
                        }),
                    }
                }
                "lacks" if !v.is_empty() => {
                    if !reg.lacks.iter().any(|(c, _)| c == v) {
                        return Err(StoreError::Invalid(vec![FieldError::new(
                            "lacks",
                            "invalid-choice",
                        )]));
                    }
                    q.lacks.push(v.clone());
                }
                "lacks" => {}
                "latest" if reg.latest_per.is_some() => {
                    match mamori_domain::input::normalize_strict(v).as_str() {
                        "" => {}
                        "1" => q.latest = true,
                        _ => {
                            return Err(StoreError::Invalid(vec![FieldError::new(
                                "latest",
                                "invalid-choice",
                            )]));
                        }
                    }
                }
                // `status` is the record's state (active, withdrawn, all), or, for a register with a
                // field of that name (attendance), a value of that field: the two never share a value.
                // Empty, as a filter form sends it when nothing is chosen: not given.
                "status" if v.is_empty() => {}
                "status" if Status::parse(v).is_some() || reg.field("status").is_none() => {
                    q.status = Status::parse(v).ok_or_else(|| {
                        StoreError::Invalid(vec![FieldError::new("status", "invalid-choice")])
                    })?
                }
                _ => {
                    if let Some(f) = reg
                        .field(k)
                        .filter(|f| f.filter && f.kind != FieldKind::Date)
                    {
                        // Text, scale and number filters take what the field itself takes
                        // (length, range), as the OpenAPI document says; blank is not given.
                        if matches!(
                            f.kind,
                            FieldKind::Text { .. } | FieldKind::Scale(_) | FieldKind::Int { .. }
                        ) && !v.trim().is_empty()
                        {
                            f.parse(v).map_err(|e| StoreError::Invalid(vec![e]))?;
                        }
                        if let FieldKind::Choice(choices) = f.kind {
                            let value = mamori_domain::input::normalize(v);
                            if value
                                .split(',')
                                .any(|v| !v.is_empty() && !choices.contains(&v))
                            {
                                return Err(StoreError::Invalid(vec![FieldError::new(
                                    f.name,
                                    "invalid-choice",
                                )]));
                            }
                        }
                        q.filters.push((f.name.to_string(), v.clone()));
                    } else if let Some((name, end)) = k
                        .rsplit_once('_')
                        .filter(|(_, e)| *e == "from" || *e == "to")
                        && let Some(f) = reg
                            .field(name)
                            .filter(|f| f.filter && f.kind == FieldKind::Date)
                    {
                        // Blank, as a filter form sends a bound left empty: no bound.
                        if v.trim().is_empty() {
                            continue;
                        }
                        let d = mamori_domain::dates::parse_date(v).ok_or_else(|| {
                            StoreError::Invalid(vec![FieldError::new(k, "invalid-date")])
                        })?;
                        match q.ranges.iter_mut().find(|(n, ..)| n == f.name) {
                            Some(r) if end == "from" => r.1 = Some(d),
                            Some(r) => r.2 = Some(d),
                            None if end == "from" => {
                                q.ranges.push((f.name.to_string(), Some(d), None))
                            }
                            None => q.ranges.push((f.name.to_string(), None, Some(d))),
                        }
                    } else if let Some(f) = k
                        .strip_suffix("_empty")
                        .and_then(|name| reg.field(name))
                        .filter(|f| f.filter && f.kind == FieldKind::Date)
                    {
                        match mamori_domain::input::normalize_strict(v).as_str() {
                            "" => {}
                            "1" => {
                                if !q.empty.iter().any(|n| n == f.name) {
                                    q.empty.push(f.name.to_string())
                                }
                            }
                            _ => {
                                return Err(StoreError::Invalid(vec![FieldError::new(
                                    k,
                                    "invalid-choice",
                                )]));
                            }
                        }
                    } else if k == "status" {
                        // A register whose `status` field is no filter takes record states only.
                        return Err(StoreError::Invalid(vec![FieldError::new(
                            "status",
                            "invalid-choice",
                        )]));
                    } else {
                        return Err(unknown_parameter(k));
                    }
                }
            }
        }
        Ok(q)
    }
}

pub(crate) fn select_sql(reg: &Register) -> String {
    let mut cols = vec![
        "t.id".to_string(),
        "t.withdrawn_at".into(),
        "t.withdrawn_reason".into(),
    ];
    let mut joins = String::new();
    for (i, f) in reg.fields.iter().enumerate() {
        match f.kind {
            FieldKind::Ref(target) => {
                let target = registers::by_collection(target).unwrap_or(reg);
                let key = target.natural_key.unwrap_or("id");
                cols.push(format!("r{i}.{key}"));
                cols.push(format!("r{i}.{}", target.title_field));
                joins.push_str(&format!(
                    " LEFT JOIN {} r{i} ON r{i}.id = t.{}",
                    target.table,
                    column_of(f.kind, f.name)
                ));
            }
            _ => cols.push(format!("t.{}", f.name)),
        }
    }
    // Aliased, so that a list can wrap the query and aggregate its rows (see `Store::list`).
    let cols: Vec<String> = cols
        .into_iter()
        .enumerate()
        .map(|(i, c)| format!("{c} AS c{i}"))
        .collect();
    format!("SELECT {} FROM {} t{}", cols.join(", "), reg.table, joins)
}

pub(super) fn column_count(reg: &Register) -> usize {
    3 + reg
        .fields
        .iter()
        .map(|f| {
            if matches!(f.kind, FieldKind::Ref(_)) {
                2
            } else {
                1
            }
        })
        .sum::<usize>()
}

/// A record from one row of the JSON array a list query aggregates to.
pub(super) fn record_from_json(
    reg: &Register,
    cells: &[serde_json::Value],
) -> Result<Record, StoreError> {
    use time::format_description::well_known::Rfc3339;
    let text = |i: usize| -> Option<String> {
        match cells.get(i) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    };
    let bad = |what: &str| StoreError::Data(format!("list row: bad {what}"));
    let id = cells
        .first()
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| bad("id"))?;
    // SQLite keeps timestamps as `2026-11-27 10:20:30.5+00:00`, PostgreSQL's JSON writes a `T`.
    let withdrawn_at = match text(1) {
        Some(t) => Some(
            OffsetDateTime::parse(&t.replacen(' ', "T", 1), &Rfc3339)
                .map_err(|_| bad("timestamp"))?,
        ),
        None => None,
    };
    let mut values = Vec::with_capacity(reg.fields.len());
    let mut labels = Vec::with_capacity(reg.fields.len());
    let mut i = 3;
    for f in reg.fields {
        match f.kind {
            FieldKind::Date => {
                values.push(match text(i) {
                    Some(d) => Value::Date(
                        mamori_domain::dates::parse_date(&d).ok_or_else(|| bad("date"))?,
                    ),
                    None => Value::Null,
                });
                labels.push(None);
                i += 1;
            }
            FieldKind::Ref(_) => {
                values.push(text(i).map_or(Value::Null, Value::Text));
                labels.push(text(i + 1));
                i += 2;
            }
            FieldKind::Int { .. } => {
                values.push(match cells.get(i).and_then(serde_json::Value::as_i64) {
                    Some(n) => Value::Int(n),
                    None => Value::Null,
                });
                labels.push(None);
                i += 1;
            }
            _ => {
                values.push(text(i).map_or(Value::Null, Value::Text));
                labels.push(None);
                i += 1;
            }
        }
    }
    Ok(Record {
        id,
        values,
        labels,
        withdrawn_at,
        withdrawn_reason: text(2),
    })
}

pub(crate) fn record_from(reg: &Register, row: &Row) -> Result<Record, StoreError> {
    let mut values = Vec::with_capacity(reg.fields.len());
    let mut labels = Vec::with_capacity(reg.fields.len());
    let mut i = 3;
    for f in reg.fields {
        match f.kind {
            FieldKind::Date => {
                let d: Option<Date> = row.get(i)?;
                values.push(d.map_or(Value::Null, Value::Date));
                labels.push(None);
                i += 1;
            }
            FieldKind::Ref(_) => {
                let key: Option<String> = row.get(i)?;
                let title: Option<String> = row.get(i + 1)?;
                values.push(key.map_or(Value::Null, Value::Text));
                labels.push(title);
                i += 2;
            }
            FieldKind::Int { .. } => {
                let n: Option<i64> = row.get(i)?;
                values.push(n.map_or(Value::Null, Value::Int));
                labels.push(None);
                i += 1;
            }
            _ => {
                let s: Option<String> = row.get(i)?;
                values.push(s.map_or(Value::Null, Value::Text));
                labels.push(None);
                i += 1;
            }
        }
    }
    Ok(Record {
        id: row.i64(0)?,
        values,
        labels,
        withdrawn_at: row.get(1)?,
        withdrawn_reason: row.get(2)?,
    })
}

/// The `FROM` of a count: the register alone, or with its references joined when a filter (or
/// the grouping, `by_reference`) names a referenced record.
pub(super) fn count_from(
    reg: &Register,
    query: &ListQuery,
    select: &str,
    by_reference: bool,
) -> String {
    let names_reference = query.filters.iter().any(|(name, _)| {
        reg.field(name)
            .is_some_and(|f| matches!(f.kind, FieldKind::Ref(_)))
    });
    if names_reference || by_reference {
        select[select.find(" FROM ").unwrap_or(0)..].to_string()
    } else {
        format!(" FROM {} t", reg.table)
    }
}

/// The `WHERE` of a list query (its conditions joined by `AND`) and its parameters, `$1` the
/// organisation: one builder for the list, its count and its grouped counts.
pub(super) struct Conditions {
    pub(super) conds: Vec<String>,
    pub(super) params: Vec<P>,
    /// Whether the user sees only some of the register's records (staff, managers).
    pub(super) own: bool,
}

pub(super) fn conditions(
    access: &Access,
    reg: &Register,
    query: &ListQuery,
) -> Result<Conditions, StoreError> {
    let mut params = vec![P::Int(access.org_id())];
    let mut conds = vec!["t.org_id = $1".to_string()];
    let own = scope_condition(access, reg, &mut params);
    if let Some(c) = &own {
        conds.push(c.clone());
    }
    if query.latest {
        let Some((who, when)) = reg.latest_per else {
            return Err(StoreError::invalid("latest", "unknown-filter"));
        };
        let who = column_of(FieldKind::Ref(""), who);
        conds.push(format!(
            "NOT EXISTS (SELECT 1 FROM {} y WHERE y.org_id = t.org_id AND y.{who} = t.{who} \
             AND y.withdrawn_at IS NULL AND (y.{when} > t.{when} OR (y.{when} = t.{when} AND y.id > t.id)))",
            reg.table
        ));
    }
    for name in &query.empty {
        if reg.field(name).is_none_or(|f| f.kind != FieldKind::Date) {
            return Err(StoreError::invalid("empty", "unknown-filter"));
        }
        conds.push(format!("t.{name} IS NULL"));
    }
    if let Some(ids) = &query.ids {
        if ids.is_empty() {
            conds.push("1 = 0".into());
        } else {
            let first = params.len() + 1;
            params.extend(ids.iter().map(|i| P::Int(*i)));
            let slots: Vec<String> = (first..first + ids.len())
                .map(|n| format!("${n}"))
                .collect();
            conds.push(format!("t.id IN ({})", slots.join(", ")));
        }
    }
    match query.status {
        Status::Active => conds.push("t.withdrawn_at IS NULL".into()),
        Status::Withdrawn => conds.push("t.withdrawn_at IS NOT NULL".into()),
        Status::All => {}
    }
    // A register with nothing to search by (test attempts) ignores the search words.
    if let Some(q) = query
        .q
        .as_deref()
        .map(mamori_domain::input::normalize)
        .filter(|q| !q.is_empty() && !reg.search.is_empty())
    {
        if q.chars().count() > 200 {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "q", "too-long", "200",
            )]));
        }
        params.push(P::Text(like_pattern(&q)));
        let n = params.len();
        let ors: Vec<String> = reg
            .search
            .iter()
            .map(|c| format!("LOWER(t.{c}) LIKE ${n} ESCAPE '\\'"))
            .collect();
        conds.push(format!("({})", ors.join(" OR ")));
    }
    for (name, raw) in &query.filters {
        let Some((i, f)) = reg
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name && f.filter)
        else {
            return Err(StoreError::invalid(name, "unknown-filter"));
        };
        let value = mamori_domain::input::normalize(raw);
        if value.is_empty() {
            continue;
        }
        // A choice filter may name several values, comma-separated: any of them (a figure of
        // nonconformities opens the major and the minor ones).
        if matches!(f.kind, FieldKind::Choice(_)) && value.contains(',') {
            let mut slots = Vec::new();
            for v in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                params.push(P::Text(v.to_string()));
                slots.push(format!("${}", params.len()));
            }
            conds.push(format!("t.{} IN ({})", f.name, slots.join(", ")));
            continue;
        }
        // A number compares as a number (PostgreSQL has no bigint = text).
        if matches!(f.kind, FieldKind::Int { .. }) {
            let n: i64 = value
                .trim()
                .parse()
                .map_err(|_| StoreError::invalid(name, "not-a-number"))?;
            params.push(P::Int(n));
            conds.push(format!("t.{} = ${}", f.name, params.len()));
            continue;
        }
        params.push(P::Text(value));
        let n = params.len();
        match f.kind {
            FieldKind::Ref(target) => {
                let key = registers::by_collection(target)
                    .and_then(|t| t.natural_key)
                    .unwrap_or("id");
                conds.push(format!("r{i}.{key} = ${n}"));
            }
            _ => conds.push(format!("t.{} = ${n}", f.name)),
        }
    }
    for (name, from, to) in &query.ranges {
        if !reg.field(name).is_some_and(|f| f.kind == FieldKind::Date) {
            return Err(StoreError::invalid(name, "unknown-filter"));
        }
        for (bound, op) in [(from, ">="), (to, "<=")] {
            if let Some(d) = bound {
                params.push(P::Date(*d));
                conds.push(format!("t.{name} {op} ${}", params.len()));
            }
        }
    }
    for th in &query.through {
        let bad = || {
            StoreError::invalid(
                &format!("{}.{}", th.field, th.target_field),
                "unknown-filter",
            )
        };
        let Some(FieldKind::Ref(target)) =
            reg.field(&th.field).filter(|f| f.filter).map(|f| f.kind)
        else {
            return Err(bad());
        };
        let target = registers::by_collection(target).ok_or_else(bad)?;
        if let Some((mid, leaf)) = th.target_field.split_once('.') {
            // Two references deep: `session.course.kind`, a choice of the inner register.
            let inner = target
                .field(mid)
                .filter(|f| f.filter)
                .and_then(|_| registers::target_of(target, mid))
                .filter(|i| i.field(leaf).is_some_and(|f| f.filter))
                .ok_or_else(bad)?;
            let ThroughValue::Is(v) = &th.value else {
                return Err(bad());
            };
            let mut slots = Vec::new();
            for v in v.split(',').filter(|v| !v.is_empty()) {
                params.push(P::Text(v.to_string()));
                slots.push(format!("${}", params.len()));
            }
            conds.push(format!(
                "t.{}_id IN (SELECT x.id FROM {} x WHERE x.org_id = $1 AND x.withdrawn_at IS NULL \
                 AND x.{mid}_id IN (SELECT z.id FROM {} z WHERE z.org_id = $1 AND z.withdrawn_at IS NULL AND z.{leaf} IN ({})))",
                th.field,
                target.table,
                inner.table,
                slots.join(", ")
            ));
            continue;
        }
        let sub = target
            .field(&th.target_field)
            .filter(|f| f.filter)
            .ok_or_else(bad)?;
        let cond = match (&th.value, sub.kind) {
            (ThroughValue::Is(v), FieldKind::Ref(inner)) => {
                let inner = registers::by_collection(inner).ok_or_else(bad)?;
                params.push(P::Text(mamori_domain::input::normalize(v)));
                format!(
                    "x.{} = (SELECT y.id FROM {} y WHERE y.org_id = $1 AND y.{} = ${})",
                    column_of(sub.kind, sub.name),
                    inner.table,
                    inner.natural_key.unwrap_or("id"),
                    params.len()
                )
            }
            (ThroughValue::Is(v), FieldKind::Int { .. }) => {
                let n = sub
                    .parse(v)
                    .ok()
                    .and_then(|v| match v {
                        mamori_domain::register::Value::Int(n) => Some(n),
                        _ => None,
                    })
                    .ok_or_else(bad)?;
                params.push(P::Int(n));
                format!("x.{} = ${}", sub.name, params.len())
            }
            (ThroughValue::Is(v), FieldKind::Choice(_)) => {
                params.push(P::Text(mamori_domain::input::normalize(v)));
                format!("x.{} = ${}", sub.name, params.len())
            }
            (ThroughValue::Between(from, to), FieldKind::Date) => {
                let mut parts = vec!["1 = 1".to_string()];
                for (bound, op) in [(from, ">="), (to, "<=")] {
                    if let Some(d) = bound {
                        params.push(P::Date(*d));
                        parts.push(format!("x.{} {op} ${}", sub.name, params.len()));
                    }
                }
                parts.join(" AND ")
            }
            _ => return Err(bad()),
        };
        // Not correlated with `t` (the organisation is `$1`): the database reads the referenced
        // ids once, not once per row (a training figure went from 40 ms to under 1).
        conds.push(format!(
            "t.{}_id IN (SELECT x.id FROM {} x WHERE x.org_id = $1 AND x.withdrawn_at IS NULL AND {cond})",
            th.field, target.table
        ));
    }
    for collection in &query.lacks {
        let Some((other, field)) = reg
            .lacks
            .iter()
            .find(|(c, _)| c == collection)
            .and_then(|(c, f)| registers::by_collection(c).map(|o| (o, *f)))
        else {
            return Err(StoreError::invalid("lacks", "unknown-filter"));
        };
        // What counts as having one: any active record, but for test attempts a passed attempt at
        // an onboarding course's test (who has yet to pass it).
        let counts = if other.collection == "test-attempts" {
            " AND x.result = 'passed' AND x.course_id IN (SELECT c.id FROM courses c WHERE c.org_id = t.org_id AND c.kind = 'onboarding')"
        } else {
            ""
        };
        conds.push(format!(
            "NOT EXISTS (SELECT 1 FROM {} x WHERE x.org_id = t.org_id AND x.{} = t.id AND x.withdrawn_at IS NULL{counts})",
            other.table,
            column_of(FieldKind::Ref(reg.collection), field)
        ));
    }
    Ok(Conditions {
        conds,
        params,
        own: own.is_some(),
    })
}

pub(super) fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    pub async fn list(
        &self,
        access: &Access,
        reg: &Register,
        query: &ListQuery,
    ) -> Result<Page, StoreError> {
        self.list_up_to(access, reg, query, MAX_LIMIT, true).await
    }

    /// How many records the query matches: the list's own total, without reading a page of them
    /// (a report figure is counted this way from the query its link asks for).
    pub async fn count(
        &self,
        access: &Access,
        reg: &Register,
        query: &ListQuery,
    ) -> Result<i64, StoreError> {
        Ok(self
            .list_up_to(access, reg, query, MAX_LIMIT, false)
            .await?
            .total)
    }

    /// How many records the query matches for each value of the filter field `by` (a choice, or a
    /// reference by its natural key), in one grouped query: `count_by(q, by)[v]` is
    /// `count(q` narrowed by `by=v)`, so a table of figures that each narrow one query by a column's
    /// value reads the table at once. Records without a value are not counted.
    pub async fn count_by(
        &self,
        access: &Access,
        reg: &Register,
        query: &ListQuery,
        by: &str,
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        if !can_read(access, reg) {
            return Err(StoreError::Forbidden);
        }
        let Some((i, f)) = reg
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == by && f.filter)
        else {
            return Err(StoreError::invalid(by, "unknown-filter"));
        };
        let key = match f.kind {
            FieldKind::Ref(target) => {
                let target = registers::by_collection(target).unwrap_or(reg);
                format!("r{i}.{}", target.natural_key.unwrap_or("id"))
            }
            FieldKind::Choice(_) | FieldKind::Text { .. } => format!("t.{}", f.name),
            _ => return Err(StoreError::invalid(by, "unknown-filter")),
        };
        let Conditions { conds, params, .. } = conditions(access, reg, query)?;
        let from = count_from(
            reg,
            query,
            &select_sql(reg),
            matches!(f.kind, FieldKind::Ref(_)),
        );
        let sql = format!(
            "SELECT {key}, COUNT(*){from} WHERE {} AND {key} IS NOT NULL GROUP BY {key}",
            conds.join(" AND ")
        );
        let mut conn = self.pool.acquire().await?;
        conn.fetch_all(&sql, &params)
            .await?
            .iter()
            .map(|r| Ok((r.text(0)?, r.i64(1)?)))
            .collect()
    }

    /// Every record the query matches (up to `MAX_EXPORT`), in one query: for exports, where paging
    /// by offset would read the register again for every page.
    pub async fn list_all(
        &self,
        access: &Access,
        reg: &Register,
        query: &ListQuery,
    ) -> Result<Vec<Record>, StoreError> {
        let query = ListQuery {
            limit: MAX_EXPORT,
            offset: 0,
            ..query.clone()
        };
        Ok(self
            .list_up_to(access, reg, &query, MAX_EXPORT, true)
            .await?
            .items)
    }

    pub(super) async fn list_up_to(
        &self,
        access: &Access,
        reg: &Register,
        query: &ListQuery,
        max_limit: i64,
        items: bool,
    ) -> Result<Page, StoreError> {
        if !can_read(access, reg) {
            return Err(StoreError::Forbidden);
        }
        let Conditions {
            conds,
            mut params,
            own,
        } = conditions(access, reg, query)?;
        let sort_field = query
            .sort
            .as_deref()
            .and_then(|s| reg.field(s))
            .unwrap_or_else(|| reg.field(reg.default_sort).unwrap_or(&reg.fields[0]));
        let sort_col = match sort_field.kind {
            // By default a reference sorts by the referenced record's id (creation order, e.g. sessions
            // in the order they were held), which an index gives without sorting the register; a user
            // who asks for that column gets the referenced titles in order.
            FieldKind::Ref(_) if query.sort.is_none() => {
                format!("t.{}", column_of(sort_field.kind, sort_field.name))
            }
            FieldKind::Ref(target) => {
                let i = reg
                    .fields
                    .iter()
                    .position(|f| std::ptr::eq(f, sort_field))
                    .unwrap_or(0);
                let title = registers::by_collection(target)
                    .map(|t| t.title_field)
                    .unwrap_or("id");
                format!("r{i}.{title}")
            }
            _ => format!("t.{}", sort_field.name),
        };
        let dir = if query.desc { "DESC" } else { "ASC" };
        // Required fields hold no nulls and unique ones no ties: leaving those clauses out lets the
        // database walk an index instead of sorting the whole register for every page.
        let nulls = if sort_field.required {
            ""
        } else {
            " NULLS LAST"
        };
        let tie = if sort_field.unique {
            String::new()
        } else {
            format!(", t.id {dir}")
        };
        let where_sql = conds.join(" AND ");
        let base = select_sql(reg);
        let count_from = count_from(reg, query, &base, false);
        let mut conn = self.pool.acquire().await?;
        let unfiltered = query.ids.is_none()
            && query.empty.is_empty()
            && !query.latest
            && query.filters.is_empty()
            && query.ranges.is_empty()
            && query.lacks.is_empty()
            && query.through.is_empty()
            && !own
            && params.len() == 1;
        let total = if unfiltered {
            // Counting a large register costs a scan per page; the kept totals answer at once.
            let row = conn
                .fetch_optional(
                    "SELECT active, withdrawn FROM register_totals WHERE org_id = $1 AND register = $2",
                    &[access.org_id().into(), reg.code.into()],
                )
                .await?;
            let (active, withdrawn) = match row {
                Some(r) => (r.i64(0)?, r.i64(1)?),
                None => (0, 0),
            };
            match query.status {
                Status::Active => active,
                Status::Withdrawn => withdrawn,
                Status::All => active + withdrawn,
            }
        } else {
            conn.fetch_one(
                &format!("SELECT COUNT(*){count_from} WHERE {where_sql}"),
                &params,
            )
            .await?
            .i64(0)?
        };
        if !items {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let limit = query.limit.clamp(1, max_limit);
        let offset = query.offset.max(0);
        params.push(P::Int(limit));
        params.push(P::Int(offset));
        let n = params.len();
        let sql = format!(
            "{base} WHERE {where_sql} ORDER BY {sort_col} {dir}{nulls}{tie} LIMIT ${} OFFSET ${n}",
            n - 1
        );
        // The page comes back as one JSON array: SQLite's driver hands rows across threads one at a
        // time, which cost more than the query itself on a page of a hundred.
        let aliases: Vec<String> = (0..column_count(reg)).map(|i| format!("q.c{i}")).collect();
        let wrapped = match self.pool.backend() {
            crate::db::Backend::Sqlite => format!(
                "SELECT json_group_array(json_array({})) FROM ({sql}) q",
                aliases.join(", ")
            ),
            crate::db::Backend::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array({})), '[]'::json)::text FROM ({sql}) q",
                aliases.join(", ")
            ),
        };
        let json = conn.fetch_one(&wrapped, &params).await?.text(0)?;
        let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(&json)?;
        let items = rows
            .iter()
            .map(|r| record_from_json(reg, r))
            .collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    pub async fn get(
        &self,
        access: &Access,
        reg: &Register,
        id: i64,
    ) -> Result<Record, StoreError> {
        if !can_read(access, reg) {
            return Err(StoreError::Forbidden);
        }
        let mut params = vec![P::Int(access.org_id()), P::Int(id)];
        let own = and_scope(access, reg, &mut params);
        let row = self
            .pool
            .fetch_optional(
                &format!("{} WHERE t.org_id = $1 AND t.id = $2{own}", select_sql(reg)),
                &params,
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        record_from(reg, &row)
    }

    /// The id of the record whose natural key is `key`, as `get` would read it.
    pub async fn id_by_key(
        &self,
        access: &Access,
        reg: &Register,
        key: &str,
    ) -> Result<i64, StoreError> {
        if !can_read(access, reg) {
            return Err(StoreError::Forbidden);
        }
        let field = reg.natural_key.ok_or(StoreError::NotFound)?;
        let mut params = vec![P::Int(access.org_id()), P::Text(key.into())];
        let own = and_scope(access, reg, &mut params);
        self.pool
            .fetch_optional(
                &format!(
                    "SELECT t.id FROM {} t WHERE t.org_id = $1 AND t.{field} = $2{own}",
                    reg.table
                ),
                &params,
            )
            .await?
            .ok_or(StoreError::NotFound)?
            .i64(0)
    }

    /// Choices for a reference field: the active records of the target register (natural key, title).
    /// `None` when the target register is too large to choose from a list (the form then asks for
    /// the natural key, e.g. an employee number). The label is the record's title, or its first text
    /// where the title is the code.
    pub async fn ref_options(
        &self,
        access: &Access,
        target: &Register,
    ) -> Result<Option<Vec<(String, String)>>, StoreError> {
        const MAX_OPTIONS: i64 = 300;
        // A register the reader may not read offers nothing (staff see no findings in a filter).
        if !can_read(access, target) {
            return Ok(Some(Vec::new()));
        }
        let key = target.natural_key.unwrap_or("id");
        // What names a record beside its code: its title, or, where the title is the code (an
        // event, an audit), its first descriptive text (what happened, the scope), not a short one
        // such as an audit's starting time.
        let label = if target.title_field != key {
            target.title_field
        } else {
            let text = |min: usize| {
                target.fields.iter().find(|f| {
                    matches!(f.kind, FieldKind::Text { max } if max >= min) && f.name != key
                })
            };
            text(500).or_else(|| text(0)).map_or(key, |f| f.name)
        };
        let mut params = vec![P::Int(access.org_id()), P::Int(MAX_OPTIONS + 1)];
        // Hidden records are not offered either.
        let scope = and_scope(access, target, &mut params);
        let rows = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT t.{key}, COALESCE(t.{label}, '') FROM {} t WHERE t.org_id = $1 AND t.withdrawn_at IS NULL{scope} ORDER BY t.{key} LIMIT $2",
                    target.table
                ),
                &params,
            )
            .await?;
        if rows.len() as i64 > MAX_OPTIONS {
            return Ok(None);
        }
        rows.iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// A person's employee number (the code forms and files name them by).
pub(crate) async fn employee_no(tx: &mut Tx, person: i64) -> Result<String, StoreError> {
    tx.fetch_one(
        "SELECT employee_no FROM people WHERE id = $1",
        &[P::Int(person)],
    )
    .await?
    .text(0)
}
