// Hostile text in every free-text field and every name, rendered by the real
// server and looked at in a real browser: no script runs, no markup is
// injected — in the questionnaire, its review, and the report with its SVG
// charts. (The PDF and CSV forms are checked in tests/e2e/test_report.sh.)
//
// Run: node --test tests/browser/  (see tests/browser/README.md)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, startServer, stopServer, launchBrowser, removeDir } from './lib.js';

// Each payload, if it ran, would set window.__xss or add an element with
// data-xss; none may.
const PAYLOADS = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror="window.__xss=2" data-xss>',
  "'><svg onload=\"window.__xss=3\" data-xss></svg>",
  '</textarea><script>window.__xss=4</script>',
  '</title><script>window.__xss=5</script>',
  '<a href="javascript:window.__xss=6" data-xss>klik</a>',
  '=HYPERLINK("http://evil.example";"klik")',
  '{{7*7}} ${7*7} <!-- -->',
  'ר\u202Eevil\u202C مرحبا 🙂',
];
const LIMIT = { timeout: 180_000 };
let dir, db, A, server, browser, links = {};

function answersFile(texts) {
  const items = execFileSync(BIN, ['instrument', 'show'], { encoding: 'utf8' })
    .split('\n').map((l) => l.match(/^  ([A-Z][A-Z0-9-]+) +\[/)).filter(Boolean).map((m) => m[1]);
  const f = path.join(dir, `a${Math.random()}.json`);
  writeFileSync(f, JSON.stringify({ answers: Object.fromEntries(items.map((i) => [i, 4])), open: texts }));
  return f;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aanwezig-xss-'));
  db = path.join(dir, 'x.db');
  A = (...args) => execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8' });
  A('init');
  A('leader', 'add', '--name', PAYLOADS[1], '--email', 'l@example.org', '--organisation', PAYLOADS[0]);
  A('round', 'new', '--leader', '1', '--closes', '2099-12-31');
  for (let i = 0; i < 4; i++)
    A('rater', 'add', '--round', '1', '--name', `${PAYLOADS[i + 2]} R${i}`, '--email', `r${i}@example.org`,
      '--group', 'bestuur');
  A('round', 'open', '1');
  for (const line of A('round', 'links', '1').split('\n')) {
    const m = line.match(/^(\S+)\s+.*(R\d|\(leader\))\s+\S+\s+https?:\/\/[^/]+\/r\/(\S+)$/);
    if (m) links[m[2]] = m[3];
  }
  assert.ok(links['(leader)'] && links.R0 && links.R3, `links: ${JSON.stringify(links)}`);
  // The leader's story and three raters' open answers hold every payload.
  A('response', 'submit', '--token', links['(leader)'],
    answersFile({ mijn_verhaal: PAYLOADS.join('\n'), afwezig: PAYLOADS[3] }));
  for (const r of ['R0', 'R1', 'R2'])
    A('response', 'submit', '--token', links[r],
      answersFile({ aanwezig: PAYLOADS.join(' '), mist: PAYLOADS[1], anders: PAYLOADS[2] }));
  server = await startServer(db);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await stopServer(server);
  if (dir) removeDir(dir);
});

async function inert(page, label) {
  const got = await page.evaluate(() => ({
    xss: window.__xss ?? null,
    injected: document.querySelectorAll('[data-xss], script, img[src="x"], svg[onload], [onerror], [onload]').length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => a.href.startsWith('javascript:')).length,
  }));
  assert.deepEqual(got, { xss: null, injected: 0, jsLinks: 0 }, `${label}: payload came alive`);
}

test('hostile names and texts stay text in the questionnaire and its review', LIMIT, async () => {
  const page = await browser.newPage();
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const base = `${server.url}/r/${links.R3}`;
  await page.goto(base);
  await inert(page, 'intro');
  assert.ok((await page.textContent('h1')).includes('onerror'), 'the name is shown as text');
  // Type every payload into the open question of the first page, then review.
  await page.goto(`${base}?p=1`);
  for (const radio of await page.$$('input[type=radio][value="3"]')) await radio.check({ force: true });
  await page.fill('textarea', PAYLOADS.join('\n'));
  await page.click('button[value=next]');
  await page.goto(`${base}?p=1`);
  await inert(page, 'section page with the saved text');
  assert.equal(await page.inputValue('textarea'), PAYLOADS.join('\n'), 'the text comes back exactly');
  await page.goto(`${base}?p=4`);
  await inert(page, 'review');
  assert.deepEqual(dialogs, []);
  await page.close();
});

test('hostile texts stay text in the report and its SVG charts', LIMIT, async () => {
  A('round', 'close', '1');
  const report = A('round', 'release', '1').match(/\/p\/(\S+)/);
  assert.ok(report, 'round release prints the report link');
  const page = await browser.newPage();
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(`${server.url}/p/${report[1]}`);
  assert.ok(await page.$('svg'), 'the report has its charts');
  await inert(page, 'report');
  const text = await page.textContent('main');
  assert.ok(text.includes('<script>window.__xss=1</script>'), 'the payload shows as text');
  assert.ok(text.includes('مرحبا'), 'right-to-left text survives');
  assert.deepEqual(dialogs, []);
  await page.close();
});
