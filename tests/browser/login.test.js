// Logging in, in a real browser: axe (WCAG 2.0/2.1 A and AA) with zero
// violations on the login form, its error states, the login-link pages, a
// role's start page and the account page, in Dutch and in English; every
// error tied to its field; and the whole way from the form to the account
// page and out again, as a person would click it.
//
// Run: node --test tests/browser/  (see tests/browser/README.md)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BIN, VIEWPORTS, startServer, stopServer, launchBrowser, removeDir, axeCheck, screenshot,
} from './lib.js';

const LIMIT = { timeout: 180_000 };
const PW = 'Regen op het dak van het gemeentehuis';
const TEXT = {
  nl: { login: 'Inloggen', error: 'Fout', wrong: 'Het e-mailadres of het wachtwoord klopt niet',
        link: 'Inloggen met een link per e-mail', sent: 'Kijk in uw e-mail', account: 'Uw account',
        logout: 'Uitloggen', out: 'U bent uitgelogd.' },
  en: { login: 'Log in', error: 'Error', wrong: 'The e-mail address or the password is not right',
        link: 'Log in with a link by e-mail', sent: 'Check your e-mail', account: 'Your account',
        logout: 'Log out', out: 'You have logged out.' },
};
let dir, server, browser;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aanwezig-login-'));
  const db = path.join(dir, 'l.db');
  const A = (...args) => execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8' });
  A('init');
  writeFileSync(path.join(dir, 'pw'), `${PW}\n`);
  A('user', 'add', '--role', 'admin', '--email', 'beheer@dijkwaard.example', '--name', 'Bea Beheer',
    '--password-file', path.join(dir, 'pw'));
  server = await startServer(db);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const code = await stopServer(server);
    assert.equal(code, 0, 'the server stops cleanly');
    assert.doesNotMatch(server.stderr(), /AddressSanitizer|LeakSanitizer|runtime error:/);
  }
  if (dir) removeDir(dir);
});

/* axe, <html lang>, and in-page links that lead somewhere; problems into out. */
async function check(page, lang, label, out) {
  const name = `${lang} ${label}`;
  const got = await page.getAttribute('html', 'lang');
  if (got !== lang) out.push(`${name}: <html lang="${got}">, expected "${lang}"`);
  const dead = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href'))
    .filter((h) => h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))));
  for (const h of dead) out.push(`${name}: the link ${h} leads to no element on the page`);
  out.push(...await axeCheck(page, name));
}

/* Every error message is tied to its field, the field is marked invalid,
 * and the title starts with "Fout:" / "Error:". */
async function checkErrors(page, lang) {
  const loose = await page.$$eval('.utrecht-form-field-error-message', (msgs) => msgs
    .filter((m) => !m.id || !document.querySelector(`[aria-describedby~="${m.id}"][aria-invalid="true"]`))
    .map((m) => m.id || m.textContent));
  assert.ok(await page.$('.utrecht-form-field-error-message'), 'error messages are shown');
  assert.deepEqual(loose, [], 'error messages not tied to an invalid field');
  assert.ok((await page.title()).startsWith(`${TEXT[lang].error}: `), `title: ${await page.title()}`);
}

async function submit(page, selector = 'main button[type="submit"]') {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return res;
}

for (const lang of ['nl', 'en']) {
  describe(`logging in, ${lang === 'nl' ? 'Dutch' : 'English'}`, () => {
    test('axe finds nothing on the login pages, their errors, a start page and the account page', LIMIT, async () => {
      const ctx = await browser.newContext({ ...VIEWPORTS.desktop, locale: lang === 'nl' ? 'nl-NL' : 'en-GB' });
      const page = await ctx.newPage();
      const problems = [];
      const t = TEXT[lang];

      // Asking for a page that needs an account leads to the form.
      let res = await page.goto(`${server.url}/account`);
      assert.equal(res.status(), 200);
      assert.match(page.url(), /\/login\?next=%2Faccount$/);
      assert.equal(await page.textContent('h1'), t.login);
      assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username');
      assert.equal(await page.getAttribute('#password', 'autocomplete'), 'current-password');
      await check(page, lang, 'login form', problems);
      await screenshot(page, `login-${lang}`);

      // Nothing filled in: 422, both fields named.
      res = await submit(page);
      assert.equal(res.status(), 422);
      await checkErrors(page, lang);
      assert.equal((await page.$$('[role="alert"] a')).length, 2);
      await check(page, lang, 'login form, empty', problems);

      // A wrong password: 401, the address kept, the password not.
      await page.fill('#email', 'beheer@dijkwaard.example');
      await page.fill('#password', 'not the right password');
      res = await submit(page);
      assert.equal(res.status(), 401);
      await checkErrors(page, lang);
      assert.match(await page.textContent('[role="alert"]'), new RegExp(t.wrong));
      assert.equal(await page.inputValue('#email'), 'beheer@dijkwaard.example');
      assert.equal(await page.inputValue('#password'), '');
      await check(page, lang, 'login form, wrong password', problems);

      // The link pages.
      await Promise.all([page.waitForNavigation(), page.click('a[href="/login/link"]')]);
      assert.equal(await page.textContent('h1'), t.link);
      await check(page, lang, 'link form', problems);
      res = await submit(page);
      assert.equal(res.status(), 422);
      await checkErrors(page, lang);
      await check(page, lang, 'link form, empty', problems);
      await page.fill('#email', 'someone@example.org');
      res = await submit(page);
      assert.equal(res.status(), 200);
      assert.equal(await page.textContent('h1'), t.sent);
      await check(page, lang, 'link sent', problems);
      await page.goto(`${server.url}/login/l/${'A'.repeat(43)}`);
      await check(page, lang, 'link button', problems);

      // Logging in returns to the page asked for; then the account page.
      await page.goto(`${server.url}/login?next=%2Faccount`);
      await page.fill('#email', 'beheer@dijkwaard.example');
      await page.fill('#password', PW);
      res = await submit(page);
      assert.equal(res.status(), 200);
      assert.match(page.url(), /\/account$/);
      assert.equal(await page.textContent('h1'), t.account);
      assert.equal(await page.getAttribute('#password', 'autocomplete'), 'new-password');
      await check(page, lang, 'account', problems);
      await screenshot(page, `account-${lang}`);
      await page.fill('#current', PW);
      await page.fill('#password', 'password password');
      res = await submit(page, 'form[action="/account"] button');
      assert.equal(res.status(), 422);
      await checkErrors(page, lang);
      await check(page, lang, 'account, weak new password', problems);
      await page.goto(`${server.url}/admin`);
      await check(page, lang, 'start page', problems);

      // The session cookie is out of reach of scripts.
      const cookies = await ctx.cookies();
      const sid = cookies.find((c) => c.name === 'sid');
      assert.ok(sid && sid.httpOnly && sid.sameSite === 'Strict', JSON.stringify(cookies));
      assert.equal(await page.evaluate(() => document.cookie.includes('sid=')), false);

      // Logging out, from the header.
      await Promise.all([page.waitForNavigation(), page.click('.az-user button')]);
      assert.match(page.url(), /\/login\?m=out$/);
      assert.match(await page.textContent('main'), new RegExp(t.out));
      await check(page, lang, 'logged out', problems);
      res = await page.goto(`${server.url}/admin`);
      assert.match(page.url(), /\/login\?next=%2Fadmin$/);

      await ctx.close();
      if (problems.length) console.log(problems.join('\n'));
      assert.equal(problems.length, 0, `accessibility problems:\n${problems.join('\n')}`);
    });
  });
}
