// SPDX-License-Identifier: Apache-2.0
// Referrals (issue 5): a clinic physician writes a referral to the general hospital from the
// patient page and signs it (a double click sends it once); the hospital's liaison office sees
// it in its inbox, accepts it, books the appointment and marks the visit; a hospital physician
// writes the reply. The clinic's referral page, open the whole time, follows every step and
// shows the reply without a reload; so does the 紹介・逆紹介 tab of the patient page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { tokyoDate, tokyoDateParts } from './dates.mjs';
import { apiSession, findPatientId } from './server.mjs';

const CLINIC = 'さくらクリニック';
const HOSPITAL = 'みなみ総合病院';

/** Makes the clinic the current organisation of a user with two memberships. */
async function useOrg(page, orgName) {
  const select = page.getByTestId('org-switch');
  await select.waitFor();
  const value = await select.locator('option', { hasText: orgName }).getAttribute('value');
  if ((await select.inputValue()) !== value) await select.selectOption(value);
  await page.waitForFunction(
    (wanted) => {
      const el = document.querySelector('[data-testid="org-switch"]');
      return el?.value === wanted && !el.disabled;
    },
    value,
  );
}

/** Waits for the referral page to show a status (auto-waiting, no sleeps). */
function statusIs(page, status) {
  return page.locator(`[data-testid="referral-page"][data-status="${status}"]`).waitFor();
}

describe('referrals', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let patientId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    // 佐藤 一郎: his care team includes both the clinic and the hospital
    patientId = await findPatientId(server.baseUrl, 'gh.sato', '佐藤 一郎', 'GH-000002');
  });

  test('refer, accept, schedule, see and reply; the clinic follows without a reload', async () => {
    // what the server holds before: the other tests of this file may have referred him too
    const kobayashi = await apiSession(server.baseUrl, 'multi.kobayashi');
    const before = (await kobayashi.get(`/api/patients/${patientId}/referrals`)).items.length;
    const liaison = await apiSession(server.baseUrl, 'gh.renkei');
    const newBefore = (await liaison.get('/api/referrals?box=inbox&limit=1')).counts.sent ?? 0;

    // ---- the clinic physician writes and signs the referral ----
    const clinic = await openPage(browser, server.baseUrl);
    await loginAs(clinic, 'multi.kobayashi');
    await useOrg(clinic, CLINIC);
    await clinic.goto(`/#/patients/${patientId}`);
    await clinic.getByTestId('patient-new-referral').click();
    await clinic.getByTestId('ref-form').waitFor();
    // the letter starts from the draft when there is one, else empty
    await clinic.getByTestId('ref-draft-state').waitFor();

    await clinic.getByTestId('ref-target-q').fill('みなみ総合');
    await clinic.getByTestId('ref-target-search').click();
    await clinic.locator('[data-testid="ref-target-results"][data-loaded*="みなみ総合"]').waitFor();
    const hit = clinic.getByTestId('ref-target-hit').filter({ hasText: HOSPITAL });
    // the candidate shows its live capacity: free beds, emergency acceptance, freshness
    assert.match(await hit.getByTestId('ref-target-beds').textContent(), /一般 8/);
    assert.match(await hit.getByTestId('ref-target-emergency').textContent(), /条件付き|△/);
    await hit.getByTestId('freshness').waitFor();
    await hit.getByTestId('ref-target-pick').click();
    await clinic.getByTestId('ref-target-chosen-name').filter({ hasText: HOSPITAL }).waitFor();
    // only the hospital's departments can be chosen
    const departments = await clinic
      .getByTestId('ref-department')
      .locator('option')
      .evaluateAll((list) => list.map((o) => o.value).filter(Boolean));
    assert.ok(departments.includes('gastroenterology'));
    assert.ok(!departments.includes('pediatrics'), 'the hospital does not list pediatrics');
    await clinic.getByTestId('ref-department').selectOption('gastroenterology');
    await clinic.getByTestId('ref-urgency-urgent').check();
    await clinic.getByTestId('ref-purpose').selectOption('workup');

    await clinic.getByTestId('letter-purpose-text').fill('貧血の精査をお願いします。');
    await clinic.getByTestId('letter-chief-complaint').fill('労作時の息切れ');
    await clinic.getByTestId('letter-diagnoses-add').click();
    await clinic.getByTestId('letter-diagnoses-text').last().fill('鉄欠乏性貧血の疑い');
    await clinic.getByTestId('letter-course').fill('Hb 9.1 g/dL と低下。便潜血陽性。');

    await clinic.getByTestId('ref-preview').click();
    const preview = clinic.getByTestId('ref-preview-pane');
    assert.match(await preview.getByTestId('letter-purpose').textContent(), /貧血の精査をお願いします。/);
    assert.match(await preview.getByTestId('letter-diagnoses').textContent(), /鉄欠乏性貧血の疑い/);
    await clinic.getByTestId('ref-send').dblclick();

    const page = clinic.locator('[data-testid="referral-page"][data-status="sent"]');
    await page.waitFor();
    const referralId = await page.getAttribute('data-referral-id');
    assert.ok(referralId);
    assert.match(clinic.url(), new RegExp(`#/referrals/${referralId}$`));
    assert.match(await clinic.getByTestId('ref-to').textContent(), new RegExp(HOSPITAL));
    await clinic.getByTestId('letter-purpose').filter({ hasText: '貧血の精査をお願いします。' }).waitFor();
    await clinic.locator('[data-testid="ref-timeline-item"][data-kind="sent"]').waitFor();
    // the double click sent one referral
    const listed = await kobayashi.get(`/api/patients/${patientId}/referrals`);
    assert.equal(listed.items.length, before + 1, 'one referral for one double click');
    assert.ok(listed.items.some((r) => r.id === referralId));

    // the clinic page stays open from here on; it listens before the hospital acts
    await clinic.locator('[data-testid="ref-live"][data-state="open"]').waitFor();
    await clinic.evaluate(() => {
      window.__noReload = 'still here';
    });

    // ---- the hospital's liaison office: inbox, accept, schedule, seen ----
    const renkei = await openPage(browser, server.baseUrl);
    await loginAs(renkei, 'gh.renkei');
    await renkei.locator(`[data-testid="nav-referrals"][data-new="${newBefore + 1}"]`).waitFor();
    await renkei.getByTestId('nav-referrals').click();
    await renkei.locator(`[data-testid="ref-chip-sent"][data-count="${newBefore + 1}"]`).waitFor();
    const row = renkei.locator(`[data-testid="ref-row"][data-referral-id="${referralId}"]`);
    assert.equal(await row.getAttribute('data-new'), 'true');
    assert.match(await row.textContent(), /佐藤 一郎.*さくらクリニック.*みなみ総合病院.*消化器内科.*精査/);
    assert.equal(await row.getByTestId('ref-urgency').getAttribute('data-urgency'), 'urgent');
    await row.getByTestId('ref-row-link').click();
    await statusIs(renkei, 'sent');
    await renkei.getByTestId('ref-accept-submit').click();
    await statusIs(renkei, 'accepted');
    await statusIs(clinic, 'accepted');

    const schedule = renkei.getByTestId('ref-action-schedule');
    const appointment = tokyoDate(7); // a week ahead, whatever the date
    await schedule.getByTestId('ref-schedule-at').fill(`${appointment}T10:30`);
    await schedule.getByTestId('ref-schedule-submit').click();
    await statusIs(renkei, 'scheduled');
    await statusIs(clinic, 'scheduled');
    const booked = await clinic.getByTestId('ref-appointment').textContent();
    assert.ok(booked.includes(`${tokyoDateParts(appointment).japanese} 10:30`), booked);

    await renkei.getByTestId('ref-action-seen').locator('summary').click();
    // the appointment is a week ahead: 受診済 now asks why (issue 13, item 8)
    await renkei.getByTestId('ref-seen-early').waitFor();
    await renkei.getByTestId('ref-seen-early-reason').fill('症状悪化のため予約日前に来院');
    await renkei.getByTestId('ref-seen-submit').click();
    await statusIs(renkei, 'seen');
    await statusIs(clinic, 'seen');
    // the MSW may not write the reply: that is for a physician
    assert.equal(await renkei.getByTestId('ref-action-reply').count(), 0);

    // ---- a hospital physician writes the reply ----
    const sato = await openPage(browser, server.baseUrl);
    await loginAs(sato, 'gh.sato');
    await sato.goto(`/#/referrals/${referralId}`);
    await statusIs(sato, 'seen');
    const reply = sato.getByTestId('ref-action-reply');
    await reply.getByTestId('ref-reply-diagnosis').fill('鉄欠乏性貧血(胃潰瘍からの出血)');
    await reply.getByTestId('ref-reply-treatment').fill('内視鏡的止血術、鉄剤投与');
    await reply.getByTestId('ref-reply-plan').fill('貴院での鉄剤継続と Hb 再検をお願いします。');
    await reply.getByTestId('ref-reply-submit').click();
    await statusIs(sato, 'replied');

    // ---- the clinic, never reloaded, shows the reply and the whole timeline ----
    await statusIs(clinic, 'replied');
    const shown = clinic.getByTestId('ref-reply');
    await shown.getByTestId('ref-reply-diagnosis-text').filter({ hasText: '鉄欠乏性貧血(胃潰瘍からの出血)' }).waitFor();
    assert.match(await shown.textContent(), /佐藤 健一/);
    assert.match(await clinic.getByTestId('ref-status').textContent(), /返書済/);
    const kinds = await clinic.getByTestId('ref-timeline-item').evaluateAll((items) => items.map((i) => i.dataset.kind));
    for (const kind of ['sent', 'accepted', 'scheduled', 'seen', 'replied']) assert.ok(kinds.includes(kind), kind);
    assert.equal(await clinic.evaluate(() => window.__noReload), 'still here');

    // ---- the hospital physician sends the reverse referral; the clinic page shows it live ----
    await sato.getByTestId('ref-action-reverse').locator('summary').click();
    const reverse = sato.getByTestId('ref-action-reverse');
    await reverse.getByTestId('letter-form').waitFor();
    // prefilled from the reply just written, with the reverse referral's own purpose hint
    assert.equal(await reverse.getByTestId('letter-follow-up').inputValue(), '貴院での鉄剤継続と Hb 再検をお願いします。');
    assert.match(await reverse.getByTestId('letter-course').inputValue(), /内視鏡的止血術、鉄剤投与/);
    assert.equal(await reverse.getByTestId('letter-diagnoses-text').first().inputValue(), '鉄欠乏性貧血(胃潰瘍からの出血)');
    assert.match(await reverse.getByTestId('letter-form').textContent(), /紹介元\(かかりつけ医\)にお願いしたい/);
    assert.doesNotMatch(await reverse.getByTestId('letter-form').textContent(), /紹介先に依頼したいこと/);
    await reverse.getByTestId('letter-purpose-text').fill('胃潰瘍治療後の継続診療をお願いします。');
    await reverse.getByTestId('letter-follow-up').fill('PPI を8週間継続、1か月後に Hb を再検してください。');
    await reverse.getByTestId('ref-reverse-submit').click();
    const reversePage = sato.locator('[data-testid="referral-page"][data-status="sent"]');
    await reversePage.waitFor();
    const reverseId = await reversePage.getAttribute('data-referral-id');
    assert.notEqual(reverseId, referralId);
    assert.match(await sato.getByTestId('ref-title').textContent(), /逆紹介/);
    await sato.getByTestId('ref-parent').waitFor();
    await sato.getByTestId('letter-follow-up').filter({ hasText: 'PPI を8週間継続' }).waitFor();
    await clinic.locator('[data-testid="ref-child"][data-kind="reverse"]').getByTestId('ref-child-link').waitFor();
    assert.equal(await clinic.evaluate(() => window.__noReload), 'still here');

    // the sent box of the clinic lists it as replied
    await clinic.getByTestId('nav-referrals').click();
    await clinic.getByTestId('ref-box-sent').click();
    await clinic.locator(`[data-testid="ref-row"][data-referral-id="${referralId}"][data-status="replied"]`).waitFor();

    for (const p of [clinic, renkei, sato]) {
      assertNoProblems(p);
      await p.context().close();
    }
  });

  test('declined with a reason, the referring physician redirects it to another hospital', async () => {
    const kobayashi = await apiSession(server.baseUrl, 'multi.kobayashi');
    const clinicOrg = kobayashi.me.memberships.find((m) => m.org_name === CLINIC);
    assert.equal(kobayashi.me.org_id, clinicOrg.org_id, 'the API session acts for the clinic');
    const hits = await kobayashi.get(`/api/directory/search?q=${encodeURIComponent('みなみ総合')}`);
    const hospital = hits.items.find((o) => o.name === HOSPITAL);
    const sent = await kobayashi.post(`/api/patients/${patientId}/referrals`, {
      kind: 'referral',
      to_org_id: hospital.id,
      to_department: 'orthopedics',
      urgency: 'routine',
      purpose: 'surgery',
      letter: { purpose_text: '変形性膝関節症の手術適応についてご判断をお願いします。' },
    });

    // the clinic's patient page, 紹介・逆紹介 tab, is open while the hospital declines
    const clinic = await openPage(browser, server.baseUrl);
    await loginAs(clinic, 'multi.kobayashi');
    await useOrg(clinic, CLINIC);
    await clinic.goto(`/#/patients/${patientId}/referrals`);
    const tabRow = (status) => clinic.locator(`[data-testid="patient-referral"][data-referral-id="${sent.id}"][data-status="${status}"]`);
    await tabRow('sent').waitFor();
    await clinic.locator('[data-testid="patient-referrals-live"][data-state="open"]').waitFor();
    await clinic.evaluate(() => {
      window.__noReload = 'still here';
    });

    const renkei = await openPage(browser, server.baseUrl);
    await loginAs(renkei, 'gh.renkei');
    await renkei.goto(`/#/referrals/${sent.id}`);
    await statusIs(renkei, 'sent');
    await renkei.getByTestId('ref-action-decline').locator('summary').click();
    await renkei.getByTestId('ref-decline-reason').fill('整形外科の手術は当面受入不可のため');
    await renkei.getByTestId('ref-decline-submit').click();
    await statusIs(renkei, 'declined');
    assert.equal(await renkei.getByTestId('ref-actions').count(), 0, 'nothing left for the hospital');

    await tabRow('declined').waitFor();
    assert.equal(await clinic.evaluate(() => window.__noReload), 'still here', 'the tab followed without a reload');
    await clinic.goto(`/#/referrals/${sent.id}`);
    await statusIs(clinic, 'declined');
    assert.match(await clinic.getByTestId('ref-decline-reason').textContent(), /整形外科の手術は当面受入不可のため/);
    const redirect = clinic.getByTestId('ref-action-redirect');
    await redirect.getByTestId('ref-target-q').fill('みなみ大学');
    await redirect.getByTestId('ref-target-search').click();
    await redirect.getByTestId('ref-target-hit').filter({ hasText: 'みなみ大学附属医療センター' }).getByTestId('ref-target-pick').click();
    await redirect.getByTestId('ref-department').selectOption('surgery');
    await redirect.getByTestId('ref-redirect-submit').click();
    const next = clinic.locator(`[data-testid="referral-page"][data-status="sent"]:not([data-referral-id="${sent.id}"])`);
    await next.waitFor();
    assert.match(await clinic.getByTestId('ref-to').textContent(), /みなみ大学附属医療センター/);
    await clinic.getByTestId('ref-parent').click();
    await statusIs(clinic, 'redirected');
    await clinic.getByTestId('ref-redirected-to').waitFor();

    for (const p of [renkei, clinic]) {
      assertNoProblems(p);
      await p.context().close();
    }
  });

  test('a clerk cannot sign: the form says so and the server refuses, nothing is sent', async () => {
    const page = await openPage(browser, server.baseUrl);
    await loginAs(page, 'sc.admin');
    await page.goto(`/#/referrals/new?patient=${patientId}`);
    await page.getByTestId('ref-not-physician').waitFor();
    await page.getByTestId('ref-target-q').fill('みなみ総合');
    await page.getByTestId('ref-target-search').click();
    await page.locator('[data-testid="ref-target-results"][data-loaded*="みなみ総合"]').waitFor();
    await page.getByTestId('ref-target-hit').filter({ hasText: HOSPITAL }).getByTestId('ref-target-pick').click();
    await page.getByTestId('ref-department').selectOption('internal');
    await page.getByTestId('ref-purpose').selectOption('consultation');
    await page.getByTestId('letter-purpose-text').fill('ご意見をお願いします。');
    await page.getByTestId('ref-preview').click();
    await page.getByTestId('ref-send').click();
    const error = page.locator('[data-testid="ref-new"] > [data-testid="error"]');
    await error.filter({ hasText: '医師・歯科医師' }).waitFor();
    assert.equal(await page.getByTestId('referral-page').count(), 0);
    const clerk = await apiSession(server.baseUrl, 'sc.admin');
    const listed = await clerk.get(`/api/patients/${patientId}/referrals`);
    assert.equal(listed.items.filter((r) => r.from_org.name === CLINIC && r.purpose === 'consultation').length, 0);
    assertNoProblems(page);
    await page.context().close();
  });
});
