// SPDX-License-Identifier: Apache-2.0
// The case conference screens (issue 17): a conference about a patient scheduled on the patient's
// tab (a bad time refused beside its field) is what the API answers and the participant lists;
// minutes written in two versions and shared reach the participant's page and inbox; an action
// item added on screen reaches its owner's list, who marks it done; the anonymised export
// downloads without the patient's name; a conference without a patient is scheduled from the
// カンファレンス page on a tablet.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession } from './server.mjs';

async function orgId(session, code) {
  return (await session.get('/api/orgs')).items.find((o) => o.code === code).id;
}

/**
 * A patient registered by あおば在宅クリニック with a consent naming it and みなみ訪問看護ステーション,
 * whose nurse vns.suzuki is on the care team.
 */
async function teamPatient(tanaka, name) {
  const [aoba, vns] = [await orgId(tanaka, 'aoba-homecare'), await orgId(tanaka, 'minami-vns')];
  const suzuki = (await apiSession(tanaka.baseUrl, 'vns.suzuki')).me.user;
  const patient = await tanaka.post('/api/patients', {
    name,
    name_kana: 'カイギ タメコ',
    sex: 'female',
    birth_date: '1936-07-08',
    local_id: `CF-E2E-${randomInt(1e9)}`,
    consent: { method: 'written', consented_on: tokyoDate(), scope: 'all' },
    new_patient_reason: '同姓同名・同じ生年月日の別人(試験)',
  });
  await tanaka.post(`/api/patients/${patient.id}/consents`, { org_ids: [aoba, vns], scope: 'all', method: 'written', consented_on: tokyoDate() });
  await tanaka.post(`/api/patients/${patient.id}/team`, { org_id: vns, user_id: suzuki.id });
  return { patient: patient.id, vns, suzuki };
}

/** Schedules a conference about the patient through the API (for the tests that start after it). */
async function scheduled(tanaka, patient, vns, suzuki, title) {
  const day = tokyoDate(-1);
  return tanaka.post(`/api/patients/${patient}/conferences`, {
    kind: 'discharge',
    title,
    starts_at: `${day}T14:00:00+09:00`,
    ends_at: `${day}T15:00:00+09:00`,
    participants: [{ org_id: vns, user_id: suzuki.id }],
  });
}

describe('conference screens', { timeout: 240_000 }, () => {
  let server;
  let browser;
  const session = async (login) => Object.assign(await apiSession(server.baseUrl, login), { baseUrl: server.baseUrl });

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a conference scheduled on the patient’s tab is what the API answers and the participant lists', async () => {
    const tanaka = await session('aoba.tanaka');
    const { patient, vns, suzuki } = await teamPatient(tanaka, '会議 試子');
    const title = `退院前カンファレンス(試験 ${randomInt(1e6)})`;
    const day = tokyoDate(5);
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/patients/${patient}/conferences`);
    await page.getByTestId('patient-conferences').waitFor();
    await page.getByTestId('conference-schedule').click();
    await page.locator(`[data-testid="participant-org"][data-org-id="${vns}"]`).check();
    await page.locator(`[data-testid="participant-person"][data-org-id="${vns}"]`).selectOption(suzuki.id);
    await page.getByTestId('conference-kind').selectOption('discharge');
    await page.getByTestId('conference-title').fill(title);
    await page.getByTestId('conference-place').fill('あおば在宅クリニック 会議室');
    await page.getByTestId('conference-agenda').fill('退院後の訪問体制の確認');
    // the end before the start: refused beside the field, nothing stored
    await page.getByTestId('conference-start').fill(`${day}T14:00`);
    await page.getByTestId('conference-end').fill(`${day}T13:00`);
    await page.getByTestId('conference-submit').click();
    await page.getByTestId('conference-form').getByTestId('field-error').waitFor();
    const listed = async () => (await tanaka.get(`/api/conferences?from=${day}&until=${day}`)).items.filter((c) => c.title === title);
    assert.equal((await listed()).length, 0);
    await page.getByTestId('conference-end').fill(`${day}T15:00`);
    await page.getByTestId('conference-submit').click();
    await page.getByTestId('conference-page').waitFor();
    const [made] = await listed();
    const stored = await tanaka.get(`/api/conferences/${made.id}`);
    assert.equal(stored.kind.code, 'discharge');
    assert.equal(stored.patient.id, patient);
    assert.equal(stored.starts_at, new Date(`${day}T14:00:00+09:00`).toISOString());
    const vnsPart = stored.participants.find((o) => o.id === vns);
    assert.deepEqual(vnsPart.people.map((p) => p.id), [suzuki.id]);
    assert.equal(await page.getByTestId('conference-heading').textContent(), title);

    // the participant finds it in the organisation's list and opens it
    const nurse = await openPage(browser, server.baseUrl);
    await loginAs(nurse, 'vns.suzuki');
    await nurse.getByTestId('nav-conferences').click();
    await nurse.locator(`[data-testid="conference"][data-conference-id="${made.id}"]`).getByTestId('conference-link').click();
    await nurse.locator(`[data-testid="conference-page"][data-conference-id="${made.id}"][data-patient-visible="true"]`).waitFor();
    assert.match(await nurse.getByTestId('agenda').textContent(), /退院後の訪問体制の確認/);
    for (const p of [page, nurse]) {
      assertNoProblems(p);
      await p.context().close();
    }
  });

  test('minutes written in two versions and shared reach the participant’s page and inbox', async () => {
    const tanaka = await session('aoba.tanaka');
    const { patient, vns, suzuki } = await teamPatient(tanaka, '議事 試子');
    const conference = await scheduled(tanaka, patient, vns, suzuki, `サービス担当者会議(試験 ${randomInt(1e6)})`);
    const words = `訪問看護を週3回に増やす(${randomInt(1e6)})`;
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/conferences/${conference.id}`);
    await page.getByTestId('minutes-text').fill('第1版: 出席者の確認');
    await page.getByTestId('minutes-save').click();
    await page.locator('[data-testid="minutes"][data-version="1"]').waitFor();
    await page.getByTestId('minutes-text').fill(`決定事項: ${words}`);
    await page.getByTestId('minutes-save').click();
    await page.locator('[data-testid="minutes"][data-version="2"]').waitFor();
    assert.equal(await page.getByTestId('minutes-version').count(), 2);
    await page.getByTestId('minutes-share').click();
    await page.getByTestId('minutes-shared').waitFor();
    const stored = await tanaka.get(`/api/conferences/${conference.id}`);
    assert.equal(stored.minutes.version, 2);
    assert.ok(stored.minutes_shared_at);

    const nurse = await openPage(browser, server.baseUrl);
    await loginAs(nurse, 'vns.suzuki');
    await nurse.goto('/#/notifications');
    const notice = nurse.locator(`[data-testid="notification"][data-kind="conference"]`, { hasText: '議事 試子さんの退院前カンファレンスの議事録が共有されました。' });
    await notice.first().waitFor();
    await nurse.goto(`/#/conferences/${conference.id}`);
    await nurse.getByTestId('minutes-current').waitFor();
    assert.match(await nurse.getByTestId('minutes-current').textContent(), new RegExp(words.replace(/[()]/g, '\\$&')));
    assert.equal(await nurse.getByTestId('minutes-text').count(), 0, 'only the organiser’s side edits');
    for (const p of [page, nurse]) {
      assertNoProblems(p);
      await p.context().close();
    }
  });

  test('an action item added on screen reaches its owner, who marks it done', async () => {
    const tanaka = await session('aoba.tanaka');
    const { patient, vns, suzuki } = await teamPatient(tanaka, '対応 試子');
    const conference = await scheduled(tanaka, patient, vns, suzuki, `退院前カンファレンス(試験 ${randomInt(1e6)})`);
    const task = `褥瘡の処置方法を確認する(${randomInt(1e6)})`;
    const due = tokyoDate(7);
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/conferences/${conference.id}`);
    await page.getByTestId('action-add').click();
    await page.getByTestId('action-text').fill(task);
    await page.getByTestId('action-owner').selectOption(suzuki.id);
    await page.getByTestId('action-due').fill(due);
    await page.getByTestId('action-submit').click();
    await page.locator('[data-testid="action-item"]', { hasText: task }).waitFor();

    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await nurse.goto('/#/conferences');
    const mine = nurse.locator('[data-testid="my-action"]', { hasText: task });
    await mine.waitFor();
    await mine.getByTestId('my-action-done').click();
    await mine.waitFor({ state: 'detached' });
    const stored = (await tanaka.get(`/api/conferences/${conference.id}`)).action_items.find((i) => i.text === task);
    assert.equal(stored.owner.id, suzuki.id);
    assert.equal(stored.due_date, due);
    assert.ok(stored.done_at, 'done');
    for (const p of [page, nurse]) {
      assertNoProblems(p);
      await p.context().close();
    }
  });

  test('the anonymised export downloads without the patient’s name', async () => {
    const tanaka = await session('aoba.tanaka');
    const name = '匿名 試子';
    const { patient, vns, suzuki } = await teamPatient(tanaka, name);
    const conference = await scheduled(tanaka, patient, vns, suzuki, `症例検討(試験 ${randomInt(1e6)})`);
    await tanaka.put(`/api/conferences/${conference.id}/minutes`, { text: `${name}さんは在宅酸素を継続。` });
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/conferences/${conference.id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('conference-export').click()]);
    const text = await readFile(await download.path(), 'utf8');
    const study = JSON.parse(text);
    assert.ok(!text.includes(name) && !text.includes('匿名') && !text.includes(patient), 'no name, no id');
    assert.match(JSON.stringify(study), /\[患者\]さんは在宅酸素を継続。/);
    assertNoProblems(page);
    await page.context().close();
  });

  test('a conference without a patient is scheduled from the カンファレンス page on a tablet', async () => {
    const tanaka = await session('aoba.tanaka');
    const hikari = await orgId(tanaka, 'hikari-pharmacy');
    const title = `症例検討会(試験 ${randomInt(1e6)})`;
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'aoba.tanaka');
    await page.goto('/#/conferences');
    await page.getByTestId('conferences-section').waitFor();
    await page.getByTestId('conference-schedule').click();
    await page.locator(`[data-testid="participant-org"][data-org-id="${hikari}"]`).check();
    await page.getByTestId('conference-kind').selectOption('case_study');
    await page.getByTestId('conference-title').fill(title);
    await page.getByTestId('conference-submit').click();
    await page.locator('[data-testid="conference-page"][data-patient-visible="true"]').waitFor();
    const id = await page.getByTestId('conference-page').getAttribute('data-conference-id');
    const stored = await tanaka.get(`/api/conferences/${id}`);
    assert.equal(stored.title, title);
    assert.equal(stored.has_patient, false);
    assert.ok(stored.participants.some((o) => o.id === hikari));
    const pharmacist = await apiSession(server.baseUrl, 'ph.yoshida');
    assert.ok((await pharmacist.get(`/api/conferences/${id}`)).participants.some((o) => o.id === hikari));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= TABLET.width, `no sideways scroll at 768 px (${width})`);
    assertNoProblems(page);
    await page.context().close();
  });
});
