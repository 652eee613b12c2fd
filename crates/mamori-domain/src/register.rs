//! The register declaration: a register (台帳) is declared once, as data, and its list page, form,
//! detail page, API endpoints, XLSX/CSV columns, audit entries and translation keys follow from it.

use serde::Serialize;
use time::Date;

use crate::dates::{iso, parse_date};
use crate::input::{normalize, normalize_lines, normalize_strict};

#[derive(Debug)]
pub struct Register {
    /// Glossary code name in snake case (`person`); also the audit entity and the translation prefix.
    pub code: &'static str,
    /// Kebab-case plural: the URL segment and API collection (`people`).
    pub collection: &'static str,
    pub table: &'static str,
    pub fields: &'static [Field],
    /// The field other registers and import files use to refer to a record (`employee_no`).
    pub natural_key: Option<&'static str>,
    /// The field that names a record on its page.
    pub title_field: &'static str,
    /// A department manager may write records whose department is theirs.
    pub department_field: Option<&'static str>,
    pub write: WriteScope,
    pub default_sort: &'static str,
    /// Fields the free-text filter `q` searches.
    pub search: &'static [&'static str],
    /// Cross-field rules: (later, earlier): `later` may not be before `earlier`.
    pub not_before: &'static [(&'static str, &'static str)],
    /// Registers that refer to this one and whose absence is worth listing ("who lacks an NDA"):
    /// (collection, the reference field there).
    pub lacks: &'static [(&'static str, &'static str)],
    /// Field groups whose values together must be unique within the organisation.
    pub unique_together: &'static [&'static [&'static str]],
    /// Who reads the register's records.
    pub read: ReadScope,
    /// Values taken, when left empty, from a referenced record at the time of writing:
    /// (field, reference field, that record's field). An attendance keeps the department its person
    /// belonged to then, so figures per department survive a reorganisation.
    pub defaults: &'static [(&'static str, &'static str, &'static str)],
    /// A reference to people set to the writer's own person when left empty (a handling record's
    /// handler).
    pub writer_person: Option<&'static str>,
    /// Cross-field rules particular to this register (e.g. a question's answer must name one of its
    /// choices); run after every field parsed, on values in declaration order.
    pub validate: Option<Validate>,
    /// Fields printed, one a line, on the register's labels (a PDF sheet with a QR code per label
    /// linking to the record); empty when the register has no labels.
    pub labels: &'static [&'static str],
    /// Fields only those who edit the register set (a security event's assessment, response and
    /// closing): a reporter leaves them to the secretariat, and their form does not show them.
    pub assessed: &'static [&'static str],
    /// Values a new record takes for fields left empty (`today` for a date): a reported event
    /// starts as `reported`, on the day it is reported.
    pub initial: &'static [(&'static str, &'static str)],
    /// Left empty, the natural key is numbered: this prefix and the next free number
    /// (`A-0001`), in forms, the API and imports alike.
    pub numbered: Option<&'static str>,
    /// A choice field naming what a record comes from, and the reference each choice fills: a
    /// corrective action from a finding names the finding. The reference is then required, and a
    /// record's page offers to add one from there with both filled in.
    pub sources: Option<Sources>,
    /// Checks that warn without refusing (an objective without a numeric target): shown on the
    /// record's page and listed on the page of things to act on.
    pub warn: Option<Validate>,
    /// A figure of the record a reference points to, computed from the records that point to it:
    /// a facility assessment's average score, a self-assessment's total.
    pub rollup: Option<Rollup>,
    /// Fields the store computes (a risk level, a drill's target met, an average score): forms
    /// leave them out and what a user or a file gives for them is not taken.
    pub computed: &'static [&'static str],
    /// What places a record in a fiscal year, so the year selector lists that year's records: a
    /// date field (`held_on`), a date field of a referenced record (`session.held_on`: an
    /// attendance is in its session's year) or a whole-number fiscal-year field (`fiscal_year`).
    /// `None` for a standing register (departments, assets, controls), listed whatever the year.
    pub year_field: Option<&'static str>,
    /// Fields that apply only for some values of a choice: (field, choice field, those values). A
    /// handling record's recipient is a transfer's; a form shows such a field only then.
    pub applies: &'static [(&'static str, &'static str, &'static [&'static str])],
    /// (who, when): a record superseded by a later one of the same who (a person's renewed
    /// identity guarantee) is left out by the list parameter `latest=1`.
    pub latest_per: Option<(&'static str, &'static str)>,
}

/// See `Register::rollup`: `target` on the record in `via` is the `how` of `field` over the
/// active records that point to it (a choice whose values are numbers counts as numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollup {
    pub via: &'static str,
    pub field: &'static str,
    pub target: &'static str,
    pub how: RollupKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollupKind {
    Sum,
    /// The mean to one decimal place, as text.
    Average,
}

/// See `Register::sources`: the choice field, and (choice, reference field) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sources {
    pub field: &'static str,
    pub refs: &'static [(&'static str, &'static str)],
}

/// A register's own cross-field rule.
pub type Validate = fn(&[Value]) -> Vec<FieldError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadScope {
    /// Every member of the organisation.
    Members,
    /// Every member, except that staff read only the records whose named reference field is
    /// their own person (their pledges, their attendance, their test results).
    OwnForStaff(&'static str),
    /// Everyone but staff (the question bank holds the answers; audits, findings, minutes and the
    /// other registers of running the ISMS are not staff's, per DESIGN's permission table).
    NotStaff,
    /// The people register: staff read their own record only (the directory names everyone, with
    /// no export of personal data).
    SelfForStaff,
    /// Information assets: a confidential or strictly confidential asset is seen only by the
    /// secretariat, its owner, its department's manager and its authorized handlers. `Some(field)`
    /// is a register about assets (handler grants), whose records follow their asset's visibility.
    Classified(Option<&'static str>),
}

/// One handling rule: for an asset of `classification`, a record of `kind` by `method` is refused
/// (`allowed` false), or needs one of `protections`. Rules are an organisation setting; see
/// `registers::handling_rules`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HandlingRule {
    pub classification: String,
    pub kind: String,
    pub method: String,
    pub allowed: bool,
    #[serde(default)]
    pub protections: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteScope {
    /// Only the ISMS secretariat writes.
    Secretariat,
    /// Every member who is a person reports (about themselves: the writer is the reporter); the
    /// secretariat, and a department manager for their department, assess, edit and close.
    Reporters,
    /// Nobody writes through forms, the API or imports: the records come from a flow of their own
    /// (a test attempt is written by taking the test).
    Nobody,
    /// Append-only records that only an asset's authorized handlers add, about themselves (handling
    /// records); nobody edits or withdraws them. The command line may load past records for any
    /// handler.
    Handlers,
    /// The secretariat, and a department manager for records of their department.
    SecretariatOrOwnDepartment,
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Unique within the organisation.
    pub unique: bool,
    /// Shown as a column on the list page.
    pub list: bool,
    /// Offered as a filter on the list page: equality for choices and references, a from–to range for dates.
    pub filter: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text {
        max: usize,
    },
    Email,
    Date,
    /// A whole number within bounds.
    Int {
        min: i64,
        max: i64,
    },
    Choice(&'static [&'static str]),
    /// A reference to a record of another register, by its collection.
    Ref(&'static str),
    /// A value of one of the organisation's risk-method scales (likelihood A/B/C, …).
    Scale(crate::risk::Scale),
}

impl FieldKind {
    pub fn code(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::Email => "email",
            FieldKind::Date => "date",
            FieldKind::Int { .. } => "int",
            FieldKind::Choice(_) => "choice",
            FieldKind::Ref(_) => "ref",
            FieldKind::Scale(_) => "scale",
        }
    }
}

/// A typed field value. A reference is carried as the referenced record's natural key until the
/// store resolves it to an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Date(Date),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The form shown in files and forms: dates in ISO 8601.
    pub fn to_plain(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Date(d) => iso(*d),
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
}

/// Why a field value was refused; `code` is a translation key suffix (`error-field-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &str, code: &'static str) -> Self {
        Self {
            field: field.to_string(),
            code,
            detail: None,
        }
    }
    pub fn with(field: &str, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            code,
            detail: Some(detail.into()),
        }
    }
}

/// Upper bound on any text a register accepts, whatever its declared maximum.
pub const MAX_TEXT: usize = 2000;

impl Field {
    /// Long free text keeps its line breaks (a course's content, a question's choices).
    pub fn multiline(&self) -> bool {
        matches!(self.kind, FieldKind::Text { max } if max > 200) && !self.unique
    }

    /// Parses what a user typed (form, API, file cell) into a typed value, normalising full-width input.
    pub fn parse(&self, raw: &str) -> Result<Value, FieldError> {
        if raw.chars().count() > MAX_TEXT * 2 {
            return Err(FieldError::with(
                self.name,
                "too-long",
                MAX_TEXT.to_string(),
            ));
        }
        // Free text keeps Japanese punctuation as typed; codes, references, choices, dates and
        // e-mail addresses are compared exactly, so they take the strict form.
        let s = match self.kind {
            FieldKind::Text { .. } if self.multiline() => normalize_lines(raw),
            FieldKind::Text { .. } if !self.unique => normalize(raw),
            _ => normalize_strict(raw),
        };
        if s.is_empty() {
            return if self.required {
                Err(FieldError::new(self.name, "required"))
            } else {
                Ok(Value::Null)
            };
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err(FieldError::new(self.name, "control-characters"));
        }
        match self.kind {
            FieldKind::Text { max } => {
                if crate::input::too_long(raw, &s, max.min(MAX_TEXT)) {
                    Err(FieldError::with(self.name, "too-long", max.to_string()))
                } else {
                    Ok(Value::Text(s))
                }
            }
            FieldKind::Email => {
                let s = s.to_lowercase();
                let valid = s.len() <= 254
                    && s.split_once('@').is_some_and(|(local, domain)| {
                        !local.is_empty()
                            && domain.contains('.')
                            && !domain.starts_with('.')
                            && !domain.ends_with('.')
                            && !s.contains(' ')
                            && s.matches('@').count() == 1
                    });
                if valid {
                    Ok(Value::Text(s))
                } else {
                    Err(FieldError::new(self.name, "invalid-email"))
                }
            }
            FieldKind::Date => parse_date(&s)
                .map(Value::Date)
                .ok_or_else(|| FieldError::new(self.name, "invalid-date")),
            FieldKind::Int { min, max } => match s.replace(',', "").parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Value::Int(n)),
                Ok(_) => Err(FieldError::with(
                    self.name,
                    "int-range",
                    format!("{min}–{max}"),
                )),
                Err(_) => Err(FieldError::new(self.name, "invalid-number")),
            },
            FieldKind::Choice(choices) => {
                if choices.contains(&s.as_str()) {
                    Ok(Value::Text(s))
                } else {
                    Err(FieldError::with(
                        self.name,
                        "invalid-choice",
                        choices.join(", "),
                    ))
                }
            }
            FieldKind::Scale(_) => {
                if s.chars().count() > crate::risk::MAX_SCALE_VALUE {
                    Err(FieldError::new(self.name, "not-on-scale"))
                } else {
                    Ok(Value::Text(s.to_ascii_uppercase()))
                }
            }
            FieldKind::Ref(_) => {
                if s.chars().count() > 100 {
                    Err(FieldError::with(self.name, "too-long", "100"))
                } else {
                    Ok(Value::Text(s))
                }
            }
        }
    }
}

impl Register {
    /// The list parameters that keep the records of fiscal year `fy` (see `year_field`): the
    /// year's first and last day on a date field, or the year itself on a fiscal-year field.
    pub fn year_params(&self, fy: crate::dates::FiscalYear) -> Vec<(String, String)> {
        let Some(name) = self.year_field else {
            return Vec::new();
        };
        let field = match name.split_once('.') {
            Some((via, sub)) => crate::registers::target_of(self, via).and_then(|t| t.field(sub)),
            None => self.field(name),
        };
        if field.is_some_and(|f| matches!(f.kind, FieldKind::Int { .. })) {
            return vec![(name.to_string(), fy.year().to_string())];
        }
        vec![
            (format!("{name}_from"), iso(fy.start())),
            (format!("{name}_to"), iso(fy.last_day())),
        ]
    }

    /// Whether a form or an import must give this field: a required one, except a numbered code
    /// and a field with an initial value.
    pub fn must_give(&self, f: &Field) -> bool {
        f.required
            && !(self.numbered.is_some() && self.natural_key == Some(f.name))
            && !self.initial.iter().any(|(name, _)| *name == f.name)
    }

    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Checks the cross-field rules on a complete set of values (in declaration order).
    pub fn check(&self, values: &[Value]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (later, earlier) in self.not_before {
            let get = |name: &str| {
                self.fields
                    .iter()
                    .position(|f| f.name == name)
                    .and_then(|i| values.get(i))
                    .and_then(Value::as_date)
            };
            if let (Some(l), Some(e)) = (get(later), get(earlier))
                && l < e
            {
                errors.push(FieldError::with(later, "not-before", *earlier));
            }
        }
        if let Some(sources) = self.sources {
            let source = self.text(values, sources.field);
            if let Some((_, field)) = sources.refs.iter().find(|(c, _)| *c == source)
                && self.text(values, field).is_empty()
            {
                errors.push(FieldError::new(field, "required"));
            }
        }
        if let Some(validate) = self.validate {
            errors.extend(validate(values));
        }
        errors
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// A field's value among `values` (in declaration order) as plain text: empty when unset. The
    /// cross-field rules read values through it.
    pub fn text(&self, values: &[Value], name: &str) -> String {
        self.position(name)
            .and_then(|i| values.get(i))
            .map(Value::to_plain)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::PEOPLE;
    use time::macros::date;

    #[test]
    fn fields_parse_full_width_and_refuse_bad_input() {
        let no = PEOPLE.field("employee_no").unwrap();
        assert_eq!(no.parse("０１２３"), Ok(Value::Text("0123".into())));
        assert_eq!(no.parse("  ").unwrap_err().code, "required");
        assert_eq!(no.parse(&"1".repeat(50)).unwrap_err().code, "too-long");
        // The limit holds for what was sent, not only for what is kept after trimming.
        let FieldKind::Text { max } = no.kind else {
            panic!("employee_no is text")
        };
        let padded = format!(" {}", "1".repeat(max));
        assert_eq!(no.parse(&padded).unwrap_err().code, "too-long");
        assert!(no.parse(&"1".repeat(max)).is_ok());
        let joined = PEOPLE.field("joined_on").unwrap();
        assert_eq!(
            joined.parse("平成29年4月1日"),
            Ok(Value::Date(date!(2017 - 04 - 01)))
        );
        assert_eq!(joined.parse("2017-13-01").unwrap_err().code, "invalid-date");
        let kind = PEOPLE.field("employment_type").unwrap();
        assert_eq!(kind.parse("pirate").unwrap_err().code, "invalid-choice");
        let email = PEOPLE.field("email").unwrap();
        assert_eq!(
            email.parse("ＳＴＡＦＦ＠ｓａｊｅｃｏ.example"),
            Ok(Value::Text("staff@sajeco.example".into()))
        );
        assert_eq!(
            email.parse("not-an-email").unwrap_err().code,
            "invalid-email"
        );
        assert_eq!(email.parse(""), Ok(Value::Null));
        assert_eq!(
            no.parse("a\u{0007}b").unwrap_err().code,
            "control-characters"
        );
    }

    #[test]
    fn leaving_before_joining_is_refused() {
        let mut values: Vec<Value> = PEOPLE.fields.iter().map(|_| Value::Null).collect();
        let pos = |n: &str| PEOPLE.fields.iter().position(|f| f.name == n).unwrap();
        values[pos("joined_on")] = Value::Date(date!(2017 - 04 - 01));
        values[pos("left_on")] = Value::Date(date!(2017 - 03 - 31));
        let errors = PEOPLE.check(&values);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "left_on");
    }
}
