//! The OpenAPI 3.1 document, generated from the register declarations, so every declared register's
//! endpoints and fields appear without being written twice.

use mamori_domain::register::{FieldKind, Register};
use mamori_domain::registers;
use mamori_report::output::Format;

use crate::pages::report::YEARS;
use serde_json::{Map, Value, json};

/// A field's schema for input; a required field is a non-empty string, an optional one may be null.
/// Text without control characters (tab and line breaks allowed): what the server takes anywhere.
pub const NO_CONTROL: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
/// The same with at least one visible character: a required value left blank is refused.
const SOME_TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u00A0\\u00AD\\u115F\\u1160\\u180E\\u200B-\\u200F\\u2028-\\u202F\\u205F-\\u2064\\u3000\\u3164\\uFEFF\\uFFA0][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
/// A date the server reads as ISO 8601 (era and full-width forms are accepted too, undocumented).
const ISO_DATE: &str = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$";

/// A field as a create or update takes it: a string (a whole number also as a number), null or
/// empty to clear an optional field; a computed field is read-only and ignored.
fn input_schema(reg: &Register, f: &mamori_domain::Field) -> Value {
    if reg.computed.contains(&f.name) {
        return json!({"readOnly": true, "description": "computed by Mamori; ignored on input"});
    }
    let required = reg.must_give(f);
    let schema = match f.kind {
        FieldKind::Int { min, max } => json!({"anyOf": [
            {"type": "integer", "minimum": min, "maximum": max},
            {"type": "string", "pattern": "^-?[0-9]{1,15}$", "description": "a whole number within the range"},
        ]}),
        kind => {
            let mut schema = field_schema(kind);
            if let Some(o) = schema.as_object_mut() {
                o.insert("type".into(), json!("string"));
                let pattern = match kind {
                    FieldKind::Choice(_) => None,
                    FieldKind::Date => Some(ISO_DATE),
                    _ if required => Some(SOME_TEXT),
                    _ => Some(NO_CONTROL),
                };
                if let Some(pattern) = pattern {
                    o.insert("pattern".into(), json!(pattern));
                }
                if required {
                    o.insert("minLength".into(), json!(1));
                }
            }
            schema
        }
    };
    if required {
        schema
    } else {
        json!({"anyOf": [schema, {"type": "null"}, {"type": "string", "maxLength": 0}]})
    }
}

/// A list filter's value: the field's schema, without control characters; empty, as a filter form
/// sends a filter left blank, is not given.
fn filter_schema(kind: FieldKind) -> Value {
    let mut schema = field_schema(kind);
    if let FieldKind::Int { min, max } = kind {
        schema = json!({"type": "integer", "minimum": min, "maximum": max});
    } else if let Some(o) = schema.as_object_mut() {
        o.insert("type".into(), json!("string"));
        if !o.contains_key("enum") {
            o.insert("pattern".into(), json!(NO_CONTROL));
        }
    }
    json!({"anyOf": [schema, {"type": "string", "maxLength": 0}]})
}

fn field_schema(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Text { max } => json!({"type": ["string", "null"], "maxLength": max}),
        FieldKind::Email => json!({"type": ["string", "null"], "format": "email"}),
        FieldKind::Date => {
            json!({"type": ["string", "null"], "format": "date", "description": "ISO 8601; Japanese era (平成29年4月1日) and full-width forms are accepted on input"})
        }
        FieldKind::Int { min, max } => {
            json!({"type": ["integer", "null"], "minimum": min, "maximum": max})
        }
        FieldKind::Choice(choices) => json!({"type": ["string", "null"], "enum": choices}),
        FieldKind::Ref(target) => {
            let key = registers::by_collection(target)
                .and_then(|t| t.natural_key)
                .unwrap_or("id");
            json!({"type": ["string", "null"], "description": format!("the {key} of a record in /api/v1/{target}")})
        }
        FieldKind::Scale(scale) => json!({
            "type": ["string", "null"],
            "maxLength": mamori_domain::risk::MAX_SCALE_VALUE,
            "description": format!("a value of the organisation's {} scale (risk method settings)", scale.code())
        }),
    }
}

fn status_values(reg: &Register) -> Vec<&'static str> {
    // Empty: not given (active records, any value of a status field).
    let mut values = vec!["", "active", "withdrawn", "all"];
    if let Some(FieldKind::Choice(choices)) = reg.field("status").map(|f| f.kind) {
        values.extend(choices.iter().copied());
    }
    values
}

fn schemas(reg: &Register) -> (Value, Value) {
    let mut props = Map::new();
    props.insert("id".into(), json!({"type": "integer"}));
    for f in reg.fields {
        props.insert(f.name.into(), field_schema(f.kind));
    }
    props.insert(
        "withdrawn".into(),
        json!({"oneOf": [{"type": "null"}, {"type": "object", "properties": {"at": {"type": "string"}, "reason": {"type": "string"}}}]}),
    );
    let required: Vec<&str> = reg
        .fields
        .iter()
        .filter(|f| reg.must_give(f))
        .map(|f| f.name)
        .collect();
    let mut input_props = Map::new();
    for f in reg.fields {
        input_props.insert(f.name.into(), input_schema(reg, f));
    }
    (
        json!({"type": "object", "properties": props, "required": ["id"]}),
        json!({"type": "object", "properties": input_props, "required": required, "additionalProperties": false}),
    )
}

fn camel(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

pub fn document() -> Value {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let err =
        |d: &str| json!({"description": d, "content": {"application/json": {"schema": error}}});
    let errors = json!({
        "400": err("malformed request"), "401": err("not signed in"), "403": err("not allowed for this role"),
        "404": err("no such record in this organisation"), "413": err("the body is larger than 20 MiB"),
        "422": err("invalid input; details name each field"), "503": err("busy with other writes; try again after Retry-After seconds"),
    });
    let mut paths = Map::new();
    let mut components = Map::new();
    components.insert(
        "Error".into(),
        json!({"type": "object", "required": ["code", "message", "details"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "details": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "row": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}),
    );
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    for reg in registers::ALL {
        let name = camel(reg.code);
        let (schema, input) = schemas(reg);
        components.insert(name.clone(), schema);
        components.insert(format!("{name}Input"), input.clone());
        let one = json!({"$ref": format!("#/components/schemas/{name}")});
        let input_ref = json!({"$ref": format!("#/components/schemas/{name}Input")});
        let ok = |d: &str, s: &Value| json!({"description": d, "content": {"application/json": {"schema": s}}});
        // The operation's own answers first: its 422 or 409 says more than the common one.
        let with_errors = |m: Map<String, Value>| {
            let mut all = errors.as_object().cloned().unwrap_or_default();
            all.extend(m);
            Value::Object(all)
        };
        let mut params = vec![
            json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}),
            json!({"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "default": 0}}),
            json!({"name": "q", "in": "query", "schema": {"type": "string", "maxLength": mamori_store::records::MAX_Q, "pattern": NO_CONTROL}, "description": format!("searches {}", reg.search.join(", "))}),
            json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": std::iter::once("").chain(reg.fields.iter().map(|f| f.name)).collect::<Vec<_>>()}, "description": "a field; empty: the register's default order"}),
            json!({"name": "dir", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc", ""]}, "description": "empty: ascending"}),
            // A register with a `status` field takes its values here too (they never clash).
            json!({"name": "status", "in": "query", "schema": {"type": "string", "enum": status_values(reg)}}),
        ];
        if let Some((who, _)) = reg.latest_per {
            params.push(json!({"name": "latest", "in": "query", "schema": {"type": "string", "enum": ["", "1"]}, "description": format!("1: only each {who}'s latest record (a renewed one supersedes the old)")}));
        }
        if !reg.lacks.is_empty() {
            // Empty, as every filter: none.
            let lacks: Vec<&str> = std::iter::once("")
                .chain(reg.lacks.iter().map(|(c, _)| *c))
                .collect();
            params.push(json!({"name": "lacks", "in": "query", "schema": {"type": "string", "enum": lacks}, "description": "only records no active record of that register refers to; empty: none"}));
        }
        for f in reg.fields.iter().filter(|f| f.filter && f.name != "status") {
            if f.kind == FieldKind::Date {
                // Empty means no bound, as a filter form submits it.
                let date_or_empty = json!({"anyOf": [{"type": "string", "format": "date", "pattern": ISO_DATE}, {"type": "string", "maxLength": 0}]});
                params.push(json!({"name": format!("{}_from", f.name), "in": "query", "schema": date_or_empty}));
                params.push(json!({"name": format!("{}_to", f.name), "in": "query", "schema": date_or_empty}));
                params.push(json!({"name": format!("{}_empty", f.name), "in": "query", "description": "1: only records where this date is not set (an action not yet completed)", "schema": {"type": "string", "enum": ["", "1"]}}));
            } else {
                params
                    .push(json!({"name": f.name, "in": "query", "schema": filter_schema(f.kind)}));
            }
        }
        let tag = reg.collection;
        let list_schema = json!({"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": one}, "total": {"type": "integer"}}});
        paths.insert(
            format!("/api/v1/{}", reg.collection),
            json!({
                "get": {"tags": [tag], "operationId": format!("list{name}"), "parameters": params,
                        "description": "The parameters below (and `org`) are all a list takes: any other, such as a misspelt filter, is refused with 422 `unknown-parameter` naming it, never ignored; a parameter given twice is refused too.",
                        "responses": with_errors(Map::from_iter([("200".into(), ok("a page of records", &list_schema)), ("422".into(), err("invalid parameters, each named in details: a value out of range or not a choice, a parameter given twice, or one this list does not take (code unknown-parameter)"))]))},
                "post": {"tags": [tag], "operationId": format!("create{name}"), "requestBody": {"required": true, "content": {"application/json": {"schema": input_ref}}},
                         "responses": with_errors(Map::from_iter([("201".into(), ok("created", &one))]))},
            }),
        );
        let patch_input = json!({"type": "object", "properties": input.get("properties").cloned().unwrap_or_default(), "additionalProperties": false});
        paths.insert(
            format!("/api/v1/{}/{{id}}", reg.collection),
            json!({
                "get": {"tags": [tag], "operationId": format!("get{name}"), "parameters": [id_param], "responses": with_errors(Map::from_iter([("200".into(), ok("the record", &one))]))},
                "patch": {"tags": [tag], "operationId": format!("update{name}"), "parameters": [id_param], "requestBody": {"required": true, "content": {"application/json": {"schema": patch_input}}},
                          "responses": with_errors(Map::from_iter([("200".into(), ok("updated", &one)), ("409".into(), err("the record is withdrawn"))]))},
            }),
        );
        paths.insert(
            format!("/api/v1/{}/{{id}}/withdraw", reg.collection),
            json!({"post": {"tags": [tag], "operationId": format!("withdraw{name}"), "parameters": [id_param],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500, "pattern": SOME_TEXT}}}}}},
                "responses": with_errors(Map::from_iter([("200".into(), ok("withdrawn", &one)), ("409".into(), err("already withdrawn"))]))}}),
        );
        paths.insert(
            format!("/api/v1/{}/{{id}}/reinstate", reg.collection),
            json!({"post": {"tags": [tag], "operationId": format!("reinstate{name}"), "parameters": [id_param],
                "responses": with_errors(Map::from_iter([("200".into(), ok("reinstated", &one)), ("409".into(), err("not withdrawn"))]))}}),
        );
        paths.insert(
            format!("/api/v1/{}/{{id}}/history", reg.collection),
            json!({"get": {"tags": [tag], "operationId": format!("history{name}"), "parameters": [id_param],
                "responses": with_errors(Map::from_iter([("200".into(), ok("the record's audit history", &json!({"type": "object", "properties": {"items": {"type": "array"}, "total": {"type": "integer"}}})))]))}}),
        );
    }
    paths.insert(
        "/api/v1/auth/token".into(),
        json!({"post": {"tags": ["auth"], "operationId": "createToken", "security": [],
            "description": "Signs in and makes a named bearer token that expires after the token_days setting (90 days by default). A refused sign-in answers the same whether the address exists or not; a password past its maximum age must be changed on the web first.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "password"], "properties": {
                "email": {"type": "string", "pattern": NO_CONTROL}, "password": {"type": "string", "pattern": NO_CONTROL},
                "name": {"type": ["string", "null"], "maxLength": 100, "pattern": NO_CONTROL, "description": "shown on the account page; left out or empty, \"API token\" and the time it was made"}}}}}},
            "responses": {"200": {"description": "a bearer token, shown this once", "content": {"application/json": {"schema": {"type": "object", "required": ["token", "id", "name", "expires_at"], "properties": {
                "token": {"type": "string"}, "id": {"type": "integer"}, "name": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}}}},
                "400": err("malformed request"), "401": err("wrong e-mail address or password (also for an unknown address, a locked or a disabled account), or a password past its maximum age"),
                "422": err("the name is not a string or too long, or control characters in a field")}}}),
    );
    let paper = json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "course": {"type": "string"}, "person": {"type": "string"},
        "result": {"type": "string", "enum": registers::ATTEMPT_RESULTS}, "score": {"type": ["integer", "null"]},
        "pass_mark": {"type": "integer"}, "correct": {"type": ["integer", "null"]}, "total": {"type": "integer"},
        "started_at": {"type": "string"}, "deadline_at": {"type": "string"},
        "questions": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string"}, "text": {"type": "string"},
            "choices": {"type": "array", "items": {"type": "object", "properties": {"value": {"type": "integer"}, "text": {"type": "string"}}}},
            "answer": {"description": "the correct choice numbers, once the attempt is closed and only after a pass (when the course shows them) or to someone reading another's paper; null otherwise"},
            "correct": {"type": ["boolean", "null"], "description": "whether the question was answered right, once the attempt is closed"},
            "answered": {"description": "the choice numbers given"}}}}}});
    let paper_ok =
        |d: &str| json!({"description": d, "content": {"application/json": {"schema": paper}}});
    let attempt_errors = |m: Map<String, Value>| {
        let mut m = m;
        if let Some(e) = errors.as_object() {
            m.extend(e.clone());
        }
        Value::Object(m)
    };
    let course_param = json!({"name": "course", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 20}});
    paths.insert(
        "/api/v1/tests/{course}/attempts".into(),
        json!({"post": {"tags": ["tests"], "operationId": "startAttempt", "parameters": [course_param],
            "description": "Starts the caller's attempt at a course's comprehension test, or returns the one still open. Questions and choices come shuffled, without the answers.",
            "responses": attempt_errors(Map::from_iter([("201".into(), paper_ok("the paper")), ("409".into(), err("the caller is not linked to a person, or the course has no questions"))]))}}),
    );
    paths.insert(
        "/api/v1/tests/attempts/{id}".into(),
        json!({"get": {"tags": ["tests"], "operationId": "getAttempt", "parameters": [id_param],
            "responses": attempt_errors(Map::from_iter([("200".into(), paper_ok("the paper; the answers once closed"))]))}}),
    );
    paths.insert(
        "/api/v1/tests/attempts/{id}/answers".into(),
        json!({"post": {"tags": ["tests"], "operationId": "submitAttempt", "parameters": [id_param],
            "description": "Submits the answers of the caller's open attempt, once, before its deadline.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["answers"],
                "properties": {"answers": {"type": "object", "description": "question id → the chosen choice numbers", "additionalProperties": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 10}}}}}}}},
            "responses": attempt_errors(Map::from_iter([("200".into(), paper_ok("the graded paper")), ("409".into(), err("already submitted, or past the deadline"))]))}}),
    );
    paths.insert(
        "/api/v1/people/{id}/eligibility".into(),
        json!({"get": {"tags": ["people"], "operationId": "eligibility", "parameters": [id_param],
            "description": "Whether the person may handle information assets: NDA signed, onboarding course attended, its test passed.",
            "responses": attempt_errors(Map::from_iter([("200".into(), json!({"description": "the three steps and the verdict", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "eligible": {"type": "boolean"}, "pledge": {"type": ["string", "null"]}, "onboarding": {"type": ["string", "null"]}, "test_passed": {"type": ["string", "null"]}}}}}}))]))}}),
    );
    paths.insert(
        "/api/v1/notices/{id}/read".into(),
        json!({"post": {"tags": ["notices"], "operationId": "acknowledgeNotice", "parameters": [id_param],
            "description": "The caller acknowledges a notice addressed to them (everyone, or their department). Acknowledging again changes nothing.",
            "responses": attempt_errors(Map::from_iter([("204".into(), json!({"description": "acknowledged"})), ("409".into(), err("the caller is not linked to a person, or the notice is not addressed to them"))]))}}),
    );
    let notice = json!({"$ref": "#/components/schemas/Notice"});
    paths.insert(
        "/api/v1/meetings/{id}/minutes".into(),
        json!({"post": {"tags": ["meetings"], "operationId": "publishMinutes", "parameters": [id_param],
            "description": "Publishes a meeting's minutes on the bulletin board: a notice of kind minutes naming the meeting, for its department or (no department) for everyone. Who may change the meeting publishes it, once: again answers 200 with the notice published before.",
            "responses": attempt_errors(Map::from_iter([
                ("201".into(), json!({"description": "the notice, published now", "content": {"application/json": {"schema": notice}}})),
                ("200".into(), json!({"description": "the notice published before", "content": {"application/json": {"schema": notice}}})),
                ("409".into(), err("the meeting is withdrawn"))]))}}),
    );
    paths.insert(
        "/api/v1/notices/unread".into(),
        json!({"get": {"tags": ["notices"], "operationId": "unreadNotices",
            "description": "The notices addressed to the caller that they have not acknowledged, newest first (at most 100).",
            "responses": {"200": {"description": "the unread notices", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "code": {"type": "string"}, "kind": {"type": "string"}, "title": {"type": "string"}, "published_on": {"type": "string", "format": "date"}}}}}}}}},
                "401": err("not signed in")}}}),
    );
    report_paths(&mut paths, &mut components, &errors);
    paths.insert("/api/v1/search".into(), json!({"get": {"tags": ["search"], "operationId": "search",
        "description": "The records of every register the caller may read whose code, title or searchable text holds the words (Japanese substrings match; full-width letters and digits match their ASCII forms), grouped by register in the menu's order, at most ten a register. Withdrawn records and records the caller may not see are not found.",
        "parameters": [{"name": "q", "in": "query", "required": false, "schema": {"type": "string", "maxLength": 100}}],
        "responses": {"200": {"description": "the groups of records found", "content": {"application/json": {"schema": {"type": "object", "required": ["q", "groups"], "properties": {
            "q": {"type": "string"},
            "groups": {"type": "array", "items": {"type": "object", "required": ["collection", "total", "items"], "properties": {
                "collection": {"type": "string"}, "total": {"type": "integer"}, "capped": {"type": "boolean", "description": "the search stopped at 2,000 entries: there may be more"}, "items": {"type": "array", "items": {"type": "object"}}}}}}}}}},
            "422": err("the words are too long or hold control characters, or an unknown or repeated parameter"), "401": err("not signed in")}}}));
    paths.insert("/api/v1/me".into(), json!({"get": {"tags": ["auth"], "operationId": "me", "responses": {"200": {"description": "the caller and their memberships"}, "401": err("not signed in")}}}));
    paths.insert("/api/v1/me/calendar-token".into(), json!({
        "post": {"tags": ["auth"], "operationId": "createCalendarToken", "summary": "a private iCalendar address of the caller's tasks, meetings, audits and drills (a new one revokes the old)",
            "responses": {"201": {"description": "the address", "content": {"application/json": {"schema": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}}}}, "401": err("not signed in")}},
        "delete": {"tags": ["auth"], "operationId": "revokeCalendarToken", "responses": {"204": {"description": "revoked"}, "401": err("not signed in")}},
    }));
    paths.insert("/api/v1/audit/verify".into(), json!({"get": {"tags": ["audit"], "operationId": "verifyAudit", "responses": {"200": {"description": "whether the hash chain is intact", "content": {"application/json": {"schema": {"type": "object", "properties": {"intact": {"type": "boolean"}, "rows": {"type": "integer"}, "first_broken": {"type": ["integer", "null"]}}}}}}, "401": err("not signed in"), "403": err("not allowed for this role")}}}));
    paths.insert("/healthz".into(), json!({"get": {"tags": ["ops"], "operationId": "healthz", "security": [], "responses": {"200": {"description": "the process is alive"}}}}));
    paths.insert("/readyz".into(), json!({"get": {"tags": ["ops"], "operationId": "readyz", "security": [], "responses": {"200": {"description": "the database answers"}, "503": {"description": "the database does not answer"}}}}));
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Mamori API", "version": env!("CARGO_PKG_VERSION"), "description": "ISMS registers of one organisation, chosen by the X-Mamori-Organization header or the org query parameter (default: the caller's first membership). Programs authenticate with a bearer token; an expired token, or one of a locked, disabled or password-expired account, is refused with 401. A signed-in browser's session cookie also reads, but writes with it only with the session's CSRF token in the X-CSRF-Token header and a JSON content type (otherwise 403)."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": {"organization": {"name": "X-Mamori-Organization", "in": "header", "schema": {"type": "string"}}}},
    })
}

/// The yearly report: its revisions, its model and files, and the workflow's steps.
fn report_paths(
    paths: &mut Map<String, Value>,
    components: &mut Map<String, Value>,
    errors: &Value,
) {
    let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let with_errors = |m: Vec<(&str, Value)>| {
        let mut all = errors.as_object().cloned().unwrap_or_default();
        all.extend(m.into_iter().map(|(k, v)| (k.to_string(), v)));
        Value::Object(all)
    };
    let date_or_null = json!({"type": ["string", "null"], "format": "date"});
    let text_or_null = json!({"type": ["string", "null"]});
    components.insert(
        "ReportRevision".into(),
        json!({"type": "object", "required": ["fiscal_year", "revision", "status", "issued_on"], "properties": {
            "fiscal_year": {"type": "integer", "description": "the calendar year the fiscal year starts in"},
            "revision": {"type": "integer", "minimum": 1, "description": "第N版"},
            "status": {"type": "string", "enum": mamori_store::reports::ReportStatus::ALL.map(|s| s.code())},
            "issued_on": {"type": "string", "format": "date"},
            "change_note": {"type": ["string", "null"], "description": "what a correction changes"},
            "approved_by": text_or_null, "approved_on": date_or_null,
            "published_on": date_or_null,
            "published_by": {"type": ["string", "null"], "description": "who published it, as the audit trail names them"}}}),
    );
    let figure_value = json!({"type": ["number", "string"], "description": "a number, \"none\" (無し) or \"n/a\" (―)"});
    components.insert(
        "Report".into(),
        json!({"type": "object", "description": "The report model, as docs/report-json.md describes it.",
            "required": ["organisation", "fiscal_year", "previous_year", "period", "issued_on", "revision", "status", "lang", "figures", "drill_down", "narratives", "items", "document"],
            "properties": {
                "organisation": {"type": "string"}, "fiscal_year": {"type": "integer"}, "previous_year": {"type": "integer"},
                "period": {"type": "array", "items": {"type": "string", "format": "date"}, "minItems": 2, "maxItems": 2},
                "issued_on": {"type": "string", "format": "date"},
                "revision": {"type": "integer", "minimum": 0, "description": "0 for a year not started"},
                "status": {"type": "string", "enum": mamori_store::reports::ReportStatus::ALL.map(|s| s.code())},
                "lang": {"type": "string", "enum": ["ja", "en"]},
                "figures": {"type": "object", "additionalProperties": {"type": "object", "required": ["current", "previous"], "properties": {"current": figure_value, "previous": figure_value}}},
                "drill_down": {"type": "object", "additionalProperties": {"type": "object", "properties": {"current": {"type": "string"}, "previous": {"type": "string"}}}},
                "narratives": {"type": "object", "additionalProperties": {"type": "string"}},
                "items": {"type": "array", "items": {"type": "string"}},
                "document": {"type": "object", "required": ["lang", "title", "sections"], "properties": {"lang": {"type": "string"}, "title": {"type": "string"}, "sections": {"type": "array"}}},
                "audit_head": {"type": "object", "required": ["seq", "hash"], "properties": {"seq": {"type": "integer"}, "hash": {"type": "string"}}, "description": "published revisions only: the audit trail's head the report was computed at"}}}),
    );
    let revision = json!({"$ref": "#/components/schemas/ReportRevision"});
    let year = json!({"name": "year", "in": "path", "required": true,
        "schema": {"type": "integer", "minimum": *YEARS.start(), "maximum": *YEARS.end()},
        "description": "the fiscal year, as the calendar year it starts in (2017: April 2017 to March 2018)"});
    let lang = json!({"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["ja", "en"], "default": "ja"},
        "description": "ja: the published report's own language (a published revision is served as frozen); en: computed now"});
    let unknown = "Any other query parameter than those listed (and `org`) is refused with 422 `unknown-parameter`.";
    let readers =
        "Every member reads it; staff once the year's latest revision is published (403 before).";
    paths.insert(
        "/api/v1/reports".into(),
        json!({"get": {"tags": ["reports"], "operationId": "listReports",
            "description": format!("Every fiscal year's revisions of the report, the latest year first and the newest revision first; staff see published ones only. {unknown}"),
            "responses": with_errors(vec![("200", json!({"description": "the revisions", "content": {"application/json": {"schema": {"type": "object", "required": ["items", "total"], "properties": {
                "items": {"type": "array", "items": revision}, "total": {"type": "integer"}}}}}}))])}}),
    );
    paths.insert(
        "/api/v1/reports/{year}".into(),
        json!({"get": {"tags": ["reports"], "operationId": "getReport", "parameters": [year, lang],
            "description": format!("The report model of a year: the same JSON as the report page's report.json download. A year not started is computed with the previous year's narratives (revision 0). {readers} {unknown}"),
            "responses": with_errors(vec![("200", json!({"description": "the report model", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}})),
                ("404", err("no such year (outside 1990–2100)"))])}}),
    );
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    let files = Map::from_iter([
        (Format::Pdf.content_type().to_string(), binary.clone()),
        (Format::Docx.content_type().to_string(), binary),
        (
            "text/html".to_string(),
            json!({"schema": {"type": "string"}}),
        ),
        (
            Format::Json.content_type().to_string(),
            json!({"schema": {"$ref": "#/components/schemas/Report"}}),
        ),
    ]);
    let file = json!({"name": "file", "in": "path", "required": true, "schema": {"type": "string", "enum": ["report.pdf", "report.docx", "report.html", "report.json"]}});
    paths.insert(
        "/api/v1/reports/{year}/{file}".into(),
        json!({"get": {"tags": ["reports"], "operationId": "getReportFile", "parameters": [year, file, lang],
            "description": format!("The report of a year as a file: the same bytes as the report page's downloads (a published revision's frozen file when asked in Japanese), with the content type of its format. {readers} {unknown}"),
            "responses": with_errors(vec![("200", json!({"description": "the file", "content": files})),
                ("404", err("no such year (outside 1990–2100) or file"))])}}),
    );
    let preparers =
        "The secretariat and administrators only (403 for anyone else), as on the report page.";
    let step = |id: &str, what: &str, conflict: &str, not_found: &str| {
        json!({"post": {"tags": ["reports"], "operationId": id, "parameters": [year],
            "description": format!("{what} {preparers} {unknown}"),
            "responses": with_errors(vec![("200", json!({"description": "the year's latest revision after the step", "content": {"application/json": {"schema": revision}}})),
                ("404", err(not_found)), ("409", err(conflict))])}})
    };
    paths.insert(
        "/api/v1/reports/{year}/submit".into(),
        step("submitReport", "Sends the year's draft for review; its figures are remembered, to show what changes before publication.",
            "the latest revision is not a draft (report-wrong-step)", "the year's report is not started"),
    );
    paths.insert(
        "/api/v1/reports/{year}/approve".into(),
        step("approveReport", "Approves the revision in review, in the name of the caller, who must be top management (a person appointed top_management today).",
            "the latest revision is not in review (report-wrong-step), or the caller is not top management (report-approve-top-management)", "the year's report is not started"),
    );
    paths.insert(
        "/api/v1/reports/{year}/send-back".into(),
        step(
            "sendBackReport",
            "Sends the revision in review or approved back to draft.",
            "the latest revision is neither in review nor approved (report-wrong-step)",
            "the year's report is not started",
        ),
    );
    paths.insert(
        "/api/v1/reports/{year}/publish".into(),
        step("publishReport", "Publishes the approved revision: its JSON, HTML, PDF and DOCX are frozen and their SHA-256 written to the audit trail; from then on they are what the report reads.",
            "the latest revision is not approved (report-wrong-step)", "the year's report is not started"),
    );
    paths.insert(
        "/api/v1/reports/{year}/start".into(),
        json!({"post": {"tags": ["reports"], "operationId": "startReport", "parameters": [year],
            "description": format!("Starts the year's report (its first revision, a draft with the latest earlier year's narratives, issued today), or a correction of the published one: the next revision, a draft copy of it with its change note. {preparers} {unknown}"),
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                "change_note": {"type": ["string", "null"], "maxLength": mamori_store::reports::MAX_CHANGE_NOTE, "pattern": NO_CONTROL, "description": "what the correction changes; required for a correction"}}}}}},
            "responses": with_errors(vec![("201", json!({"description": "the new revision", "content": {"application/json": {"schema": revision}}})),
                ("409", err("the year has a revision in progress (report-revision-open)")),
                ("422", err("a correction without its change note, or one too long"))])}}),
    );
}

pub async fn serve() -> axum::Json<Value> {
    axum::Json(document())
}
