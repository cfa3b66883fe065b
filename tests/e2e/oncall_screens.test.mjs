// SPDX-License-Identifier: Apache-2.0
// The on-call screens (issue 17): a shift added, handed over and cancelled on 当番表 is what the
// API answers; the patient's 連絡先 tab gives the on-call nurse's number as a tel: link (on a
// tablet); the dependence flags set there are read back; a partnership named and accepted on
// screen; a declaration made on screen lets the partner open the patient and the network office
// count it, and ending it on screen closes the patient again.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { tokyoDate } from './dates.mjs';
import { apiSession } from './server.mjs';

const iso = (date, time) => `${date}T${time}:00+09:00`;

/** A phone number no other test uses. */
const freshPhone = () => `099-${randomInt(100, 999)}-${randomInt(1000, 9999)}`;

/** Registers a patient as session's organisation with a consent naming orgIds. */
async function register(session, orgIds) {
  const local = `OC-E2E-${randomInt(1e9)}`;
  const patient = await session.post('/api/patients', {
    name: '当番 試子',
    name_kana: 'トウバン タメコ',
    sex: 'female',
    birth_date: '1938-04-05',
    local_id: local,
    consent: { method: 'written', consented_on: tokyoDate(), scope: 'all' },
    new_patient_reason: '同姓同名・同じ生年月日の別人(試験)',
  });
  await session.post(`/api/patients/${patient.id}/consents`, { org_ids: orgIds, scope: 'all', method: 'written', consented_on: tokyoDate() });
  return patient.id;
}

async function orgId(session, code) {
  const orgs = await session.get('/api/orgs');
  return orgs.items.find((o) => o.code === code).id;
}

describe('on-call screens', { timeout: 240_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a shift added, handed over and cancelled on the roster is what the API answers', async () => {
    const tanaka = await apiSession(server.baseUrl, 'aoba.tanaka');
    const nurse = (await apiSession(server.baseUrl, 'aoba.nakajima')).me.user;
    const day = tokyoDate(150 + randomInt(60));
    const phone = freshPhone();
    const window = `/api/oncall/shifts?from=${encodeURIComponent(iso(day, '00:00'))}&to=${encodeURIComponent(iso(day, '23:59'))}`;
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.getByTestId('nav-oncall').click();
    await page.getByTestId('roster-body').waitFor();
    await page.goto(`/#/oncall?week=${day}`);
    await page.locator(`[data-testid="week-label"]`).waitFor();
    await page.getByTestId('shift-add').click();
    // the end before the start: refused beside a field, nothing stored
    await page.getByTestId('shift-start').fill(`${day}T18:00`);
    await page.getByTestId('shift-end').fill(`${day}T17:00`);
    await page.getByTestId('shift-phone').fill(phone);
    await page.getByTestId('shift-primary').selectOption(nurse.id);
    await page.getByTestId('shift-submit').click();
    await page.getByTestId('shift-form').locator('[data-testid="field-error"], [data-testid="error"]:visible').first().waitFor();
    assert.equal((await tanaka.get(window)).items.filter((s) => s.phone === phone).length, 0);
    await page.getByTestId('shift-end').fill(`${day}T23:00`);
    await page.getByTestId('shift-backup').selectOption(tanaka.me.user.id);
    await page.getByTestId('shift-note').fill('夜間当番(試験)');
    await page.getByTestId('shift-submit').click();
    const row = page.locator('[data-testid="shift"]', { hasText: phone });
    await row.waitFor();
    const [stored] = (await tanaka.get(window)).items.filter((s) => s.phone === phone);
    assert.equal(stored.primary.id, nurse.id);
    assert.equal(stored.backup.id, tanaka.me.user.id);
    assert.equal(stored.starts_at, new Date(iso(day, '18:00')).toISOString());
    assert.equal(await row.getByTestId('shift-primary-tel').getAttribute('href'), `tel:${phone.replace(/-/g, '')}`);
    // hand the primary role to the backup: the two trade roles, and the swap is listed
    await row.getByTestId('shift-swap').click();
    await page.getByTestId('swap-role').selectOption('primary');
    await page.getByTestId('swap-to').selectOption(tanaka.me.user.id);
    await page.getByTestId('swap-reason').fill('体調不良のため');
    await page.getByTestId('swap-submit').click();
    await page.locator(`[data-testid="shift"][data-shift-id="${stored.id}"] [data-testid="shift-swaps"]`).waitFor();
    const [swapped] = (await tanaka.get(window)).items.filter((s) => s.id === stored.id);
    assert.equal(swapped.primary.id, tanaka.me.user.id);
    assert.equal(swapped.backup.id, nurse.id);
    assert.equal(swapped.swaps[0].reason, '体調不良のため');
    // cancel it: it leaves the roster and the API's answer
    await page.locator(`[data-testid="shift"][data-shift-id="${stored.id}"]`).getByTestId('shift-cancel').click();
    await page.getByTestId('shift-cancel-submit').click();
    await page.locator(`[data-testid="shift"][data-shift-id="${stored.id}"]`).waitFor({ state: 'detached' });
    assert.equal((await tanaka.get(window)).items.filter((s) => s.id === stored.id).length, 0);
    assertNoProblems(page);
    await page.context().close();
  });

  test('the patient’s 連絡先 tab gives the on-call nurse’s number in one tap, and keeps the dependence', async () => {
    const tanaka = await apiSession(server.baseUrl, 'aoba.tanaka');
    const aoba = await orgId(tanaka, 'aoba-homecare');
    const nurse = (await apiSession(server.baseUrl, 'aoba.nakajima')).me.user;
    const patient = await register(tanaka, [aoba]);
    const phone = freshPhone();
    const now = Date.now();
    // started last, so it answers now over the demo's day shift
    await tanaka.post('/api/oncall/shifts', {
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 3 * 3_600_000).toISOString(),
      phone,
      primary_user_id: nurse.id,
    });
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'aoba.tanaka');
    await page.goto(`/#/patients/${patient}/oncall`);
    const card = page.locator(`[data-testid="call-org"][data-org-id="${aoba}"]`);
    await card.waitFor();
    const primary = card.getByTestId('call-primary');
    assert.equal(await primary.getAttribute('data-user-id'), nurse.id);
    assert.match(await primary.textContent(), /中島 亜希/);
    const tel = primary.getByTestId('call-primary-tel');
    assert.equal(await tel.getAttribute('href'), `tel:${phone.replace(/-/g, '')}`);
    const box = await tel.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= TABLET.width, 'the number is on screen at 768 px');
    assert.ok(box.height >= 40, 'large enough to tap');
    // dependence: read back as set, and a second change keeps the first flag
    await page.getByTestId('dependence-oxygen').check();
    await page.getByTestId('dependence-note').fill('酸素 2L/分');
    await page.getByTestId('dependence-save').click();
    await page.getByTestId('dependence-saved').waitFor();
    await page.reload();
    await page.getByTestId('dependence-set').waitFor();
    assert.equal(await page.getByTestId('dependence-oxygen').isChecked(), true);
    await page.getByTestId('dependence-dialysis').check();
    await page.getByTestId('dependence-save').click();
    await page.getByTestId('dependence-saved').waitFor();
    const dep = await tanaka.get(`/api/patients/${patient}/oncall/dependence`);
    assert.deepEqual([dep.ventilator, dep.oxygen, dep.dialysis, dep.note], [false, true, true, '酸素 2L/分']);
    assertNoProblems(page);
    await page.context().close();
  });

  test('a partnership named on screen is accepted on screen by the partner', async () => {
    const kato = await apiSession(server.baseUrl, 'vns.kato');
    const hikari = await orgId(kato, 'hikari-pharmacy');
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'vns.kato');
    await page.goto('/#/oncall/backup');
    await page.getByTestId('partner-propose').click();
    await page.getByTestId('partner-org').locator(`option[value="${hikari}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('partner-org').selectOption(hikari);
    await page.getByTestId('partner-submit').click();
    await page.locator(`[data-testid="partner"][data-org-id="${hikari}"][data-accepted="false"]`).waitFor();
    const proposed = (await kato.get('/api/oncall/partners')).items.find((p) => p.partner.id === hikari);
    assert.equal(proposed.accepted_at, null);
    // naming the same pair again is refused with the server's words
    await page.getByTestId('partner-propose').click();
    await page.getByTestId('partner-org').locator(`option[value="${hikari}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('partner-org').selectOption(hikari);
    await page.getByTestId('partner-submit').click();
    await page.getByTestId('partner-form').locator('[data-testid="field-error"], [data-testid="error"]:visible').first().waitFor();
    await page.getByTestId('partner-close').click();

    const other = await openPage(browser, server.baseUrl);
    await loginAs(other, 'ph.yoshida');
    await other.goto('/#/oncall/backup');
    await other.locator(`[data-testid="partner"][data-partner-id="${proposed.id}"]`).getByTestId('partner-accept').click();
    await other.getByTestId('partner-accept-submit').click();
    await other.locator(`[data-testid="partner"][data-partner-id="${proposed.id}"][data-accepted="true"]`).waitFor();
    const accepted = (await kato.get('/api/oncall/partners')).items.find((p) => p.id === proposed.id);
    assert.ok(accepted.accepted_at);

    // the proposing side ends it on screen: gone from both sides' lists
    await page.goto('/#/oncall/backup');
    await page.locator(`[data-testid="partner"][data-partner-id="${proposed.id}"]`).getByTestId('partner-end').click();
    assert.match(await page.getByTestId('partner-end-form').textContent(), /連携を終了します/);
    await page.getByTestId('partner-end-submit').click();
    await page.locator(`[data-testid="partner"][data-partner-id="${proposed.id}"]`).waitFor({ state: 'detached' });
    assert.equal((await kato.get('/api/oncall/partners')).items.find((p) => p.id === proposed.id), undefined);
    assertNoProblems(page);
    assertNoProblems(other);
    await page.context().close();
    await other.context().close();
  });

  test('a declaration made on screen lets the partner open the patient and the office count it; ending it closes the patient', async () => {
    const tanaka = await apiSession(server.baseUrl, 'aoba.tanaka');
    const sakuraAdmin = await apiSession(server.baseUrl, 'sc.admin');
    const [aoba, sakura] = [await orgId(tanaka, 'aoba-homecare'), await orgId(tanaka, 'sakura-clinic')];
    const patient = await register(tanaka, [aoba, sakura]);
    await tanaka.put(`/api/patients/${patient}/oncall/dependence`, { ventilator: true, oxygen: false, dialysis: false });

    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'aoba.tanaka');
    await page.goto('/#/oncall/backup');
    await page.locator('[data-testid="declaration"][data-in-force="false"]').waitFor();
    await page.getByTestId('declare').click();
    await page.getByTestId('declare-reason').selectOption('disaster');
    await page.getByTestId('declare-note').fill('停電のため訪問できません(試験)');
    await page.getByTestId('declare-submit').click();
    await page.locator('[data-testid="declaration"][data-in-force="true"]').waitFor();
    assert.match(await page.getByTestId('declaration-until').textContent(), /災害.*から.*（予定）まで/);

    // the partner: told it backs us up, and opens the patient by the id handed over
    const partner = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(partner, 'sc.admin');
    await partner.goto('/#/oncall/backup');
    await partner.locator(`[data-testid="standby-org"][data-org-id="${aoba}"]`).waitFor();
    await partner.getByTestId('standby-patient-id').fill(patient);
    await partner.getByTestId('standby-open').click();
    await partner.getByText('当番 試子').first().waitFor();
    assert.equal((await sakuraAdmin.get(`/api/patients/${patient}`)).id, patient);

    // the network office: counts by dependence, the partner named, no patient
    const office = await openPage(browser, server.baseUrl);
    await loginAs(office, 'jimukyoku');
    await office.getByTestId('nav-disaster').click();
    const card = office.locator(`[data-testid="disaster-org"][data-org-id="${aoba}"]`);
    await card.waitFor();
    const counts = (await card.getByTestId('disaster-home-care').locator('td').allTextContents()).map(Number);
    assert.ok(counts[0] >= 1 && counts[1] >= 1, `patients and ventilator counted: ${counts}`);
    await card.locator(`[data-testid="disaster-partner"][data-org-id="${sakura}"]`).waitFor();
    assert.ok(!(await card.textContent()).includes('当番 試子'), 'no patient named');

    // ending it on screen closes the patient to the partner at once
    await page.getByTestId('declaration-end').click();
    await page.locator('[data-testid="declaration-end-submit"]').click();
    await page.locator('[data-testid="declaration"][data-in-force="false"]').waitFor();
    await assert.rejects(sakuraAdmin.get(`/api/patients/${patient}`), /HTTP 404/);
    for (const p of [page, partner, office]) {
      assertNoProblems(p);
      await p.context().close();
    }
  });
});
