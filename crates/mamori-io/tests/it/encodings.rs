//! Files from Japanese Excel: Shift_JIS (CP932) CSV imports like UTF-8.

#![allow(unused_imports)]

use super::io::all;
use crate::common;
use mamori_domain::registers::{APPOINTMENTS, DEPARTMENTS, OBJECTIVES, PEOPLE};
use mamori_io::{IoError, Sheet, sheet};
use mamori_store::testing::TestDb;
use mamori_store::{Access, ListQuery};

#[tokio::test]
async fn a_shift_jis_csv_from_excel_imports_like_utf8() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    // 髙 and ① are in CP932 (Windows) but not in JIS X 0208; ～ is what Windows types for 0x8160.
    let text = "社員番号,氏名,氏名カナ,雇用区分,所属部門,入社日\r\n\
                8101,髙橋 ①子～,ﾀｶﾊｼ ﾏﾙｺ,employee,SOUMU,2024-04-01\r\n\
                8102,﨑田 Ⅲ,サキタ,employee,SOUMU,令和6年4月1日\r\n";
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "the test's text is all CP932");
    assert!(
        std::str::from_utf8(&sjis).is_err(),
        "the bytes are not UTF-8"
    );
    let utf8 = Sheet::from_csv(text.as_bytes()).unwrap();
    let with_bom =
        Sheet::from_csv(&[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).unwrap();
    let cp932 = Sheet::from_csv(&sjis).unwrap();
    assert_eq!(cp932.rows, utf8.rows);
    assert_eq!(with_bom.rows, utf8.rows);
    assert_eq!(cp932.headers, utf8.headers);
    assert_eq!(cp932.rows[0][1], "髙橋 ①子～");
    // 0x8160 as Windows means it: FULLWIDTH TILDE, not the JIS WAVE DASH.
    assert_eq!(
        Sheet::from_csv(b"a\n\x81\x60\n").unwrap().rows[0][0],
        "\u{FF5E}"
    );

    let alias = |h: &str| match h {
        "社員番号" => Some("employee_no"),
        "氏名" => Some("name"),
        "氏名カナ" => Some("name_kana"),
        "雇用区分" => Some("employment_type"),
        "所属部門" => Some("department"),
        "入社日" => Some("joined_on"),
        _ => None,
    };
    let n = sheet::import(&store, &access, &PEOPLE, &cp932, &alias, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(n, 2);
    let found = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                q: Some("髙橋".into()),
                ..all()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1);

    // Bytes that are neither UTF-8 nor Shift_JIS are refused, and nothing is read.
    assert!(matches!(
        Sheet::from_csv(b"a,b\n\x82\xa0\xff\xfd,1\n"),
        Err(IoError::Encoding)
    ));
    // A byte order mark says UTF-8: what follows must be UTF-8.
    assert!(matches!(
        Sheet::from_csv(&[b"\xEF\xBB\xBF".as_slice(), &sjis].concat()),
        Err(IoError::Encoding)
    ));
}
