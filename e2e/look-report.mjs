// Screenshots of the report's screens at 1280 px and 390 px, as the secretariat and as staff (not
// a test): node e2e/look-report.mjs OUTDIR
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const out = process.argv[2] || 'e2e/screenshots';
const proc = spawn(process.env.MAMORI_BIN || 'target/debug/mamori', ['demo', '--bind', '127.0.0.1:0'], { env: { ...process.env, MAMORI_LOG: 'warn' } });
const url = await new Promise((resolve) => createInterface({ input: proc.stdout }).on('line', (l) => { const m = l.match(/open:\s+(http:\/\/\S+)\//); if (m) resolve(m[1]); }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
for (const [who, email] of [['isms', 'isms@sajeco.example'], ['auditor', 'auditor@sajeco.example']]) {
  for (const width of [1280, 390]) {
    const page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width, height: 860 } })).newPage();
    await page.goto(`${url}/login`);
    await page.fill('#email', email);
    await page.fill('#password', 'mamori-demo');
    await page.click('form button[type=submit]');
    await page.waitForURL(/\/o\/sajeco/);
    // The secretariat starts the year's report once, so its checks before publication show.
    if (who === 'isms' && width === 1280) {
      await page.goto(`${url}/o/sajeco/reports/2018`);
      await Promise.all([page.waitForNavigation(), page.click('#report-start')]);
      await Promise.all([page.waitForNavigation(), page.click('#report-to-review')]);
    }
    const shots = [['report', '/o/sajeco/reports/2018'], ['figures', '/o/sajeco/event-figures']];
    if (who === 'isms') shots.push(['report-edit', '/o/sajeco/reports/2017/edit']);
    for (const [name, path] of shots) {
      await page.goto(`${url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) console.log(`${who} ${name} ${width}px: ${overflow}px wider than the window`);
      await page.screenshot({ path: `${out}/${who}-${name}-${width}.png`, fullPage: true });
    }
  }
}
await browser.close();
proc.kill();
