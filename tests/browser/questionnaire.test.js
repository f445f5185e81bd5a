// The questionnaire in a real browser: Debian's chromium driven by
// playwright-core against `aanwezig serve` on a fresh database.
//
//  - axe (WCAG 2.0/2.1 A and AA) on every page of the rater and the self
//    questionnaire, the error state, the notices and the 404 page, in Dutch and
//    English, on a phone and a desktop viewport: zero violations;
//  - the whole rater questionnaire with the keyboard only, then the answers in
//    the database;
//  - no horizontal scrolling at 320 px and at 200 % zoom;
//  - a visible focus indicator.
//
// Run: node --test tests/browser/  (see tests/browser/README.md)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  VIEWPORTS, TEXT, makeDatabase, startServer, stopServer, launchBrowser, removeDir,
  axeCheck, screenshot, focused,
} from './lib.js';

// One rater per language and viewport for the axe runs (each submits once),
// one for the keyboard-only test, one that only looks (reflow, focus).
const COMBOS = [
  { lang: 'nl', vp: 'phone', rater: 'Henk', group: 'bestuur' },
  { lang: 'nl', vp: 'desktop', rater: 'Roos', group: 'raad' },
  { lang: 'en', vp: 'phone', rater: 'Els', group: 'mt', how: 'query' },
  { lang: 'en', vp: 'desktop', rater: 'Sanne', group: 'medewerkers', how: 'header' },
];
const KEYBOARD = { rater: 'Karin', group: 'partners' };
const LOOKER = { rater: 'Piet', group: 'peers' };

// A hung browser or server fails the test instead of stopping the run.
const LIMIT = { timeout: 180_000 };

let env, server, browser;

before(async () => {
  env = makeDatabase([...COMBOS, KEYBOARD, LOOKER].map((c) => [c.rater, c.group]));
  server = await startServer(env.db);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await stopServer(server);
  if (env) removeDir(env.dir);
});

/* A context for a language and viewport. Dutch: the browser asks for Dutch.
 * English: either the browser asks for English (Accept-Language) or the
 * first page is opened with ?lang=en, which the server remembers. */
async function newContext(combo, extra = {}) {
  const locale = combo.lang === 'en' && combo.how !== 'query' ? 'en-GB' : 'nl-NL';
  return browser.newContext({ ...VIEWPORTS[combo.vp], locale, ...extra });
}
function withQuery(combo, pathname, params = []) {
  const q = [...params];
  if (combo.lang === 'en' && combo.how === 'query') q.push('lang=en');
  return server.url + pathname + (q.length ? `?${q.join('&')}` : '');
}

/* Runs axe and checks the page's language; collects problems in out. */
async function check(page, combo, label, out) {
  const name = `${combo.lang}/${combo.vp} ${label}`;
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== combo.lang) out.push(`${name}: <html lang="${lang}">, expected "${combo.lang}"`);
  // Links within the page (skip link, error summary) lead somewhere.
  const dead = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href'))
    .filter((h) => h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))));
  for (const h of dead) out.push(`${name}: the link ${h} leads to no element on the page`);
  out.push(...await axeCheck(page, name));
}

/* Submits the form with the button go=VALUE and waits for the next page. */
async function press(page, value) {
  const [res] = await Promise.all([
    page.waitForNavigation(),
    page.click(`button[name="go"][value="${value}"]`),
  ]);
  return res;
}

/* Checks one answer on every item of the page and fills the open questions. */
async function answerPage(page, value, text) {
  await page.$$eval('fieldset', (sets, v) => {
    for (const fs of sets) {
      const radios = [...fs.querySelectorAll('input[type="radio"]')];
      const r = radios.find((x) => x.value === v) || radios[0];
      if (r) r.checked = true;
    }
  }, String(value));
  for (const ta of await page.$$('textarea')) await ta.fill(text);
}

/* Every error message is shown and tied to its field by aria-describedby;
 * the title says there are errors; the summary's links each name their
 * question, and lead to it. */
async function checkErrors(page, lang) {
  const loose = await page.$$eval('.utrecht-form-field-error-message', (msgs) => msgs
    .filter((m) => !m.id || !document.querySelector(`[aria-describedby~="${m.id}"]`))
    .map((m) => m.id || m.textContent));
  assert.ok(await page.$('.utrecht-form-field-error-message'), 'error messages are shown');
  assert.deepEqual(loose, [], 'error messages not tied to a field');
  assert.ok((await page.title()).startsWith(`${TEXT[lang].error}: `), `title: ${await page.title()}`);
  const links = await page.$$eval('[role="alert"] a', (as) => as.map((a) => a.textContent));
  assert.ok(links.length > 1, 'the summary links to each question');
  assert.equal(new Set(links).size, links.length, `summary links that read the same: ${links}`);
}

function report(problems) {
  if (problems.length) console.log(problems.join('\n'));
  assert.equal(problems.length, 0, `accessibility problems:\n${problems.join('\n')}`);
}

for (const combo of COMBOS) {
  describe(`axe, ${combo.lang === 'nl' ? 'Dutch' : 'English'}, ${combo.vp}`, () => {
    test('the rater questionnaire: intro, error state, every section, review, answers in', LIMIT, async () => {
      const ctx = await newContext(combo);
      const page = await ctx.newPage();
      const problems = [];
      const shot = (n, full = true) => (combo.lang === 'nl' ? screenshot(page, `rater-${combo.vp}-${n}`, full) : null);
      try {
        const link = env.links[combo.rater];
        await page.goto(withQuery(combo, link));
        await check(page, combo, 'intro', problems);
        await shot('1-intro');
        let [res] = await Promise.all([page.waitForNavigation(), page.click(`main a[href*="?p=1"]`)]);
        for (let section = 1; await page.$('button[name="go"][value="next"]'); section++) {
          assert.ok(section < 10, 'too many sections');
          if (section === 2) {
            // Sent with nothing answered: the error state.
            res = await press(page, 'next');
            assert.equal(res.status(), 422, 'a page with unanswered items is shown again');
            await checkErrors(page, combo.lang);
            await check(page, combo, `section ${section} with errors`, problems);
          }
          await answerPage(page, (section % 5) + 1, `Antwoord op pagina ${section}.`);
          await check(page, combo, `section ${section}`, problems);
          if (section === 1) await shot('2-section');
          res = await press(page, 'next');
          assert.equal(res.status(), 200);
        }
        assert.ok(await page.$('button[name="go"][value="submit"]'), 'the review has a send button');
        await check(page, combo, 'review', problems);
        await shot('3-review', false);
        await press(page, 'submit');
        assert.equal(await page.textContent('h1'), TEXT[combo.lang].thanks);
        await check(page, combo, 'answers are in', problems);
        await shot('4-thanks');
      } finally {
        await ctx.close();
      }
      report(problems);
    });

    test("the leader's self questionnaire: intro, every section, review", LIMIT, async () => {
      const ctx = await newContext(combo);
      const page = await ctx.newPage();
      const problems = [];
      try {
        // The draft resumes where it was left, so ask for the intro by number.
        await page.goto(withQuery(combo, env.links.self, ['p=0']));
        await check(page, combo, 'self intro', problems);
        await Promise.all([page.waitForNavigation(), page.click(`main a[href*="?p=1"]`)]);
        for (let section = 1; await page.$('button[name="go"][value="next"]'); section++) {
          assert.ok(section < 10, 'too many sections');
          await answerPage(page, 3, `Mijn verhaal, deel ${section}.`);
          await check(page, combo, `self section ${section}`, problems);
          const res = await press(page, 'next');
          assert.equal(res.status(), 200);
        }
        assert.ok(await page.$('button[name="go"][value="submit"]'), 'the review has a send button');
        await check(page, combo, 'self review', problems);
      } finally {
        await ctx.close();
      }
      report(problems);
    });

    test('the notices: not open yet, closed, page not found', LIMIT, async () => {
      const ctx = await newContext(combo);
      const page = await ctx.newPage();
      const problems = [];
      try {
        await page.goto(withQuery(combo, env.links.NotOpen));
        assert.equal(await page.textContent('h1'), TEXT[combo.lang].notOpen);
        await check(page, combo, 'not open yet', problems);

        await page.goto(withQuery(combo, env.links.Closed));
        assert.equal(await page.textContent('h1'), TEXT[combo.lang].closed);
        await check(page, combo, 'closed', problems);

        const res = await page.goto(withQuery(combo, '/r/AAAAAAAAAAAAAAAAAAAAAA'));
        assert.equal(res.status(), 404);
        assert.equal(await page.textContent('h1'), TEXT[combo.lang].notFound);
        await check(page, combo, '404', problems);

        await page.goto(withQuery(combo, '/'));
        await check(page, combo, 'home', problems);
      } finally {
        await ctx.close();
      }
      report(problems);
    });
  });
}

test('the axe check finds a violation on a page made bad on purpose', LIMIT, async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  try {
    await page.setContent('<!DOCTYPE html><html><head><title>x</title></head><body><main>'
      + '<input type="radio" name="a"><img src="data:,"></main></body></html>');
    const lines = await axeCheck(page, 'bad page');
    assert.match(lines.join('\n'), /html-has-lang/);
    assert.match(lines.join('\n'), /image-alt/);
    assert.match(lines.join('\n'), /label/);
  } finally {
    await ctx.close();
  }
});

describe('keyboard only', () => {
  test('a rater completes the whole questionnaire with Tab, Shift+Tab, arrows, Space and Enter', LIMIT, async () => {
    const ctx = await newContext({ lang: 'nl', vp: 'desktop' });
    const page = await ctx.newPage();
    const kb = page.keyboard;
    const want = {};   // item -> 1..5 or null (cannot judge)
    const texts = {};  // open question -> text
    let n = 0;
    const plan = () => (n++ % 7 === 6 ? null : (n % 5) + 1);

    /* Tab (or Shift+Tab) until the focused element satisfies ok. */
    async function tabTo(ok, what, key = 'Tab') {
      for (let i = 0; i < 60; i++) {
        await kb.press(key);
        const f = await focused(page);
        if (ok(f)) return f;
      }
      throw new Error(`could not reach ${what} with ${key}`);
    }
    /* Presses key and waits for the page it leads to. */
    async function go(key) {
      const [res] = await Promise.all([page.waitForNavigation(), kb.press(key)]);
      return res;
    }
    /* Answers the focused radio group: the first option is focused and unchecked. */
    async function answer(f) {
      const item = f.name.slice(2);
      const v = plan();
      assert.equal(f.value, '1', `focus enters ${item} on its first option`);
      assert.equal(f.checked, false);
      if (v === null) {
        await kb.press('ArrowLeft'); // wraps round to the last option: cannot judge
      } else {
        await kb.press('Space');
        for (let k = 1; k < v; k++) await kb.press('ArrowRight');
      }
      const now = await focused(page);
      assert.ok(now.checked && now.name === f.name, `${item} is checked`);
      assert.equal(now.value, v === null ? 'x' : String(v));
      want[item] = v;
    }

    try {
      await page.goto(server.url + env.links[KEYBOARD.rater]);
      // The skip link comes first.
      const skip = await tabTo(() => true, 'the first element');
      assert.equal(skip.href, '#main', 'the first Tab reaches the skip link');
      await tabTo((f) => f.tag === 'a' && /\?p=1$/.test(f.href), 'the start link');
      let res = await go('Enter');
      assert.equal(res.status(), 200);

      for (let section = 1; ; section++) {
        assert.ok(section < 10, 'too many sections');
        if (!(await page.$('button[name="go"][value="next"]'))) break;
        const done = new Set();
        let f;
        for (;;) {
          f = await tabTo((x) => (x.type === 'radio' && !done.has(x.name)) || x.tag === 'textarea'
            || (x.tag === 'button' && x.value === 'next'), 'the next field');
          if (f.type === 'radio') {
            await answer(f);
            done.add(f.name);
          } else if (f.tag === 'textarea') {
            const q = f.name.slice(2);
            texts[q] = `Op pagina ${section}: "${q}" & <niets> — één voorbeeld.`;
            await kb.type(texts[q]);
          } else {
            break;
          }
        }
        assert.ok(done.size > 0, `section ${section} has questions`);
        const p = new URL(page.url()).searchParams.get('p');
        if (section === 2) {
          // Back with Shift+Tab to the last question, change it with an arrow
          // key, and send the page with Enter from the radio button: Enter
          // must mean "next", not "previous".
          const last = await tabTo((x) => x.type === 'radio', 'the last question', 'Shift+Tab');
          await kb.press('ArrowLeft');
          const now = await focused(page);
          assert.equal(now.name, last.name);
          const item = now.name.slice(2);
          want[item] = now.value === 'x' ? null : Number(now.value);
          res = await go('Enter');
        } else {
          res = await go('Enter'); // on the focused "next" button
        }
        assert.equal(res.status(), 200, `section ${section} is accepted`);
        assert.equal(new URL(page.url()).searchParams.get('p'), String(Number(p) + 1),
          `section ${section} leads to the next step`);
      }
      // The review shows the answers; send with the keyboard.
      const review = await page.textContent('main');
      for (const t of Object.values(texts)) assert.ok(review.includes(t), `review shows "${t}"`);
      await tabTo((x) => x.tag === 'button' && x.value === 'submit', 'the send button');
      res = await go('Enter');
      assert.equal(res.status(), 200);
      assert.equal(await page.textContent('h1'), TEXT.nl.thanks);
    } finally {
      await ctx.close();
    }

    // The answers are in the database, exactly, under the rater's group.
    const sql = (q) => execFileSync('sqlite3', ['-json', env.db, q], { encoding: 'utf8' }).trim();
    const rows = JSON.parse(sql(`select a.item_id, a.score from answers a join responses r
      on r.id = a.response_id where r.group_id = '${KEYBOARD.group}' order by a.item_id`) || '[]');
    const got = Object.fromEntries(rows.map((r) => [r.item_id, r.score]));
    assert.deepEqual(got, want);
    assert.equal(Object.keys(want).length, 37, 'every item was answered');
    const opens = JSON.parse(sql(`select o.question_id, o.body from open_answers o join responses r
      on r.id = o.response_id where r.group_id = '${KEYBOARD.group}'`) || '[]');
    assert.deepEqual(Object.fromEntries(opens.map((r) => [r.question_id, r.body])), texts);
    const state = sql(`select state from invitations where name = '${KEYBOARD.rater}'`);
    assert.match(state, /submitted/);
  });
});

describe('reflow and focus', () => {
  /* The intro, every section and the review of the looker's link. */
  async function pagesOf(page) {
    const link = server.url + env.links[LOOKER.rater];
    await page.goto(link + '?p=0');
    const n = Number(await page.getAttribute('progress', 'max'));
    assert.ok(n >= 3, 'the progress bar tells the number of steps');
    return Array.from({ length: n }, (_, i) => `${link}?p=${i}`);
  }
  async function noHorizontalScroll(ctxOptions, label) {
    const ctx = await browser.newContext({ locale: 'nl-NL', ...ctxOptions });
    const page = await ctx.newPage();
    const wide = [];
    try {
      for (const url of await pagesOf(page)) {
        await page.goto(url);
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
        }));
        if (m.scroll > m.client) wide.push(`${label} ${url.replace(/.*\?/, '')}: scrollWidth ${m.scroll} > ${m.client}`);
      }
    } finally {
      await ctx.close();
    }
    assert.deepEqual(wide, []);
  }

  test('no horizontal scrolling at 320 px wide', LIMIT, async () => {
    await noHorizontalScroll({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true }, '320px');
  });

  // 200 % zoom of a 1280×900 desktop window: 640×450 CSS pixels at a device
  // scale factor of 2, which is what the browser lays out when zoomed.
  test('no horizontal scrolling at 200 % zoom (640×450 CSS px, deviceScaleFactor 2)', LIMIT, async () => {
    await noHorizontalScroll({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 }, '200%');
  });

  test('the focused radio button, text field, link and button show a focus indicator', LIMIT, async () => {
    const ctx = await browser.newContext({ ...VIEWPORTS.desktop, locale: 'nl-NL' });
    const page = await ctx.newPage();
    const seen = {};
    try {
      await page.goto(server.url + env.links[LOOKER.rater] + '?p=1');
      for (let i = 0; i < 80 && Object.keys(seen).length < 4; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const e = document.activeElement;
          const s = getComputedStyle(e);
          const kind = e.type === 'radio' ? 'radio' : e.tagName.toLowerCase();
          return {
            kind, outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow,
            visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
          };
        });
        if (['radio', 'textarea', 'a', 'button'].includes(f.kind) && !(f.kind in seen)) seen[f.kind] = f;
      }
    } finally {
      await ctx.close();
    }
    for (const kind of ['radio', 'textarea', 'a', 'button']) {
      assert.ok(seen[kind], `Tab reaches a ${kind}`);
      assert.ok(seen[kind].visible, `focused ${kind} has no outline or box-shadow: ${JSON.stringify(seen[kind])}`);
    }
  });
});

test('the server stops cleanly, without sanitizer reports', LIMIT, async () => {
  const code = await stopServer(server);
  const err = server.stderr();
  assert.doesNotMatch(err, /AddressSanitizer|LeakSanitizer|runtime error:/, err);
  assert.equal(code, 0, `server exit: ${code}\n${err}`);
});
