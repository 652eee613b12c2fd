//! Server-rendered pages: templates embedded at build time (minijinja), translations and date
//! formatting available in every template, and the htmx rule in one place: an htmx request gets the
//! page's `content` block, anything else the whole page.

use mamori_domain::Lang;
use std::sync::LazyLock;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value, context};

use crate::error::AppError;
use crate::i18n;
use crate::pages::AREAS;
use crate::session::Ctx;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("bare.html", include_str!("../templates/bare.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("setup.html", include_str!("../templates/setup.html")),
    ("invite.html", include_str!("../templates/invite.html")),
    (
        "directory.html",
        include_str!("../templates/directory.html"),
    ),
    ("refused.html", include_str!("../templates/refused.html")),
    (
        "report_none.html",
        include_str!("../templates/report_none.html"),
    ),
    (
        "near_miss.html",
        include_str!("../templates/near_miss.html"),
    ),
    (
        "near_miss_thanks.html",
        include_str!("../templates/near_miss_thanks.html"),
    ),
    ("org_new.html", include_str!("../templates/org_new.html")),
    ("error.html", include_str!("../templates/error.html")),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    ("area.html", include_str!("../templates/area.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("todo.html", include_str!("../templates/todo.html")),
    ("tasks.html", include_str!("../templates/tasks.html")),
    ("outbox.html", include_str!("../templates/outbox.html")),
    ("plan.html", include_str!("../templates/plan.html")),
    ("reset.html", include_str!("../templates/reset.html")),
    (
        "reset_request.html",
        include_str!("../templates/reset_request.html"),
    ),
    (
        "audit_programme.html",
        include_str!("../templates/audit_programme.html"),
    ),
    (
        "plan_calendar.html",
        include_str!("../templates/plan_calendar.html"),
    ),
    ("list.html", include_str!("../templates/list.html")),
    ("form.html", include_str!("../templates/form.html")),
    ("detail.html", include_str!("../templates/detail.html")),
    ("me.html", include_str!("../templates/me.html")),
    ("overdue.html", include_str!("../templates/overdue.html")),
    ("events.html", include_str!("../templates/events.html")),
    ("soa.html", include_str!("../templates/soa.html")),
    ("report.html", include_str!("../templates/report.html")),
    (
        "report_edit.html",
        include_str!("../templates/report_edit.html"),
    ),
    (
        "self_assessment.html",
        include_str!("../templates/self_assessment.html"),
    ),
    (
        "self_assessment_answers.html",
        include_str!("../templates/self_assessment_answers.html"),
    ),
    ("paper.html", include_str!("../templates/paper.html")),
    (
        "eligibility.html",
        include_str!("../templates/eligibility.html"),
    ),
    ("import.html", include_str!("../templates/import.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("account.html", include_str!("../templates/account.html")),
    ("password.html", include_str!("../templates/password.html")),
    ("settings.html", include_str!("../templates/settings.html")),
    ("members.html", include_str!("../templates/members.html")),
    (
        "completion.html",
        include_str!("../templates/completion.html"),
    ),
    ("chart.html", include_str!("../templates/chart.html")),
];

pub fn template_sources() -> &'static [(&'static str, &'static str)] {
    TEMPLATES
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, src) in TEMPLATES {
        if let Err(e) = env.add_template(name, src) {
            panic!("template {name} does not compile: {e}");
        }
    }
    env.add_function("t", translate);
    env
});

/// `t("key", name=value, …)` in templates, in the page's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|l| l.as_str().map(str::to_string))
        .unwrap_or_else(|| "ja".into());
    let args: Vec<(&str, String)> = kwargs
        .args()
        .map(|k| {
            (
                k,
                kwargs
                    .get::<Value>(k)
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    kwargs.assert_all_used()?;
    Ok(if args.is_empty() {
        i18n::t(Lang::pick(Some(&lang)), key)
    } else {
        i18n::t_args(Lang::pick(Some(&lang)), key, &args)
    })
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// What every page inside an organisation shows around its content.
pub fn base(ctx: &Ctx) -> Value {
    let lang = ctx.lang;
    let years: Vec<Value> = (0..12)
        .map(|i| {
            let fy = ctx.fy.calendar().year(ctx.fy.year().max(today_fy(ctx)) - i + 1);
            context! { year => fy.year(), label => fy.label(ctx.style, lang), selected => fy == ctx.fy }
        })
        .collect();
    let areas: Vec<Value> = menu(ctx)
        .into_iter()
        .map(|a| {
            let href = format!("/o/{}/{}", ctx.org(), a.path);
            context! { key => a.key, href => href.clone(), active => ctx.path == href || ctx.path.starts_with(&format!("{href}/")), group => a.group }
        })
        .collect();
    context! {
        lang,
        other_lang => lang.other(),
        user => context! { name => ctx.viewer.user.display_name.clone(), email => ctx.viewer.user.email.clone() },
        org => context! { slug => ctx.org(), name => ctx.org_name(lang) },
        role => ctx.access.role.code(),
        memberships => ctx.memberships.iter().map(|m| context! { slug => m.org_slug.clone(), name => m.org_name.clone() }).collect::<Vec<_>>(),
        csrf => ctx.viewer.csrf.clone(),
        fy_label => ctx.fy.label(ctx.style, lang),
        years,
        areas,
        path => ctx.path.clone(),
        back => if ctx.query.is_empty() { ctx.path.clone() } else { format!("{}?{}", ctx.path, ctx.query) },
        printed_on => mamori_domain::dates::format_date(mamori_domain::dates::today(), ctx.style, lang),
    }
}

/// The menu's entries the member may open: a register they may read, a page their role opens
/// (a link that would answer 403 is not shown).
pub fn menu(ctx: &Ctx) -> Vec<&'static crate::pages::Area> {
    AREAS
        .iter()
        .filter(|a| {
            mamori_domain::registers::by_collection(a.path)
                .is_none_or(|r| mamori_store::records::can_read(&ctx.access, r))
        })
        .filter(|a| a.needs.is_none_or(|c| ctx.access.may(c)))
        .collect()
}

fn today_fy(ctx: &Ctx) -> i32 {
    ctx.fy
        .calendar()
        .containing(mamori_domain::dates::today())
        .year()
}

/// Renders a page with the base context merged in; an htmx request gets only its `content` block.
pub fn page(ctx: &Ctx, name: &str, page: Value, status: StatusCode) -> Result<Response, AppError> {
    let merged = context! { ..page, ..base(ctx) };
    let tmpl = ENV
        .get_template(name)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // `eval_to_state` evaluates without producing output; `render_captured` would render the page twice.
    #[allow(deprecated)]
    let body = if ctx.hx {
        tmpl.eval_to_state(merged)
            .and_then(|mut s| s.render_block("content"))
    } else {
        tmpl.render(merged)
    }
    .map_err(|e| AppError::Internal(format!("{name}: {e:#}")))?;
    Ok(html(status, body))
}

/// A page outside any organisation (sign-in, account, errors).
pub fn bare(name: &str, ctx: Value, status: StatusCode) -> Result<Response, AppError> {
    let tmpl = ENV
        .get_template(name)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let body = tmpl
        .render(ctx)
        .map_err(|e| AppError::Internal(format!("{name}: {e:#}")))?;
    Ok(html(status, body))
}

pub fn error_page(lang: Lang, err: &AppError) -> String {
    let details: Vec<String> = err.details(lang).into_iter().map(|d| d.message).collect();
    ENV.get_template("error.html")
        .and_then(|t| {
            t.render(context! {
                lang,
                other_lang => lang.other(),
                status => err.status().as_u16(),
                title => i18n::t(lang, &format!("status-{}", err.status().as_u16())),
                message => err.message(lang),
                details,
            })
        })
        .unwrap_or_else(|_| err.message(lang))
}
