// Screenshots of the ISMS year's pages (やること, the plan, its calendar, settings) for each role at
// 1280 and 390 px: node e2e/look-plan.mjs URL OUTDIR
import { chromium } from 'playwright-core';
const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const who of ['isms', 'manager', 'staff']) {
  for (const [vp, width] of [['desktop', 1280], ['phone', 390]]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    await page.goto(`${url}login`);
    await page.fill('#email', `${who}@sajeco.example`);
    await page.fill('#password', 'mamori-demo');
    await page.click('form button[type=submit]');
    await page.waitForURL(/\/o\/sajeco/);
    for (const path of ['', 'me', 'todo', 'plan', 'plan/calendar', 'overdue']) {
      await page.goto(`${url}o/sajeco/${path}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width + 1) console.log(`${who} ${vp} ${path}: ${wide} px wide`);
      await page.screenshot({ path: `${out}/${who}-${vp}-${path.replace('/', '-') || 'home'}.png`, fullPage: true });
    }
    await ctx.close();
  }
}
await browser.close();
