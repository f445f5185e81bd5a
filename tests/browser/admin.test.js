// The pages for administrators, leaders and coaches in a real browser:
// Debian's chromium driven by playwright-core against `aanwezig serve`.
//
//  - THE end-to-end test: an administrator, in the browser alone, adds a
//    leader with an account and starts a round that needs approval; the
//    leader (a second browser context) logs in, names the people around
//    them on "Waar ben ik?", and hands the list in; the administrator
//    approves it and opens the round; the raters answer through their
//    personal links, taken from the administrator's links page; progress
//    shows a group's answers only once it reaches its threshold; the
//    administrator closes and releases; the leader reads the report.
//    axe (WCAG 2.0/2.1 A and AA) on every page on the way, zero violations.
//  - The same pages in English on a phone (no sideways scrolling), and the
//    error state of "Waar ben ik?".
//
// Run: node --test tests/browser/  (see tests/browser/README.md)
// Screenshots for docs/using.md: AANWEZIG_SCREENSHOTS=docs/screenshots
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BIN, VIEWPORTS, startServer, stopServer, launchBrowser, removeDir, axeCheck, screenshot,
} from './lib.js';

const PW = 'Regen op het dak van het gemeentehuis';
const ADMIN = 'beheer@dijkwaard.nl';
const LEADER = 'm.vandalen@dijkwaard.nl';
const COACH = 'coach@example.org';
const LIMIT = { timeout: 300_000 };

let dir, db, A, server, browser, items;
const problems = [];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aanwezig-admin-'));
  db = path.join(dir, 'admin.db');
  A = (...args) => execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8' });
  const pw = path.join(dir, 'pw.txt');
  writeFileSync(pw, `${PW}\n`);
  A('init');
  A('user', 'add', '--role', 'admin', '--email', ADMIN, '--name', 'Bea Beheer', '--password-file', pw);
  A('user', 'add', '--role', 'coach', '--email', COACH, '--name', 'Cor Coach', '--password-file', pw);
  items = A('instrument', 'show').split('\n').map((l) => l.match(/^  ([A-Z][A-Z0-9-]+) +\[/))
    .filter(Boolean).map((m) => m[1]);
  server = await startServer(db);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) {
    const code = await stopServer(server);
    assert.equal(code, 0, `server exit ${code}`);
    assert.doesNotMatch(server.stderr(), /AddressSanitizer|LeakSanitizer|runtime error:/);
  }
  if (dir) removeDir(dir);
});

/* axe and the page's language; problems are collected and asserted at the
 * end of each test, so that one run lists them all. */
async function check(page, label, lang = 'nl') {
  // No sideways scrolling of the page itself (tables scroll in their box).
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (wide > 0) problems.push(`${label}: the page scrolls sideways by ${wide} px`);
  const got = await page.getAttribute('html', 'lang');
  if (got !== lang) problems.push(`${label}: <html lang="${got}">, expected "${lang}"`);
  const dead = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href'))
    .filter((h) => h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))));
  for (const h of dead) problems.push(`${label}: the link ${h} leads to no element on the page`);
  problems.push(...await axeCheck(page, label));
}

function assertClean() {
  const list = problems.splice(0);
  assert.deepEqual(list, [], list.join('\n'));
}

/* Click and wait for the page that follows. */
async function go(page, selector) {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return res;
}

async function login(page, email) {
  await page.goto(`${server.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PW);
  await go(page, 'main button[type=submit]');
}

/* Answer a questionnaire through its personal link in the browser: open
 * it, go to the review, give every item `score`, and send. */
async function answer(page, link, score) {
  await page.goto(link);
  await page.goto(`${link}?p=99`);
  await page.evaluate(({ items: list, s }) => {
    const form = document.querySelector('button[value=submit]').form;
    for (const id of list) {
      const i = document.createElement('input');
      i.type = 'hidden'; i.name = `a_${id}`; i.value = String(s);
      form.appendChild(i);
    }
  }, { items, s: score });
  const res = await go(page, 'button[value=submit]');
  assert.equal(res.status(), 200, `submitting ${link}`);
  assert.match(await page.textContent('h1'), /Dank u wel|Thank you/);
}

/* The "Answered" cell of a group in the progress table. */
async function answered(page, groupLabel) {
  return page.$eval(`xpath=//table//th[normalize-space()="${groupLabel}"]/following-sibling::td[2]`,
    (td) => td.textContent.trim());
}

const PEOPLE = {
  bestuur: ['Henk Bakker', 'Ans de Jong', 'Karim El Amrani', 'Petra Smit'],
  mt: ['Els Visser', 'Joost Mulder', 'Fatima Yilmaz', 'Ruud Kok'],
  medewerkers: ['Sanne de Boer', 'Daan Peters', 'Lotte Hendriks'],
  peers: ['Piet Jansen'],
};

test('an administrator runs a whole round from the browser and the leader reads the report', LIMIT, async () => {
  // Desktop width, and tall enough that the screenshots of a page's top
  // show its main part.
  const tall = { ...VIEWPORTS.desktop, viewport: { width: 1280, height: 1250 } };
  const admin = await browser.newContext({ ...tall, locale: 'nl-NL' });
  const leader = await browser.newContext({ ...tall, locale: 'nl-NL' });
  const raters = await browser.newContext({ ...VIEWPORTS.phone, locale: 'nl-NL' });
  const ap = await admin.newPage();
  const lp = await leader.newPage();
  const rp = await raters.newPage();

  // The administrator adds the leader with an account.
  await login(ap, ADMIN);
  assert.equal(new URL(ap.url()).pathname, '/admin');
  await check(ap, 'admin overview, empty');
  await go(ap, 'main a:has-text("Leidinggevende toevoegen")');
  await ap.fill('#name', 'Marieke van Dalen');
  await ap.fill('#email', LEADER);
  await ap.fill('#organisation', 'Gemeente Dijkwaard');
  assert.ok(await ap.isChecked('#account'), 'an account is made by default');
  await check(ap, 'admin new leader');
  await screenshot(ap, 'admin-2-new-leader');
  await go(ap, 'main button[type=submit]');
  assert.match(await ap.textContent('.az-done'), /account zijn toegevoegd/);

  // A round with a deadline, reminders and approval of the list.
  await ap.fill('#closes', '2099-12-31');
  await ap.fill('#reminders', '7,2');
  await ap.check('#approval');
  await check(ap, 'admin leader page');
  await go(ap, 'button:has-text("Ronde starten")');
  const roundPath = new URL(ap.url()).pathname;
  assert.match(roundPath, /^\/admin\/rounds\/\d+$/);
  const roundId = roundPath.split('/').pop();
  await check(ap, 'admin round, draft');

  // The leader logs in (a password set on the command line: this test
  // server sends no e-mail) and names the people around them.
  A('user', 'password', '--email', LEADER, '--password-file', path.join(dir, 'pw.txt'));
  await login(lp, LEADER);
  assert.equal(new URL(lp.url()).pathname, '/leader');
  await check(lp, 'leader rounds');
  await screenshot(lp, 'leader-1-rounds');
  await go(lp, 'main a:has-text("Waar ben ik?")');
  await check(lp, 'leader environment, empty');
  for (const [group, names] of Object.entries(PEOPLE))
    for (const [i, name] of names.entries()) {
      await lp.fill(`#n_${group}_${i + 1}`, name);
      await lp.fill(`#e_${group}_${i + 1}`, `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`);
    }
  await go(lp, 'button:has-text("Deze namen opslaan")');
  assert.match(await lp.textContent('.az-done'), /toegevoegd/);
  // Advice and flags: bestuur and mt have 4 of the advised 6 (at risk),
  // peers 1 of 3 (will not be shown), the optional council nobody.
  const flags = await lp.$$eval('.az-flag', (ps) => ps.map((p) => p.textContent));
  assert.ok(flags.some((f) => /Wordt niet getoond/.test(f)), flags.join(' | '));
  assert.ok(flags.some((f) => /Risico/.test(f)), flags.join(' | '));
  await check(lp, 'leader environment, filled');
  await screenshot(lp, 'leader-2-environment', false);
  await go(lp, 'button:has-text("Lijst inleveren")');
  assert.match(await lp.textContent('.az-done'), /ingeleverd/);

  // The administrator approves the list and opens the round.
  await ap.goto(`${server.url}${roundPath}`);
  await check(ap, 'admin round, list handed in');
  await screenshot(ap, 'admin-3-round', false);
  await go(ap, 'button:has-text("Lijst goedkeuren")');
  await go(ap, 'button:has-text("Ronde openen en uitnodigingen versturen")');
  assert.match(await ap.textContent('.az-done'), /open/);
  await check(ap, 'admin round, open');

  // No SMTP server here: the personal links come from the links page.
  await go(ap, 'a:has-text("Persoonlijke links")');
  await check(ap, 'admin links');
  await screenshot(ap, 'admin-4-links');
  const rows = await ap.$$eval('tbody tr', (trs) => trs.map((tr) => ({
    name: tr.querySelector('th').textContent, link: tr.querySelector('code').textContent })));
  const link = (name) => rows.find((r) => r.name === name).link;
  // The leader has an account: their own link is on their own page only.
  assert.equal(rows.length, Object.values(PEOPLE).flat().length);

  // Three of the board answer, two of the MT.
  for (const name of PEOPLE.bestuur.slice(0, 3)) await answer(rp, link(name), 4);
  for (const name of PEOPLE.mt.slice(0, 2)) await answer(rp, link(name), 3);
  await ap.goto(`${server.url}${roundPath}`);
  assert.equal(await answered(ap, 'College van B en W'), '3');
  assert.equal(await answered(ap, 'Directie / MT'), 'minder dan 3');
  assert.match(await ap.textContent('tfoot'), /niet getoond/);
  await check(ap, 'admin round, progress');
  await screenshot(ap, 'admin-5-progress', false);

  // The leader sees the same, and fills in the own reflection.
  await lp.goto(`${server.url}/leader/rounds/${roundId}`);
  assert.equal(await answered(lp, 'Directie / MT'), 'minder dan 3');
  await check(lp, 'leader round, open');
  const self = await lp.getAttribute('a:has-text("Vul uw eigen reflectie in")', 'href');
  await answer(lp, self, 4);
  await lp.goto(`${server.url}/leader/rounds/${roundId}`);
  await screenshot(lp, 'leader-3-progress');

  // More answers; the MT reaches its threshold.
  await answer(rp, link(PEOPLE.mt[2]), 4);
  for (const name of PEOPLE.medewerkers) await answer(rp, link(name), 5);
  await ap.goto(`${server.url}${roundPath}`);
  assert.equal(await answered(ap, 'Directie / MT'), '3');

  // Close and release.
  // Both ask again first, on a page of their own; "No" leads back.
  await go(ap, 'button:has-text("Ronde nu sluiten")');
  assert.match(await ap.textContent('h1'), /sluiten\?/);
  await check(ap, 'admin round, confirm closing');
  await screenshot(ap, 'admin-6-confirm-close');
  await go(ap, 'a:has-text("Nee, terug naar de ronde")');
  assert.match(await ap.textContent('h1'), /^Ronde \d+/);
  await go(ap, 'button:has-text("Ronde nu sluiten")');
  await go(ap, 'button:has-text("Ja, de ronde sluiten")');
  assert.match(await ap.textContent('.az-done'), /gesloten/);
  await check(ap, 'admin round, closed');
  await go(ap, 'button:has-text("Rapport vrijgeven")');
  await check(ap, 'admin round, confirm releasing');
  await go(ap, 'button:has-text("Ja, het rapport vrijgeven")');
  assert.match(await ap.textContent('.az-done'), /vrijgegeven/);
  await ap.goto(`${server.url}/admin`);
  await check(ap, 'admin overview');
  await screenshot(ap, 'admin-1-overview');

  // The leader reads the report.
  await lp.goto(`${server.url}/leader`);
  await go(lp, 'a:has-text("Uw rapport lezen")');
  assert.match(await lp.textContent('main'), /Marieke van Dalen/);
  assert.ok(await lp.$('svg'), 'the report has its charts');
  await check(lp, 'leader report');
  await screenshot(lp, 'leader-4-report', false);

  await admin.close();
  await leader.close();
  await raters.close();
  assertClean();
});

test('the account pages in English, and the error state of "Waar ben ik?", have no axe violations', LIMIT, async () => {
  const ctx = await browser.newContext({ ...VIEWPORTS.phone, locale: 'en-GB' });
  const page = await ctx.newPage();
  await login(page, ADMIN);
  for (const p of ['/admin', '/admin/leaders/new', '/admin/leaders/1', '/admin/rounds/1',
    '/admin/rounds/1/links', '/admin/rounds/1/outbox', '/admin/accounts', '/admin/audit']) {
    const res = await page.goto(`${server.url}${p}`);
    assert.equal(res.status(), 200, p);
    await check(page, `en ${p}`, 'en');
  }
  assert.match(await page.textContent('h1'), /Audit log/);

  // A second round for the error state of the environment page.
  await page.goto(`${server.url}/admin/leaders/1`);
  await page.fill('#closes', '2099-12-31');
  await go(page, 'main form button[type=submit]');
  const second = new URL(page.url()).pathname.split('/').pop();
  await ctx.clearCookies();
  await login(page, LEADER);
  await check(page, 'en /leader', 'en');
  await page.goto(`${server.url}/leader/rounds/${second}/environment`);
  await check(page, 'en environment', 'en');
  await page.fill('#n_mt_1', 'Henk');
  await page.fill('#e_mt_1', 'not-an-address');
  const res = await go(page, 'button:has-text("Save these names")');
  assert.equal(res.status(), 422);
  assert.match(await page.title(), /^Error:/);
  assert.equal(await page.inputValue('#e_mt_1'), 'not-an-address');
  assert.equal(await page.getAttribute('#e_mt_1', 'aria-describedby'), 'x-e_mt_1');
  await check(page, 'en environment with an error', 'en');
  await page.goto(`${server.url}/leader/rounds/1`);
  await check(page, 'en leader round', 'en');
  await page.goto(`${server.url}/leader/rounds/1/report`);
  await check(page, 'en leader report', 'en');

  // A coach with nothing shared, and a refused page.
  await ctx.clearCookies();
  await login(page, COACH);
  await check(page, 'en /coach', 'en');
  const denied = await page.goto(`${server.url}/coach/rounds/1/report`);
  assert.equal(denied.status(), 403);
  await check(page, 'en 403', 'en');
  await ctx.close();
  assertClean();
});
