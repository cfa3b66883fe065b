// SPDX-License-Identifier: Apache-2.0
// Every screen the web registry knows, at tablet size (768×1024), for the users who use it:
// the page never scrolls sideways, the header menu shows all its items without a hidden scroll,
// and nothing on the screen (cells, buttons, fields) reaches past the right edge, clipped inside
// a scrolling table. The list of screens is checked against the routes registered in
// web/src/features/*/routes.ts, so a new screen fails here until it is added.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, repoRoot } from './server.mjs';

// Set TSUNAGU_E2E_SCREENSHOTS=<dir> to keep a picture of every screen for a human to look at.
const SHOTS = process.env.TSUNAGU_E2E_SCREENSHOTS;

/** The route patterns registered by the features (registerRoute({ path: '…' })). */
function registeredRoutes() {
  const dir = path.join(repoRoot, 'web', 'src', 'features');
  const found = [];
  for (const feature of readdirSync(dir)) {
    let source;
    try {
      source = readFileSync(path.join(dir, feature, 'routes.ts'), 'utf8');
    } catch {
      continue;
    }
    for (const match of source.matchAll(/registerRoute\(\{\s*path:\s*'([^']+)'/g)) found.push(match[1]);
  }
  return found;
}

/** Reads a JSON API answer with the page's session. */
function apiGet(page, url) {
  return page.evaluate(async (u) => {
    const response = await fetch(u, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`${u}: ${response.status}`);
    return response.json();
  }, url);
}

async function patientId(page, query) {
  const answer = await apiGet(page, query ? `/api/patients?q=${encodeURIComponent(query)}` : '/api/patients');
  assert.ok(answer.items.length > 0, `patient ${query} found`);
  return answer.items[0].id;
}

async function inboxReferralId(page) {
  const answer = await apiGet(page, '/api/referrals?box=inbox');
  assert.ok(answer.items.length > 0, 'the inbox has a referral');
  return answer.items[0].id;
}

async function orgId(page, name) {
  const answer = await apiGet(page, '/api/directory/search?limit=100');
  const org = answer.items.find((item) => item.name === name);
  assert.ok(org, `organisation ${name} in the directory`);
  return org.id;
}

const PATIENT_TABS = ['consents', 'team', 'record', 'referrals', 'bookings', 'images', 'homecare', 'access', 'oncall', 'conferences', 'sharing'];

// route pattern → the visits that show it: who logs in and the hashes to open (a function may
// look ids up with the user's session).
const SCREENS = {
  'account/*': [{ user: 'gh.sato', hashes: ['#/account'] }],
  'admin/orgs/*': [
    { user: 'jimukyoku', hashes: ['#/admin/orgs'] },
    { user: 'gh.admin', hashes: ['#/admin/orgs'] },
  ],
  'admin/users/*': [
    { user: 'jimukyoku', hashes: ['#/admin/users'] },
    { user: 'gh.admin', hashes: ['#/admin/users'] },
  ],
  'admin/tokens/*': [{ user: 'gh.admin', hashes: ['#/admin/tokens'] }],
  'admin/duplicates': [
    {
      user: 'jimukyoku',
      // a registration anew of 山田 花子 elsewhere, so a pair is listed (at the rehabilitation
      // hospital: uh.admin's visit needs her out of sight of the university hospital)
      hashes: async (page, server) => {
        const rehab = await apiSession(server.baseUrl, 'rehab.kimura');
        const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
        await rehab.post('/api/patients', {
          name: '山田 花子', name_kana: 'ヤマダ ハナコ', sex: 'female', birth_date: '1941-04-12',
          local_id: 'RH-SCREENS-1', new_patient_reason: '本人確認ができず別に登録',
          consent: { method: 'written', consented_on: today, scope: 'all' },
        });
        return ['#/admin/duplicates'];
      },
    },
  ],
  'admin/audit/*': [{ user: 'gh.admin', hashes: ['#/admin/audit'] }],
  'admin/emergency/*': [
    {
      user: 'uh.admin',
      // an emergency access of the admin's organisation to review, so the comment box shows
      hashes: async (page, server) => {
        const fujita = await apiSession(server.baseUrl, 'uh.fujita');
        const found = await fujita.post('/api/emergency/search', { name: '山田 花子', birth_date: '1941-04-12' });
        const patient = found.items.find((item) => item.name === '山田 花子');
        const grant = await fujita.post(`/api/patients/${patient.id}/emergency`, { reason: '救急搬送、意識障害のため既往歴の確認' });
        await fujita.post(`/api/emergency/${grant.id}/end`, {});
        return ['#/admin/emergency'];
      },
    },
  ],
  'equipment/*': [{ user: 'gh.sato', hashes: ['#/equipment'] }],
  // 救急受入 and 救急画像送信 (issue 15): the demo's transfer reaches みなみ総合病院
  transfers: [{ user: 'gh.sato', hashes: ['#/transfers', '#/transfers?box=outgoing'] }],
  'transfers/new/*': [
    { user: 'gh.sato', hashes: async (page) => [`#/transfers/new?patient=${await patientId(page, 'やまだ はなこ')}`] },
  ],
  'imaging/unmatched': [{ user: 'gh.sato', hashes: ['#/imaging/unmatched'] }],
  'imaging/view/:study': [
    {
      // the image viewer on the demo CT, for a clinic physician on the patient's care team
      user: 'aoba.mori',
      hashes: async (page) => {
        const studies = await apiGet(page, `/api/patients/${await patientId(page, '鈴木 正雄')}/studies`);
        return [`#/imaging/view/${studies.items[0].study_uid}`];
      },
    },
  ],
  directory: [
    { user: 'gh.sato', hashes: ['#/directory'] },
    { user: 'cm.watanabe', hashes: ['#/directory'] },
  ],
  'directory/orgs/:id/*': [
    { user: 'gh.admin', hashes: async (page) => [`#/directory/orgs/${await orgId(page, 'みなみ総合病院')}`] },
    { user: 'cm.watanabe', hashes: async (page) => [`#/directory/orgs/${await orgId(page, 'みなみ総合病院')}`] },
  ],
  'board/*': [{ user: 'gh.sato', hashes: ['#/board'] }],
  'emergency/*': [{ user: 'uh.fujita', hashes: ['#/emergency'] }],
  'notifications/*': [{ user: 'gh.sato', hashes: ['#/notifications'] }],
  patients: [
    { user: 'gh.sato', hashes: ['#/patients?q=やまだ'] },
    { user: 'cm.watanabe', hashes: ['#/patients'] },
  ],
  'patients/:id/*': [
    {
      user: 'gh.sato',
      hashes: async (page) => {
        const id = await patientId(page, 'やまだ はなこ');
        return PATIENT_TABS.map((tab) => `#/patients/${id}/${tab}`);
      },
    },
    {
      user: 'cm.watanabe',
      hashes: async (page) => {
        const id = await patientId(page, '');
        return ['consents', 'team', 'record'].map((tab) => `#/patients/${id}/${tab}`);
      },
    },
  ],
  referrals: [{ user: 'gh.renkei', hashes: ['#/referrals?box=inbox', '#/referrals?box=sent'] }],
  'referrals/new/*': [
    { user: 'gh.sato', hashes: async (page) => [`#/referrals/new?patient=${await patientId(page, 'やまだ はなこ')}`] },
  ],
  'referrals/:id/*': [{ user: 'gh.renkei', hashes: async (page) => [`#/referrals/${await inboxReferralId(page)}`] }],
  'stats/*': [{ user: 'gh.admin', hashes: ['#/stats'] }, { user: 'vns.suzuki', hashes: ['#/stats/homecare'] }],
  // home care (issue 16): the staff member's day list, the visit figures beside the referral figures
  'homecare/my-day': [{ user: 'vns.suzuki', hashes: ['#/homecare/my-day'] }],
  // on-call and backup (issue 17): the roster, the partnerships and declarations, the office's view
  oncall: [{ user: 'aoba.tanaka', hashes: ['#/oncall'] }, { user: 'vns.suzuki', hashes: ['#/oncall'] }],
  'oncall/backup': [{ user: 'aoba.tanaka', hashes: ['#/oncall/backup'] }],
  'oncall/disaster': [{ user: 'jimukyoku', hashes: ['#/oncall/disaster'] }],
  'sharing/rules': [{ user: 'jimukyoku', hashes: ['#/sharing/rules'] }],
  // case conferences (issue 17): the list and the demo's サービス担当者会議 with minutes and action items
  conferences: [{ user: 'cm.yamazaki', hashes: ['#/conferences'] }],
  'conferences/:id': [
    {
      user: 'cm.yamazaki',
      hashes: async (page) => {
        const answer = await apiGet(page, '/api/conferences?from=2000-01-01');
        const demo = answer.items.find((c) => c.has_patient);
        assert.ok(demo, 'the demo conference about a patient');
        return [`#/conferences/${demo.id}`];
      },
    },
  ],
};

/**
 * Opens a screen by its hash and waits until it has drawn (a title and nothing loading). The
 * app's hashchange listener was added first, so it has started the screen when ours runs.
 */
async function openScreen(page, hash) {
  await page.evaluate(
    (h) =>
      new Promise((resolve) => {
        if (decodeURIComponent(window.location.hash) === h) return resolve();
        window.addEventListener('hashchange', () => resolve(), { once: true });
        window.location.hash = h;
      }),
    hash,
  );
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return (
      window.__e2eFetches === 0 &&
      main?.querySelector('h1, h2, .notfound') &&
      !main.querySelector('[data-testid="loading"]')
    );
  });
}

/** Counts the page's API requests in flight, so a screen counts as drawn once they are done. */
async function countFetches(page) {
  await page.addInitScript(() => {
    window.__e2eFetches = 0;
    const original = window.fetch.bind(window);
    window.fetch = async (...args) => {
      window.__e2eFetches += 1;
      try {
        return await original(...args);
      } finally {
        // After the caller's continuation has run, so a follow-up request is counted first.
        setTimeout(() => {
          window.__e2eFetches -= 1;
        }, 0);
      }
    };
  });
}

/** What sticks out at the current size: page width, hidden menu items, controls past the edge. */
function overflowAt(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const problems = [];
    const doc = document.documentElement.scrollWidth;
    if (doc > width) problems.push(`the page is ${doc} px wide`);
    for (const nav of document.querySelectorAll('header nav, .nav')) {
      if (nav.scrollWidth > nav.clientWidth + 1) problems.push(`the menu scrolls (${nav.scrollWidth} > ${nav.clientWidth})`);
    }
    const selector = 'main th, main td, main button, main a, main input, main select, main textarea';
    for (const el of document.querySelectorAll(selector)) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > width + 0.5) {
        const what = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}`;
        problems.push(`${what} "${(el.textContent ?? '').trim().slice(0, 20)}" ends at ${Math.round(box.right)} px`);
      }
    }
    return problems;
  });
}

/**
 * The first row's cells of the named columns in the table `testid`, and whether each is fully
 * on screen (drawn, not past the right edge).
 */
function keyColumns(page, testid, labels) {
  return page.evaluate(
    ({ testid: id, labels: wanted }) => {
      const tableEl = document.querySelector(`table[data-testid="${id}"]`);
      if (!tableEl) return { missing: `table ${id}` };
      const headers = Array.from(tableEl.querySelectorAll('thead th')).map((th) => th.textContent.trim());
      const row = tableEl.querySelector('tbody tr');
      const out = {};
      for (const label of wanted) {
        const index = headers.indexOf(label);
        const cell = index >= 0 && row ? row.cells[index] : null;
        const box = cell?.getBoundingClientRect();
        out[label] = Boolean(box && box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= window.innerWidth + 0.5);
      }
      return out;
    },
    { testid, labels },
  );
}

async function assertKeyColumns(page, testid, labels) {
  const shown = await keyColumns(page, testid, labels);
  assert.deepEqual(shown, Object.fromEntries(labels.map((label) => [label, true])), `key columns of ${testid}`);
}

function shotName(user, hash) {
  return `${user}-${hash.replace(/^#\//, '').replace(/[^a-z0-9]+/gi, '_').slice(0, 60)}.png`;
}

describe('every screen at tablet size', { timeout: 600_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the list of screens covers every registered route', () => {
    const routes = registeredRoutes();
    assert.ok(routes.length >= 15, `found ${routes.length} routes`);
    const missing = routes.filter((route) => !(route in SCREENS));
    assert.deepEqual(missing, [], 'routes without a visit in SCREENS');
    const stale = Object.keys(SCREENS).filter((route) => !routes.includes(route));
    assert.deepEqual(stale, [], 'visits of routes that are no longer registered');
  });

  test('the inbox, the board and the lab table keep their key columns in view', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await countFetches(page);
    await loginAs(page, 'gh.renkei');
    await openScreen(page, '#/referrals?box=inbox');
    await assertKeyColumns(page, 'ref-table', ['送信日時', '予約日時', '状態']);
    await openScreen(page, '#/board');
    const boardHeaders = await page.locator('table[data-testid="board"] thead th').allTextContents();
    await assertKeyColumns(page, 'board', ['救急受入', boardHeaders[boardHeaders.length - 1]]);
    await page.context().close();

    const doctor = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await countFetches(doctor);
    await loginAs(doctor, 'gh.sato');
    await openScreen(doctor, `#/patients/${await patientId(doctor, 'やまだ はなこ')}/record`);
    await doctor.getByTestId('lab-table').waitFor();
    await assertKeyColumns(doctor, 'lab-table', ['記録元']);
    assertNoProblems(doctor);
    await doctor.context().close();
  });

  const byUser = new Map();
  for (const [route, visits] of Object.entries(SCREENS)) {
    for (const visit of visits) {
      if (!byUser.has(visit.user)) byUser.set(visit.user, []);
      byUser.get(visit.user).push({ route, hashes: visit.hashes });
    }
  }
  for (const [user, visits] of byUser) {
    test(`${user}: every screen fits 768 px`, async () => {
      const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
      await countFetches(page);
      await loginAs(page, user);
      const failures = [];
      for (const visit of visits) {
        const hashes = typeof visit.hashes === 'function' ? await visit.hashes(page, server) : visit.hashes;
        for (const hash of hashes) {
          try {
            await openScreen(page, hash);
          } catch (error) {
            failures.push(`${hash}: did not finish drawing (${error.message.split('\n')[0]})`);
            continue;
          }
          if (await page.locator('main .notfound').count()) failures.push(`${hash}: not found for ${user}`);
          const problems = await overflowAt(page);
          for (const problem of problems.slice(0, 4)) failures.push(`${hash}: ${problem}`);
          if (problems.length > 4) failures.push(`${hash}: and ${problems.length - 4} more`);
          if (SHOTS) {
            mkdirSync(SHOTS, { recursive: true });
            await page.screenshot({ path: path.join(SHOTS, shotName(user, hash)), fullPage: true });
          }
        }
      }
      assert.deepEqual(failures, [], `${user} at 768×1024`);
      assertNoProblems(page);
      await page.context().close();
    });
  }
});
