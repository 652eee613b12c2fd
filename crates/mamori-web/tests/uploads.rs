//! Zip bombs uploaded to the real server, which runs in this process: its peak memory is this
//! process's, so this file holds this one test and nothing runs beside it.

#[path = "it/common/mod.rs"]
mod common;

use common::spawn_app;

/// An XLSX of people whose worksheet inflates to `mib` MiB of the same row, written through the
/// zip crate's streaming writer so that only the compressed file is held.
fn xlsx_bomb(mib: usize) -> Vec<u8> {
    use std::io::Write;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
    let office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    for (name, body) in [
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<workbook xmlns="{main}" xmlns:r="{office}"><sheets><sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let row = |cells: [&str; 5]| {
        let cells: String = cells
            .iter()
            .map(|v| format!(r#"<c t="inlineStr"><is><t>{v}</t></is></c>"#))
            .collect();
        format!("<row>{cells}</row>")
    };
    let header = row(["社員番号", "氏名", "雇用区分", "所属部門", "入社日"]);
    write!(zip, r#"<worksheet xmlns="{main}"><sheetData>{header}"#).unwrap();
    let chunk = row(["9999", "爆弾", "employee", "SOUMU", "2024-04-01"]).repeat(4096);
    for _ in 0..(mib * 1024 * 1024).div_ceil(chunk.len()) {
        zip.write_all(chunk.as_bytes()).unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap().into_inner()
}

/// Rewrites the inflated size an archive declares for one entry, in its local header and in the
/// central directory, as a hostile file would.
fn declare_size(mut bytes: Vec<u8>, entry: &str, size: u32) -> Vec<u8> {
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let cd = at + i;
        let name_len = u16::from_le_bytes([bytes[cd + 28], bytes[cd + 29]]) as usize;
        if &bytes[cd + 46..cd + 46 + name_len] == entry.as_bytes() {
            bytes[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
            let local = u32::from_le_bytes(bytes[cd + 42..cd + 46].try_into().unwrap()) as usize;
            bytes[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
            return bytes;
        }
        at = cd + 4;
    }
    panic!("{entry} is not in the archive");
}

/// The server's (this process's) peak resident memory in MiB since the peak was last reset.
fn peak_memory_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        / 1024
}

#[tokio::test]
async fn zip_bombs_are_refused_naming_the_limit_with_the_servers_memory_bounded() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let token = app.token("isms").await;
    let people = || async {
        let (_, list) = app
            .api(&token, reqwest::Method::GET, "/api/v1/people?limit=1", None)
            .await;
        list["total"].as_i64().unwrap()
    };
    let before = people().await;
    let upload = |bytes: Vec<u8>, name: &'static str| app.upload(&browser, "people", bytes, name);
    let bomb = xlsx_bomb(300);
    assert!(bomb.len() < 4 * 1024 * 1024, "{} bytes", bomb.len());
    let lying = declare_size(bomb.clone(), "xl/worksheets/sheet1.xml", 1000);
    let rows = xlsx_bomb(60);
    // `5` resets the process's peak (proc(5), clear_refs).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let at_start = peak_memory_mib();

    // Two bombs at once, each 300 MiB of sheet XML: refused by the size their archive declares.
    let (a, b) = tokio::join!(
        upload(bomb.clone(), "bomb.xlsx"),
        upload(bomb, "bomb2.xlsx")
    );
    for res in [a.unwrap(), b.unwrap()] {
        assert_eq!(res.status(), 413);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("ワークシートの展開後の大きさが上限の 256 MBを超えています"),
            "{html}"
        );
    }
    // Two that declare a small size: refused while they are inflated.
    let (a, b) = tokio::join!(
        upload(lying.clone(), "lying.xlsx"),
        upload(lying, "lying2.xlsx")
    );
    for res in [a.unwrap(), b.unwrap()] {
        assert!(
            [400, 413].contains(&res.status().as_u16()),
            "{}",
            res.status()
        );
    }
    // 60 MiB of rows: within the size limit, stopped at the row limit.
    let res = upload(rows, "rows.xlsx").await.unwrap();
    assert_eq!(res.status(), 413);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("行数が上限の 100,000 行を超えています")
    );

    // What the process held before (the test's own binary, the demo database) plus what the
    // bombs cost.
    let peak = peak_memory_mib();
    eprintln!("peak resident memory: {at_start} MiB before the bombs, {peak} MiB with them");
    assert!(peak < 300, "peak resident memory {peak} MiB");
    assert!(
        peak - at_start < 64,
        "the bombs cost {} MiB",
        peak - at_start
    );
    assert_eq!(people().await, before, "nothing was imported");
}
