// Screenshots of the ISMS year's pages (home, My page, やること, the plan, its calendar, the outbox,
// settings, the account page) for three roles at 1280 and 390 px, and any page wider than its
// screen: node e2e/look-plan.mjs URL OUTDIR [PATH…] (LOOK_WHO=isms,auditor for other roles)
import { chromium } from 'playwright-core';
const [url, out, ...only] = process.argv.slice(2);
const paths = only.length ? only : ['o/sajeco', 'o/sajeco/me', 'o/sajeco/todo', 'o/sajeco/plan', 'o/sajeco/plan/calendar', 'o/sajeco/outbox', 'o/sajeco/settings', 'account'];
const roles = (process.env.LOOK_WHO || 'isms,manager,staff').split(',');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const who of roles) {
  for (const [vp, width] of [['desktop', 1280], ['phone', 390]]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    await page.goto(`${url}login`);
    await page.fill('#email', `${who}@sajeco.example`);
    await page.fill('#password', 'mamori-demo');
    await page.click('form button[type=submit]');
    await page.waitForURL(/\/o\/sajeco/);
    for (const path of paths) {
      const res = await page.goto(`${url}${path}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width + 1) console.log(`${who} ${vp} ${path}: ${wide} px wide`);
      if (res.status() >= 500) console.log(`${who} ${vp} ${path}: ${res.status()}`);
      await page.screenshot({ path: `${out}/${who}-${vp}-${path.replaceAll(/[\/?=&]/g, '-')}.png`, fullPage: true });
    }
    await ctx.close();
  }
}
await browser.close();
