// lib.js — what the browser tests share: a database made with the CLI, the
// server, Debian's chromium, and the axe check.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Paths from the environment are taken from the current folder.
export const BIN = process.env.AANWEZIG_BIN
  ? path.resolve(process.env.AANWEZIG_BIN) : path.join(REPO, 'build/asan/aanwezig');
export const CHROMIUM = process.env.AANWEZIG_CHROMIUM || '/usr/bin/chromium';
// Where screenshots go when asked for (docs/screenshots to update the docs).
export const SHOTS = process.env.AANWEZIG_SCREENSHOTS ? path.resolve(process.env.AANWEZIG_SCREENSHOTS) : null;

export const VIEWPORTS = {
  phone: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
};

// The texts the tests look for, per language (from po/nl.po and po/en.po).
export const TEXT = {
  nl: { thanks: 'Dank u wel, uw antwoorden zijn binnen', notOpen: 'Deze vragenlijst is nog niet open',
        closed: 'Deze vragenlijst is gesloten', notFound: 'Pagina niet gevonden', error: 'Fout' },
  en: { thanks: 'Thank you, your answers are in', notOpen: 'This questionnaire is not open yet',
        closed: 'This questionnaire is closed', notFound: 'Page not found', error: 'Error' },
};

/* A fresh database in a temporary folder, made with the CLI:
 *   round 1 (leader 1, open): the leader and a rater in each group named in raters
 *   round 2 (leader 1, draft): a rater, for the not-yet-open notice
 *   round 3 (leader 2, closed): a rater, for the closed notice
 * Returns { dir, db, links: { self, <rater name>..., NotOpen, Closed }, A } with the links as
 * paths (/r/TOKEN), and A(...args) to run the CLI on the database. */
export function makeDatabase(raters) {
  const dir = mkdtempSync(path.join(tmpdir(), 'aanwezig-browser-'));
  const db = path.join(dir, 'browser.db');
  const A = (...args) => execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8' });
  let links;
  try {
    links = fill(A, raters);
    for (const k of ['self', 'NotOpen', 'Closed', ...raters.map((r) => r[0])])
      if (!links[k]) throw new Error(`no link for ${k} in round links output`);
  } catch (e) {
    removeDir(dir);
    throw e;
  }
  return { dir, db, links, A };
}

function fill(A, raters) {
  const links = {};
  const pick = (out) => {
    for (const line of out.split('\n')) {
      const m = line.match(/^(\S+)\s+(.*?)\s+\S+\s+https?:\/\/[^/]+(\/r\/\S+)$/);
      if (m) links[m[1] === 'self' ? 'self' : m[2]] = m[3];
    }
  };
  A('init');
  A('leader', 'add', '--name', 'Marieke van Dalen', '--email', 'm.vandalen@dijkwaard.example',
    '--organisation', 'Gemeente Dijkwaard');
  A('round', 'new', '--leader', '1', '--closes', '2099-12-31');
  for (const [name, group] of raters)
    A('rater', 'add', '--round', '1', '--name', name, '--email', `${name.toLowerCase()}@example.org`,
      '--group', group);
  A('round', 'open', '1');
  pick(A('round', 'links', '1'));

  A('round', 'new', '--leader', '1', '--closes', '2099-12-31');
  A('rater', 'add', '--round', '2', '--name', 'NotOpen', '--email', 'later@example.org', '--group', 'mt');
  pick(A('round', 'links', '2'));

  A('leader', 'add', '--name', 'Pieter de Wit', '--email', 'p.dewit@example.org',
    '--organisation', 'Gemeente Zandveen');
  A('round', 'new', '--leader', '2', '--closes', '2099-12-31');
  A('rater', 'add', '--round', '3', '--name', 'Closed', '--email', 'closed@example.org', '--group', 'mt');
  A('round', 'open', '3');
  pick(A('round', 'links', '3'));
  A('round', 'close', '3');
  delete links.self; // the last pick was leader 2's; take leader 1's again
  pick(A('round', 'links', '1'));
  return links;
}

/* Starts `aanwezig serve` on a free port; resolves to { url, proc, stderr() }. */
export function startServer(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 15000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/$/, ''), proc, stderr: () => err });
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

/* Stops the server with SIGTERM; resolves to its exit code. */
export function stopServer(server) {
  return new Promise((resolve) => {
    if (server.proc.exitCode !== null) return resolve(server.proc.exitCode);
    const kill = setTimeout(() => server.proc.kill('SIGKILL'), 15000);
    server.proc.once('exit', (code, sig) => { clearTimeout(kill); resolve(code ?? sig); });
    server.proc.kill('SIGTERM');
  });
}

/* Debian's chromium; never a downloaded browser. Playwright adds --headless
 * and an empty temporary --user-data-dir itself. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/install-deps --browser`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/* Runs axe on the page; returns the violations as readable lines (empty when none). */
export async function axeCheck(page, label) {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const lines = [];
  for (const v of result.violations) {
    lines.push(`${label}: ${v.id} (${v.impact}) ${v.help} — ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 5))
      lines.push(`    ${JSON.stringify(n.target)}\n      ${(n.failureSummary || '').replace(/\n/g, '\n      ')}`);
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines;
}

/* Saves a screenshot when AANWEZIG_SCREENSHOTS is set. */
export async function screenshot(page, name, fullPage = true) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  // No hover or focus left over from filling in the page, and scrolled to the top: a full-page
  // shot draws fixed elements (the hidden skip link) where they are for the scrolled window.
  await page.mouse.move(0, 0);
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/* Facts about the focused element, for the keyboard-only test. */
export function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    return {
      tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '', value: e.value ?? '',
      checked: !!e.checked, id: e.id, href: e.getAttribute('href') || '',
      text: (e.textContent || '').trim(),
    };
  });
}
