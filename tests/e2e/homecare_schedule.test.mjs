// SPDX-License-Identifier: Apache-2.0
// The shared visit schedule in the browser (issue 16): the care manager's week view of a demo
// home-care patient shows the visits of three organisations, the overlap flagged on both
// overlapping visits in words; a change by another organisation appears in the open week without
// a reload (event stream); one's own visit changed (a refusal shown by its field) and cancelled
// through the forms; the nurse's day list with addresses and a private iCalendar link; all at
// 768 × 1024 without sideways scrolling. Each test makes its own visits in a week of its own far
// enough ahead that the demo's plans (up to 13 days after today) are not in it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, TABLET, withServerAndBrowser } from './browser.mjs';
import { apiSession } from './server.mjs';
import { tokyoDate } from './dates.mjs';

const PATIENT = '佐藤 一郎';

/** The Monday of the Tokyo week `days` from today, and a day of that week (0 Monday … 6 Sunday). */
function weekAhead(days) {
  const date = tokyoDate(days);
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = tokyoDate(days - weekday);
  const day = (n) => new Date(Date.parse(`${monday}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  return { monday, day };
}

async function patientId(api) {
  const found = await api.get(`/api/patients?q=${encodeURIComponent(PATIENT)}`);
  const patient = found.items.find((p) => p.name === PATIENT);
  assert.ok(patient, JSON.stringify(found));
  return patient.id;
}

async function visit(api, id, kind, date, start, end) {
  return api.post(`/api/patients/${id}/homecare/visits`, { kind, date, start, end, staff_user_id: api.me.user.id });
}

/** The visit of a day whose own time (not a flag's text) is `time`. */
function visitAt(page, date, time) {
  return page
    .locator(`[data-testid="schedule-day"][data-date="${date}"] [data-testid="schedule-visit"]`)
    .filter({ has: page.locator('time', { hasText: time }) });
}

async function assertNoSidewaysScroll(page) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `no sideways scrolling (${scroll} > ${client})`);
}

/** Opens the patient's 在宅 tab → 訪問予定 at the week of monday and waits for that week. */
async function openWeek(page, id, monday) {
  await page.goto(`/#/patients/${id}/homecare/schedule/${monday}`);
  await page.locator(`[data-testid="schedule-week"][data-week-start="${monday}"]`).waitFor();
}

describe('home-care schedule in the browser', { timeout: 240_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test("the care manager's week shows three organisations' visits, the overlap flagged on both", async () => {
    const clinic = await apiSession(server.baseUrl, 'aoba.tanaka');
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const pharmacist = await apiSession(server.baseUrl, 'ph.yoshida');
    const id = await patientId(clinic);
    const { monday, day } = weekAhead(35);
    const medical = await visit(clinic, id, 'home_medical', day(1), '10:00', '10:30');
    const nursing = await visit(nurse, id, 'home_nursing', day(1), '10:15', '11:00');
    const pharmacy = await visit(pharmacist, id, 'home_pharmacy', day(2), '14:00', '14:30');

    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'cm.yamazaki');
    await openWeek(page, id, monday);
    assert.equal(await page.getByTestId('homecare-section-schedule').getAttribute('aria-selected'), 'true');
    const block = (v) => page.locator(`[data-testid="schedule-visit"][data-visit-id="${v.id}"]`);

    // the three organisations' visits, each on its day with time, kind, organisation and staff
    const tuesday = page.locator(`[data-testid="schedule-day"][data-date="${day(1)}"]`);
    const wednesday = page.locator(`[data-testid="schedule-day"][data-date="${day(2)}"]`);
    assert.equal(await tuesday.locator(`[data-visit-id="${medical.id}"]`).count(), 1);
    assert.equal(await tuesday.locator(`[data-visit-id="${nursing.id}"]`).count(), 1);
    assert.equal(await wednesday.locator(`[data-visit-id="${pharmacy.id}"]`).count(), 1);
    const medicalText = await block(medical).textContent();
    assert.match(medicalText, /10:00–10:30/);
    assert.match(medicalText, /訪問診療/);
    assert.match(medicalText, /あおば在宅クリニック/);
    assert.match(medicalText, new RegExp(clinic.me.user.name));
    assert.match(await block(nursing).textContent(), /訪問看護.*みなみ訪問看護ステーション/s);
    assert.match(await block(pharmacy).textContent(), /14:00–14:30.*訪問薬剤管理指導.*ひかり薬局/s);
    const legend = await page.getByTestId('schedule-legend').textContent();
    for (const name of ['あおば在宅クリニック', 'みなみ訪問看護ステーション', 'ひかり薬局']) assert.ok(legend.includes(name), legend);
    // three organisations, three colours
    const colours = new Set();
    for (const v of [medical, nursing, pharmacy]) colours.add((await block(v).getAttribute('class')).match(/org-c\d/)[0]);
    assert.equal(colours.size, 3);

    // the overlap, in words, on both visits, each naming the other
    const overlapOf = (v) => block(v).getByTestId('schedule-flag-overlap');
    assert.equal(await overlapOf(medical).getAttribute('data-with'), nursing.id);
    assert.equal(await overlapOf(nursing).getAttribute('data-with'), medical.id);
    assert.match(await overlapOf(medical).textContent(), /^重複: 10:15–11:00 訪問看護（みなみ訪問看護ステーション）/);
    assert.match(await overlapOf(nursing).textContent(), /^重複: 10:00–10:30 訪問診療（あおば在宅クリニック）/);
    assert.equal(await overlapOf(pharmacy).count(), 0);

    // the care manager's organisation makes no visits: no forms, and nothing to change
    assert.equal(await page.getByTestId('schedule-add-visit').count(), 0);
    assert.equal(await page.getByTestId('schedule-visit-change').count(), 0);
    await assertNoSidewaysScroll(page);

    // a private link to the patient's schedule: shown once, listed, revoked
    await page.getByTestId('ical-open').click();
    await page.getByTestId('ical-create').click();
    const url = await page.getByTestId('ical-url').inputValue();
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    const calendar = await feed.text();
    assert.ok(calendar.includes(`UID:${pharmacy.id}@tsunagu`));
    assert.ok(!calendar.includes(PATIENT), 'the patient feed names no patient');
    await page.getByTestId('ical-link').getByTestId('ical-revoke').click();
    await page.getByTestId('ical-links-empty').waitFor();
    assert.equal((await fetch(url)).status, 404);

    // next and previous week
    await page.getByTestId('schedule-next').click();
    await page.locator(`[data-testid="schedule-week"][data-week-start="${day(7)}"]`).waitFor();
    assert.ok(page.url().endsWith(`/homecare/schedule/${day(7)}`), page.url());
    await page.getByTestId('schedule-prev').click();
    await page.locator(`[data-testid="schedule-week"][data-week-start="${monday}"]`).waitFor();
    await page.getByTestId('schedule-this-week').click();
    await page.locator('[data-testid="schedule-day"][data-today="true"]').waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test("another organisation's change appears in the open week without reload", async () => {
    const clinic = await apiSession(server.baseUrl, 'aoba.tanaka');
    const id = await patientId(clinic);
    const { monday, day } = weekAhead(42);
    const medical = await visit(clinic, id, 'home_medical', day(3), '09:00', '09:30');

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'cm.yamazaki');
    await openWeek(page, id, monday);
    await page.locator('[data-testid="schedule-live"][data-state="open"]').waitFor();
    await page.evaluate(() => {
      window.notReloaded = true;
    });
    const block = page.locator(`[data-testid="schedule-visit"][data-visit-id="${medical.id}"]`);
    assert.match(await block.textContent(), /09:00–09:30/);

    await clinic.patch(`/api/patients/${id}/homecare/visits/${medical.id}`, { start: '13:00', end: '13:45', reason: '外来の都合' });
    await block.filter({ hasText: '13:00–13:45' }).waitFor();
    const added = await visit(clinic, id, 'house_call', day(4), '16:00', '16:30');
    await page.locator(`[data-testid="schedule-day"][data-date="${day(4)}"] [data-visit-id="${added.id}"]`).waitFor();
    await clinic.post(`/api/patients/${id}/homecare/visits/${added.id}/cancel`, { reason: '状態安定のため' });
    await page.locator(`[data-visit-id="${added.id}"][data-status="cancelled"]`).filter({ hasText: '状態安定のため' }).waitFor();
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    assertNoProblems(page);
    await page.context().close();
  });

  test('the nurse adds, changes and cancels her own visits through the forms', async () => {
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const clinic = await apiSession(server.baseUrl, 'aoba.tanaka');
    const id = await patientId(nurse);
    const { monday, day } = weekAhead(49);
    const medical = await visit(clinic, id, 'home_medical', day(0), '10:00', '10:30');

    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'vns.suzuki');
    await openWeek(page, id, monday);
    // another organisation's visit offers no change to her
    assert.equal(await page.locator(`[data-visit-id="${medical.id}"] [data-testid="schedule-visit-change"]`).count(), 0);

    // a one-off visit: the end before the start is refused by the end field, then saved
    await page.getByTestId('schedule-add-visit').click();
    const form = page.getByTestId('visit-form');
    assert.equal(await form.getByTestId('visit-kind').inputValue(), 'home_nursing');
    await form.getByTestId('visit-date').fill(day(2));
    await form.getByTestId('visit-start').fill('15:00');
    await form.getByTestId('visit-end').fill('14:00');
    await form.getByTestId('visit-submit').click();
    const fieldError = form.locator('[data-testid="visit-end"] + [data-testid="field-error"]');
    await fieldError.waitFor();
    assert.equal(await fieldError.textContent(), '訪問の終了時刻が開始時刻より前です。');
    await form.getByTestId('visit-end').fill('15:45');
    await form.getByTestId('visit-submit').click();
    await page.getByTestId('visit-dialog').waitFor({ state: 'detached' });
    const mine = visitAt(page, day(2), '15:00–15:45');
    await mine.waitFor();
    assert.match(await mine.textContent(), /訪問看護.*みなみ訪問看護ステーション/s);

    // change it to overlap the clinic's visit on Monday: both get the flag
    await mine.getByTestId('schedule-visit-change').click();
    const change = page.getByTestId('change-form');
    await change.getByTestId('change-date').fill(day(0));
    await change.getByTestId('change-start').fill('10:20');
    await change.getByTestId('change-end').fill('11:00');
    await change.getByTestId('change-reason').fill('ご家族の希望により');
    await change.getByTestId('change-submit').click();
    await page.getByTestId('change-dialog').waitFor({ state: 'detached' });
    const moved = visitAt(page, day(0), '10:20–11:00');
    await moved.getByTestId('schedule-flag-overlap').waitFor();
    await page.locator(`[data-visit-id="${medical.id}"] [data-testid="schedule-flag-overlap"]`).waitFor();

    // cancel it with a reason: it stays, marked 中止, and the overlap is gone
    await moved.getByTestId('schedule-visit-cancel').click();
    await page.getByTestId('cancel-reason').fill('重複のため');
    await page.getByTestId('cancel-submit').click();
    await page.getByTestId('cancel-dialog').waitFor({ state: 'detached' });
    await page.locator(`[data-testid="schedule-visit"][data-status="cancelled"]`).filter({ hasText: '重複のため' }).waitFor();
    await page.locator(`[data-visit-id="${medical.id}"]:not([data-flags~="overlap"])`).waitFor();
    await assertNoSidewaysScroll(page);
    assertNoProblems(page);
    await page.context().close();
  });

  test('a weekly plan through the form; the gap and the stay in hospital said in words', async () => {
    const clinic = await apiSession(server.baseUrl, 'aoba.tanaka');
    const hospital = await apiSession(server.baseUrl, 'gh.sato');
    const id = await patientId(clinic);
    const { monday, day } = weekAhead(63);
    // an admission from Tuesday to Thursday of the second week, and the clinic's visit in it
    const encounter = await hospital.post('/fhir/Encounter', {
      resourceType: 'Encounter',
      status: 'planned',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
      subject: { reference: `Patient/${id}` },
      period: { start: `${day(8)}T09:00:00+09:00`, end: `${day(10)}T12:00:00+09:00` },
    });
    const inHospital = await visit(clinic, id, 'home_medical', day(9), '13:00', '13:30');

    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'vns.suzuki');
    await openWeek(page, id, monday);
    await page.getByTestId('schedule-add-plan').click();
    const form = page.getByTestId('plan-form');
    assert.equal(await form.getByTestId('plan-kind').inputValue(), 'home_nursing');
    await form.getByTestId('plan-weekday-mon').check();
    await form.getByTestId('plan-start').fill('10:00');
    await form.getByTestId('plan-end').fill('10:30');
    await form.getByTestId('plan-first-date').fill(monday);
    await form.getByTestId('plan-end-date').fill(day(27));
    await form.getByTestId('plan-exceptions').fill(day(21));
    await form.getByTestId('plan-gap-days').fill('7');
    await form.getByTestId('plan-submit').click();
    await page.getByTestId('plan-dialog').waitFor({ state: 'detached' });
    await visitAt(page, monday, '10:00–10:30').waitFor();
    assert.equal(await page.getByTestId('schedule-gap').count(), 0, 'weekly: no gap');

    // the second Monday cancelled: 13 days without home nursing, more than the plan's 7
    await page.getByTestId('schedule-next').click();
    await page.locator(`[data-testid="schedule-week"][data-week-start="${day(7)}"]`).waitFor();
    await visitAt(page, day(7), '10:00–10:30').getByTestId('schedule-visit-cancel').click();
    await page.getByTestId('cancel-reason').fill('ステーションの研修日');
    await page.getByTestId('cancel-submit').click();
    const gap = page.getByTestId('schedule-gap');
    await gap.waitFor();
    assert.match(await gap.textContent(), /^訪問看護の間隔が 7 日を超えています/);
    assert.match(await gap.textContent(), /13日間/);

    // the clinic's visit during the admission, said in words
    const flagged = page.locator(`[data-visit-id="${inHospital.id}"] [data-testid="schedule-flag-hospital"]`);
    assert.match(await flagged.textContent(), /^入院中の予定/);
    assert.ok(encounter.id);
    await assertNoSidewaysScroll(page);

    // the plan ended through the form on a visit of the third week: that visit is cancelled
    await page.getByTestId('schedule-next').click();
    await page.locator(`[data-testid="schedule-week"][data-week-start="${day(14)}"]`).waitFor();
    await visitAt(page, day(14), '10:00–10:30').getByTestId('schedule-plan-change').click();
    const planChange = page.getByTestId('plan-change-form');
    await planChange.getByTestId('plan-change-end-date').fill(day(13));
    await planChange.getByTestId('plan-change-submit').click();
    // no reason: refused by the reason field
    await planChange.locator('[data-testid="plan-change-reason"] + [data-testid="field-error"]').waitFor();
    await planChange.getByTestId('plan-change-reason').fill('入院のため訪問看護を終了');
    await planChange.getByTestId('plan-change-submit').click();
    await page.getByTestId('plan-change-dialog').waitFor({ state: 'detached' });
    await page.locator(`[data-testid="schedule-day"][data-date="${day(14)}"] [data-testid="schedule-visit"][data-status="cancelled"]`).waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test("the nurse's day list in visit order with addresses, and a private calendar link", async () => {
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const id = await patientId(nurse);
    const date = tokyoDate(50); // within the feed's 56 days ahead
    const late = await visit(nurse, id, 'home_nursing', date, '15:00', '15:30');
    const early = await visit(nurse, id, 'home_nursing', date, '09:00', '09:45');

    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'vns.suzuki');
    await page.getByTestId('nav-my-day').click();
    await page.locator(`[data-testid="my-day"][data-date="${tokyoDate(0)}"][data-loaded="true"]`).waitFor();
    await page.getByTestId('my-day-date').fill(date);
    await page.locator(`[data-testid="my-day"][data-date="${date}"][data-loaded="true"]`).waitFor();
    const ids = await page.getByTestId('my-day-visit').evaluateAll((items) => items.map((li) => li.dataset.visitId));
    assert.deepEqual(ids, [early.id, late.id]);
    const first = page.getByTestId('my-day-visit').first();
    assert.match(await first.textContent(), /09:00–09:45.*佐藤 一郎.*訪問看護/s);
    assert.ok(((await first.getByTestId('my-day-address').textContent()) ?? '').length > 0);
    // a visit added meanwhile appears in its place (event stream, no reload)
    await page.locator('[data-testid="my-day"][data-state="open"]').waitFor();
    const noon = await visit(nurse, id, 'home_nursing', date, '12:00', '12:30');
    await page.locator(`[data-testid="my-day-visit"][data-visit-id="${noon.id}"]`).waitFor();
    const order = await page.getByTestId('my-day-visit').evaluateAll((items) => items.map((li) => li.dataset.visitId));
    assert.deepEqual(order, [early.id, noon.id, late.id]);
    await assertNoSidewaysScroll(page);

    // a private link to her own visits: shown once with the warning, then listed and revoked
    await page.getByTestId('ical-open').click();
    await page.getByTestId('ical-label').fill('訪問予定（鈴木）');
    await page.getByTestId('ical-create').click();
    await page.getByTestId('ical-created').waitFor();
    assert.match(await page.getByTestId('ical-created').textContent(), /リンクを知っている人は誰でも/);
    const url = await page.getByTestId('ical-url').inputValue();
    assert.match(url, /\/api\/homecare\/ical\/[A-Za-z0-9_-]+\.ics$/);
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    assert.ok((await feed.text()).includes(`UID:${early.id}@tsunagu`));
    const row = page.locator('[data-testid="ical-link"]').filter({ hasText: '訪問予定（鈴木）' });
    await row.getByTestId('ical-revoke').click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await fetch(url)).status, 404);

    // the patient link goes to the patient's 在宅 tab
    await first.getByTestId('my-day-patient').click();
    await page.locator('[data-testid="homecare-panel"][data-section="schedule"]').waitFor();
    assert.ok(page.url().includes(`/patients/${id}/homecare/schedule`), page.url());
    assertNoProblems(page);
    await page.context().close();
  });
});

describe('visit figures beside the referral figures', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('the nursing station sees its 訪問実績 as charts with the CSV, and the referral figures still show', async () => {
    const nurse = await apiSession(server.baseUrl, 'vns.suzuki');
    const id = await patientId(nurse);
    // a visit on the 20th of next month (at most 51 days ahead): next month's planned visits count it
    const before = await nurse.get('/api/homecare/figures');
    await visit(nurse, id, 'home_nursing', `${before.next_month}-20`, '10:00', '10:30');
    const figures = await nurse.get('/api/homecare/figures');
    const plannedNursing = figures.next_month_planned.by_kind.find((k) => k.kind === 'home_nursing').count;
    assert.equal(plannedNursing, before.next_month_planned.by_kind.find((k) => k.kind === 'home_nursing').count + 1);

    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'vns.suzuki');
    await page.getByTestId('nav-stats').click();
    await page.getByTestId('stats-section-homecare').click();
    await page.locator('[data-testid="figures-results"][data-loaded="true"]').waitFor();
    assert.equal(await page.getByTestId('stats-section-homecare').getAttribute('aria-current'), 'page');
    assert.match(await page.getByTestId('figures-org-name').textContent(), /^みなみ訪問看護ステーション /);

    // visits made by kind per month: this month's bars add up to the API's total
    const made = page.locator(`[data-testid="figures-made-chart"] rect.bar[data-month="${figures.month}"]`);
    const values = await made.evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-value'))));
    assert.equal(values.reduce((a, b) => a + b, 0), figures.made.total);
    for (const chart of ['figures-patients-chart', 'figures-cancelled-chart', 'figures-planned-chart']) {
      assert.equal(await page.getByTestId(chart).count(), 1, chart);
    }
    const underCare = page.locator(`[data-testid="figures-patients-chart"] rect.bar.p1[data-month="${figures.month}"]`);
    assert.equal(await underCare.getAttribute('data-value'), String(figures.patients.under_care));
    const nursingRow = page.locator('[data-testid="figures-row"][data-kind="home_nursing"]');
    const nursing = figures.made.by_kind.find((k) => k.kind === 'home_nursing');
    assert.equal(await nursingRow.locator('[data-field="made"]').textContent(), String(nursing.count));
    const planned = page.locator('[data-testid="figures-planned-chart"] rect.bar[data-key="home_nursing"]');
    assert.equal(await planned.getAttribute('data-value'), String(plannedNursing));

    // the CSV of the month, downloaded with the session
    const csv = await page.getByTestId('figures-csv').getAttribute('href');
    assert.equal(csv, `/api/homecare/figures.csv?org_id=${figures.org.id}&month=${figures.month}`);
    const answer = await page.request.get(csv);
    assert.equal(answer.status(), 200);
    assert.match(answer.headers()['content-type'], /^text\/csv/);
    assert.ok((await answer.text()).includes('区分,項目,件数'));
    await assertNoSidewaysScroll(page);

    // another month through the form, and back to the referral figures
    const earlier = previousMonth(figures.month);
    await page.getByTestId('figures-month').fill(earlier);
    await page.getByTestId('figures-show').click();
    await page.locator(`[data-testid="figures-csv"][href$="month=${earlier}"]`).waitFor();
    await page.getByTestId('stats-section-referrals').click();
    await page.getByTestId('stats-table').waitFor();
    assert.equal(await page.getByTestId('stats-counts-chart').count(), 1);
    assert.equal(await page.getByTestId('stats-section-referrals').getAttribute('aria-current'), 'page');
    assertNoProblems(page);
    await page.context().close();
  });
});

function previousMonth(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}
