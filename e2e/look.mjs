// Screenshots of the main screens for a person to look at (not a test): node e2e/look.mjs OUTDIR
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const out = process.argv[2] || 'e2e/screenshots';
const proc = spawn(process.env.MAMORI_BIN || 'target/debug/mamori', ['demo', '--bind', '127.0.0.1:0'], { env: { ...process.env, MAMORI_LOG: 'warn' } });
const url = await new Promise((resolve) => createInterface({ input: proc.stdout }).on('line', (l) => { const m = l.match(/open:\s+(http:\/\/\S+)\//); if (m) resolve(m[1]); }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 860 } })).newPage();
await page.goto(`${url}/login`);
await page.screenshot({ path: `${out}/login.png` });
await page.fill('#email', 'isms@sajeco.example');
await page.fill('#password', 'mamori-demo');
await page.click('form button[type=submit]');
await page.waitForURL(/\/o\/sajeco/);
// Choosing a fiscal year submits the selector and reloads the page.
await Promise.all([page.waitForNavigation(), page.selectOption('#fy-select', '2017')]);
await page.screenshot({ path: `${out}/dashboard.png` });
await page.goto(`${url}/o/sajeco/people/new`);
await page.fill('#f-employee_no', '０００１');
await page.fill('#f-name', '山川　花子');
await page.fill('#f-joined_on', '平成31年5月1日');
await page.click('#save');
await page.screenshot({ path: `${out}/form-errors.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/people?q=0001`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/detail.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/departments?status=all`);
await page.screenshot({ path: `${out}/departments.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/appointments`);
await page.screenshot({ path: `${out}/appointments.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/courses`);
await page.screenshot({ path: `${out}/courses.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/identity-guarantees?q=更新`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/guarantee.png`, fullPage: true });
// A person's page: eligibility, the leaving checklist, test results to export.
await page.goto(`${url}/o/sajeco/people?q=1712`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/person-eligibility.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/test-attempts?person=1712`);
await page.screenshot({ path: `${out}/test-attempts.png`, fullPage: true });
await page.click('table.register tbody a');
await page.click('#panel-links a');
await page.screenshot({ path: `${out}/paper-result.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/test-questions`);
await page.screenshot({ path: `${out}/test-questions.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/test-questions/new`);
await page.screenshot({ path: `${out}/question-form.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/training-sessions?q=2017-PERIODIC`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/session-roll-call.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/assets`);
await page.screenshot({ path: `${out}/assets.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/assets?q=A-101`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/asset-detail.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/overdue`);
await page.screenshot({ path: `${out}/overdue.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/audit?entity=person`);
await page.screenshot({ path: `${out}/audit.png` });
await page.setViewportSize({ width: 390, height: 860 });
await page.screenshot({ path: `${out}/audit-390.png` });
await page.setViewportSize({ width: 1280, height: 860 });
await page.goto(`${url}/o/sajeco/areas/assets`);
await page.screenshot({ path: `${out}/area.png`, fullPage: true });
// Search from the header, the year's filter on a list, a handler request waiting for its manager.
await page.fill('#header-q', '名簿');
await Promise.all([page.waitForNavigation(), page.press('#header-q', 'Enter')]);
await page.screenshot({ path: `${out}/search.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/security-events`);
await page.screenshot({ path: `${out}/events-fy.png` });
await page.goto(`${url}/o/sajeco/handler-requests?year=all`);
await page.screenshot({ path: `${out}/handler-requests.png`, fullPage: true });
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/handler-request.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/handling-records/new`);
await page.screenshot({ path: `${out}/handling-form.png`, fullPage: true });
await page.setViewportSize({ width: 390, height: 844 });
await page.goto(`${url}/o/sajeco`);
await page.click('#nav-details summary');
await page.screenshot({ path: `${out}/menu-390.png` });
await page.goto(`${url}/o/sajeco/search?q=封筒`);
await page.screenshot({ path: `${out}/search-390.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/areas/events`);
await page.screenshot({ path: `${out}/area-390.png`, fullPage: true });
await page.setViewportSize({ width: 1280, height: 860 });
await page.goto(`${url}/o/sajeco/members`);
await page.screenshot({ path: `${out}/members.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/settings`);
await page.screenshot({ path: `${out}/settings.png`, fullPage: true });
{ // Staff: the directory, and a page their role does not open (inside the frame, saying why).
  const ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 860 } });
  const staff = await ctx.newPage();
  await staff.goto(`${url}/login`);
  await staff.fill('#email', 'staff@sajeco.example');
  await staff.fill('#password', 'mamori-demo');
  await staff.click('form button[type=submit]');
  await staff.waitForURL(/\/o\/sajeco/);
  for (const width of [1280, 390]) {
    await staff.setViewportSize({ width, height: 860 });
    await staff.goto(`${url}/o/sajeco/directory`);
    await staff.screenshot({ path: `${out}/directory-${width}.png`, fullPage: true });
    await staff.goto(`${url}/o/sajeco/findings`);
    await staff.screenshot({ path: `${out}/refused-${width}.png`, fullPage: true });
  }
  await ctx.close();
}
{ // The settings on a phone: contacts as rows, scales as lists, the code patterns' table.
  const ctx = page.context();
  const phone = await ctx.newPage();
  await phone.setViewportSize({ width: 390, height: 860 });
  await phone.goto(`${url}/o/sajeco/settings`);
  await phone.click('#profile + dl + details summary');
  await phone.screenshot({ path: `${out}/settings-390.png`, fullPage: true });
  await phone.close();
}
// Operations and improvement (issue 5): the figures of FY2017, an audit, a notice, a meeting,
// a review, an objective, the requirements and their starter list, in Japanese and English.
await page.goto(`${url}/o/sajeco/event-figures`);
await page.screenshot({ path: `${out}/event-figures.png`, fullPage: true });
for (const [name, path] of [['audit-second-party', 'audits?party=second'], ['notice', 'notices?q=WannaCry'],
  ['meeting', 'meetings?q=MT-2017-03'], ['review', 'management-reviews?q=MR-2017'], ['objective', 'objectives?fiscal_year=2017'],
  ['certificate', 'certificates']]) {
  await page.goto(`${url}/o/sajeco/${path}`);
  await page.click('table.register tbody a');
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}
await page.goto(`${url}/o/sajeco/findings`);
await page.screenshot({ path: `${out}/findings.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/requirements/import`);
await page.screenshot({ path: `${out}/requirements-import.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/controls`);
await page.screenshot({ path: `${out}/controls.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/controls?q=A.8.1`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/control.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/controls-2013?q=A.12`);
await page.screenshot({ path: `${out}/controls-2013.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/law-changes`);
await page.screenshot({ path: `${out}/law-changes.png`, fullPage: true });
// Risk and continuity (issue 6): the statement of applicability, a drill of FY2017 that missed its
// target (recorded here, with its form), the risk register and a risk, the self-assessment and the
// risk method section of the settings.
await page.goto(`${url}/o/sajeco/soa`);
await page.screenshot({ path: `${out}/soa.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/drills/new`);
await page.fill('#f-held_on', '2018-02-17');
const lanHub = await page.locator('#f-scenario option').evaluateAll((os) => os.find((o) => o.textContent.startsWith('BC-0001')).value);
await page.selectOption('#f-scenario', lanHub);
await page.fill('#f-actual_minutes', '600');
await page.fill('#f-follow_up', '予備のスイッチを各フロアに配置する');
await page.screenshot({ path: `${out}/drill-form.png`, fullPage: true });
await Promise.all([page.waitForNavigation(), page.click('#save')]);
await page.screenshot({ path: `${out}/drill.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/risks`);
await page.screenshot({ path: `${out}/risks.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/risks?q=R-0001`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/risk.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/self-assessment`);
await page.screenshot({ path: `${out}/self-assessment.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/settings#risk-method`);
const method = await page.evaluate(() => {
  const h = document.getElementById('risk-method');
  const form = h.nextElementSibling.nextElementSibling;
  const top = h.getBoundingClientRect().top + window.scrollY;
  const box = form.getBoundingClientRect();
  return { x: 0, y: Math.max(0, top - 16), width: document.documentElement.clientWidth, height: box.bottom + window.scrollY - top + 32 };
});
await page.screenshot({ path: `${out}/settings-risk-method.png`, fullPage: true, clip: method });
// The yearly report: the demo's FY2017 draft inside the app, and its edit page.
await page.goto(`${url}/o/sajeco/reports/2017`);
await page.screenshot({ path: `${out}/report.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/reports/2017/edit`);
await page.screenshot({ path: `${out}/report-edit.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/event-figures`);
await Promise.all([page.waitForNavigation(), page.click('#switch-lang')]);
await page.screenshot({ path: `${out}/event-figures-en.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/audits?party=second`);
await page.click('table.register tbody a');
await page.screenshot({ path: `${out}/audit-second-party-en.png`, fullPage: true });
await Promise.all([page.waitForNavigation(), page.click('#switch-lang')]);
await page.goto(`${url}/account`);
await page.screenshot({ path: `${out}/account.png`, fullPage: true });
await page.goto(`${url}/o/sajeco/nope/1`);
await page.screenshot({ path: `${out}/error.png` });
// The report's screens as the secretariat and the auditor, at 1280 and 390 px; the secretariat
// first starts FY2018's report and sends it for review, so its checks before publication show.
for (const [who, email] of [['isms', 'isms@sajeco.example'], ['auditor', 'auditor@sajeco.example']]) {
  for (const width of [1280, 390]) {
    const p = await (await browser.newContext({ locale: 'ja-JP', viewport: { width, height: 860 } })).newPage();
    await p.goto(`${url}/login`);
    await p.fill('#email', email);
    await p.fill('#password', 'mamori-demo');
    await p.click('form button[type=submit]');
    await p.waitForURL(/\/o\/sajeco/);
    if (who === 'isms' && width === 1280) {
      await p.goto(`${url}/o/sajeco/reports/2018`);
      await Promise.all([p.waitForNavigation(), p.click('#report-start')]);
      await Promise.all([p.waitForNavigation(), p.click('#report-to-review')]);
    }
    const shots = [['report-2018', '/o/sajeco/reports/2018'], ['figures', '/o/sajeco/event-figures']];
    if (who === 'isms') shots.push(['report-2017-edit', '/o/sajeco/reports/2017/edit']);
    for (const [name, path] of shots) {
      await p.goto(`${url}${path}`);
      const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 0) console.log(`${who} ${name} ${width}px: ${over}px wider than the window`);
      await p.screenshot({ path: `${out}/${who}-${name}-${width}.png`, fullPage: true });
    }
  }
}
// First run: a new installation's set-up page, at both widths, then the founder's landing.
{
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const db = `sqlite://${mkdtempSync(`${tmpdir()}/mamori-look-`)}/new.db`;
  const fresh = spawn(process.env.MAMORI_BIN || 'target/debug/mamori', ['--database-url', db, 'serve', '--bind', '127.0.0.1:0'], { env: { ...process.env, MAMORI_LOG: 'warn' } });
  const setup = await new Promise((resolve) => createInterface({ input: fresh.stdout }).on('line', (l) => { const m = l.match(/set-up:?\s+.*?(http:\/\/\S+)/i) || l.match(/organisation:\s+(http:\/\/\S+)/); if (m) resolve(m[1]); }));
  for (const width of [1280, 390]) {
    const p = await (await browser.newContext({ locale: 'ja-JP', viewport: { width, height: 860 } })).newPage();
    await p.goto(setup);
    const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0) console.log(`setup ${width}px: ${over}px wider than the window`);
    await p.screenshot({ path: `${out}/setup-${width}.png`, fullPage: true });
    if (width === 390) {
      await p.fill('#org_name', '株式会社マイコープ');
      await p.fill('#slug', 'mycorp');
      await p.fill('#display_name', '創業 花子');
      await p.fill('#email', 'hanako@mycorp.example');
      await p.fill('#password', 'correct horse battery');
      await p.fill('#password_confirm', 'correct horse battery');
      await Promise.all([p.waitForURL(/\/o\/mycorp/), p.click('#setup-form button[type=submit]')]);
      await p.screenshot({ path: `${out}/setup-founded-${width}.png`, fullPage: true });
      await p.goto(setup.replace(/\/setup.*/, '/o/mycorp/assets'));
      await p.screenshot({ path: `${out}/setup-empty-register-${width}.png`, fullPage: true });
      await p.setViewportSize({ width: 1280, height: 860 });
      await p.goto(setup.replace(/\/setup.*/, '/o/mycorp'));
      await p.screenshot({ path: `${out}/setup-checklist-1280.png`, fullPage: true });
      await p.goto(setup.replace(/\/setup.*/, '/o/mycorp/members'));
      await p.fill('#m-email', 'new.hire@mycorp.example');
      await Promise.all([p.waitForNavigation(), p.click('#invite')]);
      await p.screenshot({ path: `${out}/setup-invited-1280.png`, fullPage: true });
      const link = await p.textContent('#invite-link');
      const invited = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 860 } })).newPage();
      await invited.goto(link);
      await invited.screenshot({ path: `${out}/invite-390.png`, fullPage: true });
      await p.goto(setup.replace(/\/setup.*/, '/organizations/new'));
      await p.screenshot({ path: `${out}/org-new-1280.png`, fullPage: true });
    }
  }
  fresh.kill('SIGTERM');
}
await browser.close();
proc.kill('SIGTERM');
