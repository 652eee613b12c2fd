//! Synthetic assets with their handlers and handling records.

#[allow(unused_imports)]
use super::*;

/// NDAs and (for one in five) identity guarantees for everyone, a department information manager
/// per department, assets with one or two handlers each (eligible people: they passed the onboarding
/// test), handling records that keep the rules, devices, and keys with a year of inspections.
#[allow(clippy::too_many_arguments)]
pub(super) async fn assets(
    store: &Store,
    access: &Access,
    o: &Options,
    staff: &[(String, Date, Option<Date>)],
    attended: &[Attended],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<String, IoError> {
    use mamori_domain::registers::{
        APPOINTMENTS, ASSET_HANDLERS, ASSET_KINDS, ASSETS, CUSTODY_KEYS, DEVICE_KINDS, DEVICES,
        HANDLING_RECORDS, IDENTITY_GUARANTEES, KEY_INSPECTIONS, PLEDGES,
    };
    let iso = mamori_domain::dates::iso;
    let pledges: Vec<Input> = staff
        .iter()
        .map(|(no, joined, _)| {
            input(&[
                ("person", no.clone()),
                ("signed_on", iso(*joined)),
                ("version", "第1版".into()),
            ])
        })
        .collect();
    create_chunked(store, access, &PLEDGES, &pledges, progress).await?;
    let guaranteed: Vec<&String> = staff.iter().step_by(5).map(|(no, ..)| no).collect();
    let guarantees: Vec<Input> = staff
        .iter()
        .step_by(5)
        .map(|(no, joined, _)| {
            input(&[
                ("person", no.clone()),
                ("received_on", iso(*joined)),
                ("kept_at", "書庫".into()),
            ])
        })
        .collect();
    create_chunked(store, access, &IDENTITY_GUARANTEES, &guarantees, progress).await?;
    // Who may be a handler: passed the onboarding test and still working.
    let passed: std::collections::HashSet<&String> = attended
        .iter()
        .filter(|(c, ..)| *c == "INIT")
        .map(|(_, no, _)| no)
        .collect();
    let working: Vec<&String> = staff
        .iter()
        .filter(|(no, _, left)| left.is_none() && passed.contains(no))
        .map(|(no, ..)| no)
        .collect();
    let strict_ok: Vec<&String> = working
        .iter()
        .copied()
        .filter(|no| guaranteed.contains(no))
        .collect();
    if working.is_empty() || strict_ok.is_empty() {
        return Err(IoError::Unreadable("too few people for handlers".into()));
    }
    let departments = o.departments.max(1);
    let managers: Vec<Input> = (0..departments)
        .map(|d| {
            input(&[
                ("person", working[d % working.len()].clone()),
                ("role", "department_info_manager".into()),
                ("department", format!("D{:03}", d + 1)),
                ("starts_on", iso(first)),
            ])
        })
        .collect();
    run(store
        .create_many(access, &APPOINTMENTS, &managers, &|_, _| {})
        .await)?;
    let approved_on = (today - Duration::days(730)).max(first);
    let mut assets = Vec::with_capacity(o.assets);
    let mut grants = Vec::new();
    let mut records = Vec::new();
    let span = (today - approved_on).whole_days().max(1);
    for i in 0..o.assets {
        let code = format!("A{:07}", i + 1);
        let d = rng.gen_range(0..departments);
        let class = match rng.gen_range(0..10) {
            0 => "strictly_confidential",
            1..=3 => "confidential",
            _ => "general",
        };
        let customer = rng.gen_range(0..10) == 0;
        let mut a = input(&[
            ("code", code.clone()),
            ("name", format!("情報資産 {}", i + 1)),
            (
                "kind",
                ASSET_KINDS[rng.gen_range(0..ASSET_KINDS.len())].into(),
            ),
            ("department", format!("D{:03}", d + 1)),
            ("owner", working[rng.gen_range(0..working.len())].clone()),
            ("classification", class.into()),
            ("confidentiality", rng.gen_range(1..=3).to_string()),
            ("integrity", rng.gen_range(1..=3).to_string()),
            ("availability", rng.gen_range(1..=3).to_string()),
            ("customer_owned", if customer { "yes" } else { "no" }.into()),
        ]);
        if customer {
            a.insert("customer".into(), format!("顧客 {}", rng.gen_range(1..200)));
        }
        assets.push(a);
        // The handlers of a level that asks for an identity guarantee are among those who gave one.
        let pool = if access.org.settings.asset_rules.needs_guarantee(class) {
            &strict_ok
        } else {
            &working
        };
        let mut handlers: Vec<&String> = Vec::new();
        if i == 0 {
            handlers.push(strict_ok[0]);
        }
        for _ in 0..rng.gen_range(1..=2) {
            let h = pool[rng.gen_range(0..pool.len())];
            if !handlers.contains(&h) {
                handlers.push(h);
            }
        }
        for h in &handlers {
            grants.push(input(&[
                ("asset", code.clone()),
                ("person", (*h).clone()),
                ("approved_by", working[d % working.len()].clone()),
                ("approved_on", iso(approved_on)),
                ("valid_until", iso(today + Duration::days(365))),
            ]));
        }
        for _ in 0..o.handling_per_asset {
            let h = handlers[rng.gen_range(0..handlers.len())];
            let day = approved_on + Duration::days(rng.gen_range(0..span));
            let mut r = input(&[
                ("asset", code.clone()),
                ("person", h.clone()),
                ("occurred_on", iso(day)),
            ]);
            match rng.gen_range(0..10) {
                0..=5 => {
                    r.insert("kind".into(), "viewing".into());
                }
                6 | 7 => {
                    r.insert("kind".into(), "copy".into());
                }
                _ => {
                    let (method, protection) = match class {
                        "strictly_confidential" => ("hand_delivery", "double_envelope"),
                        "confidential" => ("email", "encryption"),
                        _ => ("email", "none"),
                    };
                    r.insert("kind".into(), "transfer".into());
                    r.insert("method".into(), method.into());
                    r.insert("protection".into(), protection.into());
                    r.insert("recipient".into(), "取引先".into());
                }
            }
            records.push(r);
        }
    }
    create_chunked(store, access, &ASSETS, &assets, progress).await?;
    drop(assets);
    create_chunked(store, access, &ASSET_HANDLERS, &grants, progress).await?;
    drop(grants);
    create_chunked(store, access, &HANDLING_RECORDS, &records, progress).await?;
    drop(records);
    let devices: Vec<Input> = (0..o.devices)
        .map(|i| {
            input(&[
                ("label", format!("DEV-{:05}", i + 1)),
                ("name", format!("機器 {}", i + 1)),
                (
                    "kind",
                    DEVICE_KINDS[rng.gen_range(0..DEVICE_KINDS.len())].into(),
                ),
                (
                    "department",
                    format!("D{:03}", rng.gen_range(0..departments) + 1),
                ),
                (
                    "patched_on",
                    iso(today - Duration::days(rng.gen_range(0..45))),
                ),
                (
                    "password_changed_on",
                    iso(today - Duration::days(rng.gen_range(0..45))),
                ),
            ])
        })
        .collect();
    create_chunked(store, access, &DEVICES, &devices, progress).await?;
    let keys: Vec<Input> = (0..o.keys)
        .map(|i| {
            input(&[
                ("receipt_no", format!("K-{:05}", i + 1)),
                ("customer", format!("顧客 {}", i % 200 + 1)),
                ("building", format!("ビル {}", i + 1)),
                ("description", "通用口の鍵".into()),
                ("count", "1".into()),
                ("custodian", strict_ok[i % strict_ok.len()].clone()),
                ("received_on", iso(today - Duration::days(400))),
            ])
        })
        .collect();
    create_chunked(store, access, &CUSTODY_KEYS, &keys, progress).await?;
    let mut inspections = Vec::new();
    for i in 0..o.keys {
        for m in 0..12 {
            inspections.push(input(&[
                ("key", format!("K-{:05}", i + 1)),
                (
                    "inspected_on",
                    iso(today - Duration::days(30 * m + rng.gen_range(0..5))),
                ),
                ("inspector", working[i % working.len()].clone()),
                ("result", "ok".into()),
            ]));
        }
    }
    create_chunked(store, access, &KEY_INSPECTIONS, &inspections, progress).await?;
    Ok(strict_ok[0].clone())
}
