//! Synthetic risks over the threat catalogue.

#[allow(unused_imports)]
use super::*;

/// Threats and the vulnerabilities they exploit, for the synthetic risk register.
pub(super) const THREATS: &[(&str, &str)] = &[
    (
        "不正アクセスによる情報の漏えい",
        "アクセス権の見直しが不定期",
    ),
    ("持出し中の紛失・盗難", "媒体が暗号化されていない"),
    ("マルウェア感染", "更新プログラムの適用が利用者任せ"),
    ("電子メールの誤送信", "宛先の確認が送信者任せ"),
    ("機器の故障による業務の停止", "予備機がない"),
    ("停電によるデータの破損", "UPSの点検が不定期"),
    ("委託先での情報の漏えい", "委託先の管理状況を確認していない"),
    (
        "退職者による情報の持出し",
        "退職時の手続きが統一されていない",
    ),
    ("部外者の侵入による盗難", "来訪者の記録が不完全"),
    ("入力誤りによる完全性の喪失", "入力後の照合がない"),
];

/// A risk register of `o.risks` risks over the assets (or groups of assets), rated on the default
/// method with a mix of treatments and statuses; the Annex A catalogue with a statement of
/// applicability line per control, rules with revisions, and links from rules and risks to the
/// controls; four continuity scenarios with a drill each fiscal year (every third misses its
/// target, so its follow-up raises a corrective action), and the years' external-incident
/// reviews, change-triggered assessments and relaxation reviews.
#[allow(clippy::too_many_arguments)]
pub(super) async fn risks(
    store: &Store,
    access: &Access,
    o: &Options,
    staff: &[(String, Date, Option<Date>)],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    use mamori_domain::registers::{
        CHANGE_ASSESSMENTS, CHANGE_KINDS, CONTINUITY_SCENARIOS, DRILLS, EXTERNAL_INCIDENT_REVIEWS,
        INTERNAL_RULES, RELAXATION_REVIEWS, REVIEW_SOURCES, RISK_CONTROLS, RISKS, RULE_CONTROLS,
        RULE_REVISIONS, SOA_ENTRIES,
    };
    let iso = mamori_domain::dates::iso;
    let departments = o.departments.max(1);
    let dept = |rng: &mut StdRng| format!("D{:03}", rng.gen_range(0..departments) + 1);
    let person = |rng: &mut StdRng| staff[rng.gen_range(0..staff.len())].0.clone();
    let span = (today - first).whole_days().max(1);

    crate::catalogue::load(store, access).await?;
    progress("controls", 1, 1);
    let controls: Vec<String> = crate::catalogue::annex_a()
        .iter()
        .filter_map(|c| c.get("code").cloned())
        .collect();

    // Rules, each revised twice, and the controls they implement (every control has one).
    const RULES: &[(&str, &str)] = &[
        ("情報セキュリティ基本方針", "policy"),
        ("情報セキュリティ管理規程", "rule"),
        ("情報資産管理規程", "rule"),
        ("アクセス管理規程", "rule"),
        ("情報機器・ネットワーク管理規程", "rule"),
        ("物理的セキュリティ規程", "rule"),
        ("人的セキュリティ規程", "rule"),
        ("事業継続計画", "procedure"),
        ("インシデント対応手順書", "procedure"),
        ("委託先管理規程", "rule"),
    ];
    let rule_code = |i: usize| format!("RL-{:04}", i + 1);
    let rules: Vec<Input> = RULES
        .iter()
        .enumerate()
        .map(|(i, (title, kind))| {
            input(&[
                ("code", rule_code(i)),
                ("title", (*title).into()),
                ("kind", (*kind).into()),
                ("department", format!("D{:03}", i % departments + 1)),
            ])
        })
        .collect();
    create_chunked(store, access, &INTERNAL_RULES, &rules, progress).await?;
    let mut revisions = Vec::new();
    for i in 0..RULES.len() {
        let approver = person(rng);
        for (n, on) in [(1, first), (2, first + Duration::days(span / 2))] {
            revisions.push(input(&[
                ("rule", rule_code(i)),
                ("version", format!("{n}.0")),
                ("revised_on", iso(on)),
                ("content", if n == 1 { "制定" } else { "見直し" }.into()),
                ("approver", approver.clone()),
                ("approved_on", iso(on)),
            ]));
        }
    }
    create_chunked(store, access, &RULE_REVISIONS, &revisions, progress).await?;
    let rule_links: Vec<Input> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| input(&[("rule", rule_code(i % RULES.len())), ("control", c.clone())]))
        .collect();
    create_chunked(store, access, &RULE_CONTROLS, &rule_links, progress).await?;

    // The statement of applicability: a line per control, a few excluded.
    let soa: Vec<Input> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = input(&[
                ("control", c.clone()),
                ("department", dept(rng)),
                (
                    "reviewed_on",
                    iso(today - Duration::days(rng.gen_range(0..180))),
                ),
            ]);
            if i % 31 == 30 {
                row.insert("applicable".into(), "no".into());
                row.insert("justification".into(), "該当する業務がない".into());
            } else {
                let status = match rng.gen_range(0..100) {
                    0..80 => "implemented",
                    80..92 => "partial",
                    _ => "planned",
                };
                row.insert("applicable".into(), "yes".into());
                row.insert("justification".into(), "リスクアセスメントの結果".into());
                row.insert("status".into(), status.into());
                row.insert(
                    "evidence".into(),
                    format!("{} の運用記録", rule_code(i % RULES.len())),
                );
            }
            row
        })
        .collect();
    create_chunked(store, access, &SOA_ENTRIES, &soa, progress).await?;

    // The risks, and the controls about half of them rely on or add.
    let letter = |rng: &mut StdRng, weights: [u32; 3]| {
        let n = rng.gen_range(0..weights.iter().sum::<u32>());
        if n < weights[0] {
            "A"
        } else if n < weights[0] + weights[1] {
            "B"
        } else {
            "C"
        }
    };
    let method = mamori_domain::risk::RiskMethod::default();
    let mut rows = Vec::with_capacity(o.risks);
    let mut links = Vec::new();
    for i in 0..o.risks {
        let code = format!("R{:07}", i + 1);
        let mut row = input(&[("code", code.clone())]);
        if o.assets > 0 && rng.gen_range(0..4) != 0 {
            row.insert(
                "asset".into(),
                format!("A{:07}", rng.gen_range(0..o.assets) + 1),
            );
        } else {
            row.insert(
                "asset_group".into(),
                format!("資産グループ {}", rng.gen_range(0..200) + 1),
            );
            row.insert("department".into(), dept(rng));
        }
        let kind = rng.gen_range(0..100);
        if kind < 5 {
            row.insert("status".into(), "proposed".into());
            rows.push(row);
            continue;
        }
        let (threat, vulnerability) = THREATS[rng.gen_range(0..THREATS.len())];
        let (l, im) = (letter(rng, [20, 45, 35]), letter(rng, [25, 45, 30]));
        for (k, v) in [
            ("threat", threat.to_string()),
            ("vulnerability", vulnerability.to_string()),
            ("existing_controls", "規程に基づく運用".to_string()),
            ("likelihood", l.into()),
            ("impact", im.into()),
        ] {
            row.insert(k.into(), v);
        }
        let accepted_on = first + Duration::days(rng.gen_range(0..span));
        let accept = |row: &mut Input, rng: &mut StdRng| {
            row.insert("accepted_by".into(), person(rng));
            row.insert("accepted_on".into(), iso(accepted_on));
        };
        let level = method.level(l, im).unwrap_or("III");
        if kind < 20 {
            // Assessed, its treatment not decided yet.
            row.insert("status".into(), "assessed".into());
        } else if level == "III" || kind < 30 {
            row.insert("treatment".into(), "retain".into());
            row.insert("status".into(), "accepted".into());
            accept(&mut row, rng);
        } else {
            let treatment = match rng.gen_range(0..100) {
                0..80 => "modify",
                80..92 => "share",
                _ => "avoid",
            };
            row.insert("treatment".into(), treatment.into());
            row.insert("plan".into(), format!("リスク {} の対応計画", i + 1));
            row.insert("owner".into(), person(rng));
            let treating = treatment == "modify" && rng.gen_range(0..100) < 40;
            if treating {
                row.insert(
                    "due_on".into(),
                    iso(today + Duration::days(rng.gen_range(-30..365))),
                );
                row.insert("status".into(), "treating".into());
            } else {
                row.insert(
                    "due_on".into(),
                    iso(accepted_on - Duration::days(rng.gen_range(0..90))),
                );
                if treatment == "avoid" {
                    row.insert("status".into(), "closed".into());
                } else {
                    row.insert("residual_likelihood".into(), "C".into());
                    row.insert(
                        "residual_impact".into(),
                        if rng.gen_range(0..2) == 0 { "B" } else { "C" }.into(),
                    );
                    row.insert("status".into(), "accepted".into());
                }
                accept(&mut row, rng);
            }
        }
        if rng.gen_range(0..50) == 0 {
            row.insert("staff_must_know".into(), "yes".into());
        }
        if rng.gen_range(0..2) == 0 {
            let a = rng.gen_range(0..controls.len());
            let b = (a + rng.gen_range(1..controls.len())) % controls.len();
            let n = rng.gen_range(1..=2);
            for (j, c) in [a, b].into_iter().take(n).enumerate() {
                let role = if j == 0 { "existing" } else { "planned" };
                links.push(input(&[
                    ("risk", code.clone()),
                    ("control", controls[c].clone()),
                    ("role", role.into()),
                ]));
            }
        }
        rows.push(row);
    }
    create_chunked(store, access, &RISKS, &rows, progress).await?;
    drop(rows);
    create_chunked(store, access, &RISK_CONTROLS, &links, progress).await?;
    drop(links);

    // Continuity: four scenarios, a drill each fiscal year (oldest first, so each finds its
    // previous one); every third misses its target.
    const SCENARIOS: &[(&str, &str, &str, i64)] = &[
        ("ネットワーク機器の故障", "A", "B", 6),
        ("停電", "B", "A", 24),
        ("サーバーの故障", "B", "A", 24),
        ("大規模地震", "C", "A", 72),
    ];
    let scenarios: Vec<Input> = SCENARIOS
        .iter()
        .enumerate()
        .map(|(i, (event, l, p, hours))| {
            input(&[
                ("code", format!("BC-{:04}", i + 1)),
                ("event", (*event).into()),
                ("likelihood", (*l).into()),
                ("priority", (*p).into()),
                ("target_hours", hours.to_string()),
                ("department", format!("D{:03}", i % departments + 1)),
            ])
        })
        .collect();
    create_chunked(store, access, &CONTINUITY_SCENARIOS, &scenarios, progress).await?;
    let mut drills = Vec::new();
    let mut reviews = Vec::new();
    let mut changes = Vec::new();
    let mut relaxations = Vec::new();
    let mut fy = access.org.calendar.containing(first);
    let mut n = 0;
    while fy.start() <= today {
        let days_in = |rng: &mut StdRng| {
            let end = (fy.end_exclusive() - Duration::days(1)).min(today);
            fy.start() + Duration::days(rng.gen_range(0..=(end - fy.start()).whole_days()))
        };
        let held_on = Date::from_calendar_date(fy.year(), Month::November, 25)
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        if held_on <= today {
            let s = n % SCENARIOS.len();
            let target = SCENARIOS[s].3 * 60;
            let missed = n % 3 == 1;
            let minutes = if missed {
                target + rng.gen_range(30..240)
            } else {
                rng.gen_range(15..=target)
            };
            let mut row = input(&[
                ("code", format!("DR-{}", fy.year())),
                ("held_on", iso(held_on)),
                ("scenario", format!("BC-{:04}", s + 1)),
                ("participants", "情報システム担当 3名".into()),
                ("actual_minutes", minutes.to_string()),
                ("findings", format!("{}年度の訓練の所見", fy.year())),
            ]);
            if missed {
                row.insert(
                    "follow_up".into(),
                    format!("{}年度の訓練で前提復旧時間を超えた手順を見直す", fy.year()),
                );
            }
            drills.push(row);
            n += 1;
        }
        for k in 0..rng.gen_range(12..=25) {
            let on = days_in(rng);
            let implement = rng.gen_range(0..10) == 0;
            let mut row = input(&[
                ("code", format!("XR-{}-{:02}", fy.year(), k + 1)),
                (
                    "source",
                    REVIEW_SOURCES[rng.gen_range(0..REVIEW_SOURCES.len())].into(),
                ),
                ("source_on", iso(on - Duration::days(rng.gen_range(0..20)))),
                (
                    "summary",
                    format!("社外のインシデント {}-{}", fy.year(), k + 1),
                ),
                ("reviewed_on", iso(on)),
                (
                    "decision",
                    if implement { "implement" } else { "no_action" }.into(),
                ),
            ]);
            if implement {
                row.insert("implemented".into(), "対策を実装".into());
            }
            reviews.push(row);
        }
        for k in 0..rng.gen_range(0..=8) {
            changes.push(input(&[
                ("code", format!("CH-{}-{:02}", fy.year(), k + 1)),
                ("assessed_on", iso(days_in(rng))),
                (
                    "change_kind",
                    CHANGE_KINDS[rng.gen_range(0..CHANGE_KINDS.len())].into(),
                ),
                ("department", dept(rng)),
                (
                    "description",
                    format!("新たな業務・重要資産 {}-{}", fy.year(), k + 1),
                ),
                ("assessment", "リスクを評価し、管理策を確認した".into()),
                (
                    "controls_confirmed",
                    if rng.gen_range(0..3) == 0 {
                        "yes"
                    } else {
                        "no"
                    }
                    .into(),
                ),
            ]));
        }
        for k in 0..rng.gen_range(0..=2) {
            let on = days_in(rng);
            let relax = rng.gen_range(0..2) == 0;
            relaxations.push(input(&[
                ("code", format!("RX-{}-{:02}", fy.year(), k + 1)),
                ("reviewed_on", iso(on)),
                (
                    "control",
                    controls[rng.gen_range(0..controls.len())].clone(),
                ),
                ("reason", "管理策が過剰ではないか".into()),
                ("reassessment", "リスクを再評価した".into()),
                ("decision", if relax { "relax" } else { "keep" }.into()),
                ("approver", person(rng)),
                ("decided_on", iso(on)),
            ]));
        }
        fy = fy.next();
    }
    create_chunked(store, access, &DRILLS, &drills, progress).await?;
    create_chunked(
        store,
        access,
        &EXTERNAL_INCIDENT_REVIEWS,
        &reviews,
        progress,
    )
    .await?;
    create_chunked(store, access, &CHANGE_ASSESSMENTS, &changes, progress).await?;
    create_chunked(store, access, &RELAXATION_REVIEWS, &relaxations, progress).await
}
