// The dashboard in a real browser: Debian's Chromium, driven by playwright-core, against
// a real `throughline serve` over a fresh demo database. Builds nothing: point
// THROUGHLINE_BIN at a built `throughline` binary.
//
//   THROUGHLINE_BIN=target/release/throughline node --test e2e/
//
// Screenshots go to artifacts/screenshots/ (gitignored) for a person to look at.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, waitForHealth, stopServer } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shots = resolve(here, '..', 'artifacts', 'screenshots');
const bin = process.env.THROUGHLINE_BIN && resolve(process.env.THROUGHLINE_BIN);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The number in a text like "1,234 items". */
function count(text) {
  const m = /([\d,]+)\s+items/.exec(text);
  assert.ok(m, `no item count in "${text}"`);
  return Number(m[1].replaceAll(',', ''));
}

/** The total an items list shows ("1,234 items; showing 1–50"). */
async function listTotal(page) {
  return Number((await page.locator('.lead strong').first().innerText()).replaceAll(',', ''));
}

/** The number a count link shows: the last one in its text (a chart's bar reads "12%  ·  34"). */
function shownNumber(text) {
  const all = text.match(/\d[\d,]*/g);
  assert.ok(all, `no number in the count link "${text}"`);
  return Number(all.at(-1).replaceAll(',', ''));
}

/** Opens every <details> of the page, so every count link in a table can be clicked. */
async function openDetails(page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
}

/**
 * Clicks every count link of the page at `url`, one after the other (back to the page
 * each time), and checks that each opens a list holding exactly the number clicked.
 * Returns how many were clicked.
 */
async function clickEveryCount(page, base, url) {
  await gotoFresh(page, url);
  await openDetails(page);
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('main a.count')].map((a) => ({
      href: a.getAttribute('href'),
      text: a.textContent,
    })),
  );
  assert.ok(links.length > 0, `no count links on ${url}`);
  for (const [i, { href, text }] of links.entries()) {
    const want = shownNumber(text);
    if (i > 0) {
      await gotoFresh(page, url);
      await openDetails(page);
    }
    const link = page.locator('main a.count').nth(i);
    assert.equal(await link.getAttribute('href'), href, `${url}: the page changed under the test`);
    const target = new URL(href, base);
    try {
      await Promise.all([
        page.waitForURL(
          (u) => u.pathname === target.pathname && decodeURIComponent(u.search) === decodeURIComponent(target.search),
          { timeout: 10_000 },
        ),
        link.click(),
      ]);
    } catch (e) {
      throw new Error(`${url}: clicking count link ${i} "${text.trim()}" (${href}) did not open it: now at ${page.url()}`, { cause: e });
    }
    const total = await listTotal(page);
    assert.equal(total, want, `${url}: "${text.trim()}" (${href}) opened a list of ${total}`);
    const rows = await page.locator('main tbody tr').count();
    assert.equal(rows, Math.min(want, 50), `${href}: the first page lists the items`);
  }
  return links.length;
}

/** Every visible form control has a label (or an aria-label). */
async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML),
  );
  assert.deepEqual(unlabelled, [], 'form controls without labels');
}

/** One `main`, one `h1`, a main navigation: the landmarks a screen reader jumps by. */
async function assertLandmarks(page) {
  assert.equal(await page.locator('main').count(), 1);
  assert.equal(await page.locator('h1').count(), 1);
  assert.equal(await page.locator('nav[aria-label="Main"]').count(), 1);
  assert.equal(await page.locator('html[lang]').count(), 1);
}

/**
 * Opens a report page and, while it says its figures are still being updated after a
 * change (the server answers from its previous view rather than make anyone wait),
 * reloads it, as a person would; gives up after 30 s.
 */
async function gotoFresh(page, url) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(url);
    const note = page.locator('.flash.updating');
    if ((await note.count()) === 0) return;
    assert.match(await note.innerText(), /as of \d\d:\d\d:\d\d UTC/, 'the note says how old the figures are');
    assert.ok(Date.now() < deadline, 'the figures were still being updated after 30 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('dashboard in a browser', () => {
  let dir;
  let server;
  let browser;
  let page;
  let base;
  const log = [];
  const timings = [];

  before(async () => {
    assert.ok(bin && existsSync(bin), 'set THROUGHLINE_BIN to a built throughline binary');
    assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath} (apt-get install chromium)`);
    mkdirSync(shots, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'throughline-e2e-'));
    const demo = spawnSync(bin, ['demo', '--quiet'], { cwd: dir, encoding: 'utf8' });
    assert.equal(demo.status, 0, `throughline demo failed:\n${demo.stderr}`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout.on('data', (d) => log.push(String(d)));
    server.stderr.on('data', (d) => log.push(String(d)));
    await waitForHealth(base, server, log);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // Only the server under test: anything else (there should be nothing) is refused.
    await page.route('**/*', (route) =>
      route.request().url().startsWith(base) ? route.continue() : route.abort(),
    );
    page.on('requestfinished', (req) => {
      if (req.resourceType() === 'document') {
        timings.push(`${Math.round(req.timing().responseEnd)} ms ${req.url().slice(base.length)}`);
      }
    });
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (timings.length) console.log(`page loads:\n  ${timings.join('\n  ')}`);
  });

  let overviewOffPlan;
  let goalUrl;
  let goalInferred;
  let itemUrl;

  it('shows the overview with charts and their text alternatives', async () => {
    await page.goto(`${base}/`);
    await assertLandmarks(page);
    await assertLabelled(page);
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /How the work lines up/ }).waitFor());
    const charts = page.locator('svg[role="img"]');
    assert.ok((await charts.count()) >= 3, 'overview charts');
    for (const svg of await charts.all()) {
      assert.ok((await svg.getAttribute('aria-label'))?.length > 10, 'every chart has a text alternative');
    }
    // Each goal's share week by week: one line per goal of the demo's five, and the
    // same weeks in its table as in the allocation table above it.
    const fig = (id) => page.locator('figure', { has: page.locator(`#${id}-cap`) });
    const goalTrend = fig('f-goal-trend');
    assert.equal(await goalTrend.locator('svg polyline').count(), 5, 'a line per goal');
    const weeks = await fig('f-trend').locator('tbody tr').count();
    assert.ok(weeks > 1, 'weeks in the allocation table');
    assert.equal(await goalTrend.locator('tbody tr').count(), weeks, 'a row per week');
    assert.equal(await goalTrend.locator('thead th').count(), 6, 'the week and five goals');
    overviewOffPlan = count(await page.locator('.kpi', { hasText: 'Off plan' }).locator('.muted').innerText());
    // The period's figures download as CSV, with the off-plan count the page shows.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: "the period's figures (CSV)" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^status.*\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('kind,id,label,parent,items,'), csv.slice(0, 80));
    assert.ok(csv.includes(`\noff_plan,,off plan,,${overviewOffPlan},`), 'the same off-plan count');
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
  });

  it('opens, from every count on the overview, a goal and off plan, a list of exactly that many items', async () => {
    const goal = await (async () => {
      await gotoFresh(page, `${base}/`);
      return page.locator('.goal-list a').first().getAttribute('href');
    })();
    const clicked = {};
    for (const url of [`${base}/`, `${base}${goal}`, `${base}/off-plan`]) {
      clicked[url.slice(base.length) || '/'] = await clickEveryCount(page, base, url);
    }
    console.log(`count links clicked on the demo: ${JSON.stringify(clicked)}`);
    assert.ok(clicked['/'] > 50, 'the overview links every count');
    // An empty parameter, as a form leaves it, is no filter; `all` is all time.
    const empty = await page.goto(`${base}/items?off_plan=&period=`);
    assert.equal(empty.status(), 200);
    const all = await page.goto(`${base}/?period=all`);
    assert.equal(all.status(), 200);
    assert.equal(await page.locator('#period option:checked').innerText(), 'All time');
    await page.goto(`${base}/`);
  });

  it('lets the reader choose what puts work in the period, says it, and keeps it in every drill-down', async () => {
    await gotoFresh(page, `${base}/`);
    const workItems = page.locator('.kpi', { hasText: 'Work items' });
    assert.match(await workItems.innerText(), /active in \d{4}-Q\d/);
    const active = shownNumber(await workItems.locator('a.count').innerText());
    await page.locator('#period_by').selectOption('created');
    await Promise.all([page.waitForURL(/period_by=created/), page.locator('form.period button').click()]);
    assert.equal(await page.locator('#period_by option:checked').getAttribute('value'), 'created');
    assert.match(await workItems.innerText(), /created in \d{4}-Q\d/);
    assert.doesNotMatch(await page.locator('main').innerText(), /active in \d{4}-Q\d/, 'one meaning on the page');
    const created = shownNumber(await workItems.locator('a.count').innerText());
    assert.ok(created < active, `created in the quarter (${created}) is less than active in it (${active})`);
    // The count opens a list of exactly that many, counted the same way.
    await Promise.all([page.waitForURL(/\/items\?.*period_by=created/), workItems.locator('a.count').click()]);
    assert.equal(await listTotal(page), created);
    assert.match(await page.locator('main').innerText(), /created in \d{4}-Q\d/);
    // A goal page reached from it keeps the choice, and so does every count on it.
    await page.goBack();
    const goal = await page.locator('.goal-list a').first().getAttribute('href');
    assert.match(goal, /period_by=created/);
    const clicked = {};
    for (const url of [`${base}${goal}`, `${base}/off-plan${new URL(page.url()).search}`]) {
      await gotoFresh(page, url);
      const hrefs = await page.evaluate(() => [...document.querySelectorAll('main a.count')].map((a) => a.getAttribute('href')));
      for (const h of hrefs.filter((h) => h.includes('period='))) assert.match(h, /period_by=created/, `${url}: ${h}`);
      clicked[url.slice(base.length)] = await clickEveryCount(page, base, url);
    }
    console.log(`count links clicked with period_by=created: ${JSON.stringify(clicked)}`);
    await page.goto(`${base}/`);
  });

  it('drills from a figure into the items behind it', async () => {
    await page.locator('.kpi', { hasText: 'Off plan' }).getByRole('link').click();
    await page.waitForURL(/\/items\?off_plan=any/);
    await assertLandmarks(page);
    const total = Number((await page.locator('.lead strong').innerText()).replaceAll(',', ''));
    assert.equal(total, overviewOffPlan, 'the list holds exactly the items the figure counts');
    assert.ok((await page.locator('tbody tr').count()) > 0, 'items are listed');
    await page.screenshot({ path: join(shots, 'items.png'), fullPage: true });
    await page.goBack();
  });

  it('opens a goal with its metrics, initiatives and linked work', async () => {
    await page.locator('.goal-list a').first().click();
    await page.waitForURL(/\/goals\//);
    goalUrl = page.url();
    await assertLandmarks(page);
    await page.getByRole('heading', { level: 2, name: 'Key results' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Initiatives' }).waitFor();
    goalInferred = count(await page.locator('#h-inferred .muted').innerText());
    assert.ok(goalInferred > 0, 'the demo goal has inferred work');
    await page.screenshot({ path: join(shots, 'goal.png'), fullPage: true });
  });

  it('opens an item and says why it is linked where it is', async () => {
    // The least certain inferred link: the one most worth a person's look.
    await page.locator('table[aria-labelledby="h-inferred"] tbody a').first().click();
    await page.waitForURL(/\/items\//);
    itemUrl = page.url().split('?')[0];
    await assertLandmarks(page);
    await assertLabelled(page);
    await page.getByRole('heading', { name: 'Where it is linked, and why' }).waitFor();
    assert.match(await page.locator('.facts').first().innerText(), /inferred/);
    await page.screenshot({ path: join(shots, 'item.png'), fullPage: true });
  });

  it('corrects the link, and the item, overview and goal reflect it', async () => {
    await page.getByLabel('Belongs to').selectOption('off_plan:exploration');
    await page.getByLabel('Why (optional)').fill('A research spike, not the goal itself');
    await page.getByRole('button', { name: 'Save link' }).click();
    await page.waitForURL(/saved=linked/);
    await page.getByRole('status').waitFor();
    assert.match(await page.locator('.linked-to').innerText(), /off plan: exploration/);
    assert.match(await page.locator('#link').locator('..').innerText(), /set by a person/);
    await page.screenshot({ path: join(shots, 'item-corrected.png'), fullPage: true });

    await gotoFresh(page, `${base}/`);
    const off = count(await page.locator('.kpi', { hasText: 'Off plan' }).locator('.muted').innerText());
    assert.equal(off, overviewOffPlan + 1, 'one more item off plan on the overview');
    await gotoFresh(page, goalUrl);
    const inferred = count(await page.locator('#h-inferred .muted').innerText());
    assert.equal(inferred, goalInferred - 1, 'one item fewer inferred for the goal');
  });

  it('adds a note that shows on the item page', async () => {
    await page.goto(itemUrl);
    await page.getByLabel('Kind of note').selectOption('trade_off');
    await page.getByLabel('Note', { exact: true }).fill('We paused this to learn the vendor API first.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/saved=note/);
    await page.locator('.notes', { hasText: 'We paused this to learn the vendor API first.' }).waitFor();
    assert.match(await page.locator('.notes').innerText(), /trade off/);
  });

  it('fills the note form by keyboard alone, with a visible focus', async () => {
    await page.goto(itemUrl);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    let id = '';
    for (let i = 0; i < 80 && id !== 'note-kind'; i++) {
      await page.keyboard.press('Tab');
      id = await page.evaluate(() => document.activeElement.id);
    }
    assert.equal(id, 'note-kind', 'the note form is reachable by Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('ArrowDown'); // why -> trade off
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'note-text');
    await page.keyboard.type('Typed without a mouse.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Payments');
    await page.screenshot({ path: join(shots, 'keyboard-focus.png') });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Add note');
    await page.keyboard.press('Enter');
    await page.waitForURL(/saved=note/);
    await page.locator('.notes', { hasText: 'Typed without a mouse.' }).waitFor();
    assert.match(await page.locator('.notes').innerText(), /Payments/);
  });

  it('shows the off-plan page with reasons, themes and examples', async () => {
    await page.goto(`${base}/off-plan`);
    await assertLandmarks(page);
    await page.getByRole('heading', { level: 2, name: 'Why' }).waitFor();
    assert.ok((await page.locator('.theme').count()) > 0, 'themes');
    // The bar chart spans the page here: its labels keep about their nominal size (13px)
    // instead of scaling up with the width, and the longest reason is not cut.
    const label = page.locator('svg.hbars text.lbl').first();
    const px = (await label.boundingBox()).height;
    assert.ok(px < 20, `bar labels render at ${px}px`);
    const labels = await page.locator('svg.hbars text.lbl').allTextContents();
    assert.ok(labels.every((l) => !l.endsWith('…') || l.length > 32), labels.join(' | '));
    await page.screenshot({ path: join(shots, 'off-plan.png'), fullPage: true });
  });

  it('opens the brief, printable, and answers a question', async () => {
    await page.goto(`${base}/brief?period=2026-Q3`);
    await assertLandmarks(page);
    assert.ok((await page.locator('.brief h2').count()) >= 3, 'brief sections');
    await page.screenshot({ path: join(shots, 'brief.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'print hides the navigation');
    await page.screenshot({ path: join(shots, 'brief-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await page.getByLabel('Ask a question about the work').fill('why is work off plan?');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ask\?q=/);
    await page.getByRole('heading', { name: 'Answer' }).waitFor();
    await page.screenshot({ path: join(shots, 'ask.png'), fullPage: true });
  });

  it('confirms the least sure answer from the review queue and comes back to it', async () => {
    await gotoFresh(page, `${base}/`);
    await page.getByRole('link', { name: "review the engine's least sure links" }).click();
    await page.waitForURL(/sort=confidence/);
    await assertLandmarks(page);
    await assertLabelled(page);
    // The queue downloads as a spreadsheet to review, least sure first as on the page.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download it as CSV' }).click(),
    ]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.ok(lines[0].endsWith(',decision,why'), lines[0]);
    const firstOnPage = await page.locator('#queue tbody tr th a').first().innerText();
    assert.equal(lines[1].split(',')[0], firstOnPage, 'the same order as the page');
    const row = page
      .locator('#queue tbody tr', { has: page.getByRole('button', { name: /^Confirm / }) })
      .first();
    const href = await row.locator('th a').getAttribute('href');
    const key = await row.locator('th a').innerText();
    await row.getByRole('button', { name: /^Confirm / }).click();
    await page.waitForURL(/confirmed=/);
    assert.match(page.url(), /sort=confidence/, 'back on the queue');
    // The page may also say its figures are being updated (another status): the
    // confirmation is the one naming the item.
    await page.getByRole('status').filter({ hasText: `Confirmed ${key}` }).waitFor();
    await page.screenshot({ path: join(shots, 'queue-confirmed.png'), fullPage: true });
    await page.goto(`${base}${href}`);
    await page.getByRole('heading', { name: 'Where it is linked, and why' }).waitFor();
    assert.match(await page.locator('#link').locator('..').innerText(), /set by a person/);
  });

  it('takes a reviewed spreadsheet back from the queue', async () => {
    await gotoFresh(page, `${base}/items?origin=inferred&sort=confidence`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download it as CSV' }).click(),
    ]);
    const lines = readFileSync(await download.path(), 'utf8').split('\n');
    // A reviewer's decision on one row, in the file as downloaded: each row ends with
    // the empty `decision` and `why` columns.
    const at = lines.findIndex((l, i) => i > 0 && /^[A-Z]+-\d+,/.test(l) && l.endsWith(',,'));
    assert.ok(at > 0, 'a one-line row to decide');
    const key = lines[at].split(',')[0];
    lines[at] = `${lines[at].slice(0, -2)},off_plan:tech_debt,a refactor found in review`;
    const reviewed = join(dir, 'reviewed.csv');
    writeFileSync(reviewed, lines.join('\n'));

    // A wrong target first: the page names the row, and the way back leads to the list.
    await page.getByText('Send a reviewed list back', { exact: true }).click();
    const wrong = join(dir, 'wrong.csv');
    writeFileSync(wrong, `key,decision\n${key},initiative:no-such-initiative\n`);
    await page.getByLabel('Reviewed file (CSV, JSON or JSON Lines)').setInputFiles(wrong);
    await page.getByRole('button', { name: 'Store the decisions' }).click();
    await page.getByRole('heading', { level: 1, name: 'The reviewed list was not stored' }).waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(`wrong\\.csv line 2 \\(${key}\\)`));
    await page.getByRole('link', { name: 'Back to the list' }).click();
    await page.waitForURL(/sort=confidence/);

    await page.getByText('Send a reviewed list back', { exact: true }).click();
    await page.getByLabel('Reviewed file (CSV, JSON or JSON Lines)').setInputFiles(reviewed);
    await page.getByLabel(/^Your team/).fill('Payments');
    await page.getByRole('button', { name: 'Store the decisions' }).click();
    await page.waitForURL(/reviewed=0\.1\./);
    await page.getByRole('status').filter({ hasText: '0 confirmed, 1 linked where you said' }).waitFor();
    await page.screenshot({ path: join(shots, 'queue-reviewed.png'), fullPage: true });
    const item = await (await fetch(`${base}/api/items?text=${key}`)).json();
    const source = item.items.find((i) => i.key === key).source;
    await page.goto(`${base}/items/${source}/${encodeURIComponent(key)}`);
    const linked = await page.locator('#link').locator('..').innerText();
    assert.match(linked, /set by a person/);
    assert.match(linked, /a refactor found in review/);
  });

  it('answers unknown pages and bad periods calmly', async () => {
    const r404 = await page.goto(`${base}/goals/no-such-goal`);
    assert.equal(r404.status(), 404);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    const r400 = await page.goto(`${base}/brief?period=someday`);
    assert.equal(r400.status(), 400);
    assert.match(await page.locator('main').innerText(), /is not a period/);
  });
});

// The same drill-down bar on real data: the Appcelerator Jira in ../shared/data (ALOY,
// DAEMON, MOD, TIMOB), imported, with a drafted strategy applied unchanged, as a new
// user would. Skipped, saying so, when the data is not there.
const appcelerator = resolve(here, '..', '..', 'shared', 'data', 'appcelerator');
const projects = ['ALOY', 'DAEMON', 'MOD', 'TIMOB'].map((p) => join(appcelerator, `${p}.json`));
const noRealData = !projects.every((f) => existsSync(f)) && `no Appcelerator export at ${appcelerator}`;

describe('dashboard on the real Appcelerator Jira', { skip: noRealData }, () => {
  let dir;
  let server;
  let browser;
  let page;
  let base;
  const log = [];

  before(async () => {
    assert.ok(bin && existsSync(bin), 'set THROUGHLINE_BIN to a built throughline binary');
    mkdirSync(shots, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'throughline-e2e-real-'));
    const run = (args) => {
      const r = spawnSync(bin, ['--quiet', '--db', join(dir, 'real.db'), ...args], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, `throughline ${args.join(' ')} failed:\n${r.stderr}`);
      return r.stdout;
    };
    for (const f of projects) run(['import', 'jira', f, '--no-align']);
    run(['strategy', 'draft', '--out', join(dir, 's.toml')]);
    run(['strategy', 'apply', join(dir, 's.toml')]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(bin, ['--db', join(dir, 'real.db'), 'serve', '--addr', `127.0.0.1:${port}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout.on('data', (d) => log.push(String(d)));
    server.stderr.on('data', (d) => log.push(String(d)));
    await waitForHealth(base, server, log);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.route('**/*', (route) =>
      route.request().url().startsWith(base) ? route.continue() : route.abort(),
    );
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens, from every count on the overview, a goal and off plan, a list of exactly that many items', async () => {
    await gotoFresh(page, `${base}/`);
    // Every file of the import is named, not only the last one.
    const sources = await page.locator('.data-as-of').innerText();
    for (const p of ['ALOY', 'DAEMON', 'MOD', 'TIMOB']) assert.match(sources, new RegExp(`${p}\\.json`));
    const goal = await page.locator('.goal-list a').first().getAttribute('href');
    const clicked = {};
    // The quarter the overview opens on, and 2017-Q4, when the data was busy (the
    // issue's figures: 1,451 items active in it).
    for (const url of [
      `${base}/`,
      `${base}${goal}`,
      `${base}/off-plan`,
      `${base}/?period=2017-Q4`,
      `${base}/off-plan?period=2017-Q4`,
    ]) {
      clicked[url.slice(base.length) || '/'] = await clickEveryCount(page, base, url);
    }
    console.log(`count links clicked on Appcelerator: ${JSON.stringify(clicked)}`);
    assert.ok(clicked['/?period=2017-Q4'] > 50, 'a busy quarter has a count link per week and class');
    await gotoFresh(page, `${base}/?period=2017-Q4`);
    await page.screenshot({ path: join(shots, 'real-overview.png'), fullPage: true });
  });
});
