// SPDX-License-Identifier: Apache-2.0
// The monthly 訪問看護報告書 in the 在宅 tab: a nurse of the station creates the month's report from
// the prefill (drawn from a visit record the test writes), edits it, signs and sends it; the
// physician (aoba.tanaka), whose open list follows, is told in the inbox, opens it read-only and
// its PDF, and finds it in the 記録 tab.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, TABLET, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';
import { tokyoDate } from './dates.mjs';

/** The month `back` months before today's (Asia/Tokyo), as YYYY-MM. */
function monthBack(back) {
  const [year, month] = tokyoDate().split('-').map(Number);
  const index = year * 12 + (month - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

describe('the monthly nursing report', () => {
  let server;
  let browser;
  let patientId;
  withServerAndBrowser(async (s, b) => {
    server = s;
    browser = b;
    patientId = await findPatientId(server.baseUrl, 'vns.suzuki', '佐藤 一郎', 'GH-000002');
  });

  test('a nurse creates it from the prefill, signs and sends; the physician opens it and its PDF', async () => {
    const month = monthBack(3);
    const observation = `下肢の浮腫が増えている(e2e ${month})`;
    const nurseApi = await apiSession(server.baseUrl, 'vns.suzuki');
    await nurseApi.post(`/api/patients/${patientId}/homecare/records`, {
      kind: 'home_nursing',
      visit_start: `${month}-06T10:00:00+09:00`,
      visit_end: `${month}-06T10:40:00+09:00`,
      content: { observation, care_given: '足浴と皮膚の観察', vitals: { weight: 60.1, spo2: 94 } },
    });

    // the physician's list is open while the nurse writes: it follows without a reload
    const doctor = await openPage(browser, server.baseUrl);
    await loginAs(doctor, 'aoba.tanaka');
    await doctor.goto(`/#/patients/${patientId}/homecare/report`);
    await doctor.locator('[data-testid="report-live"][data-state="open"]').waitFor();
    assert.equal(await doctor.getByTestId('report-create-form').count(), 0, 'the physician does not write reports');
    const live = doctor.locator(`[data-testid="report-item"][data-month="${month}"]`);
    assert.equal(await live.count(), 0);

    // the nurse, on a tablet
    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await nurse.goto(`/#/patients/${patientId}/homecare/report`);
    await nurse.getByTestId('report-create-form').waitFor();
    await nurse.getByTestId('report-month').fill(month);
    await nurse.getByTestId('report-create').click();
    await nurse.getByTestId('report-prefilled').waitFor();
    assert.match(await nurse.getByTestId('report-condition').inputValue(), new RegExp(`6 ${observation.replace(/[()]/g, '\\$&')}`));
    assert.equal(await nurse.getByTestId('report-to').locator('option:checked').textContent(), 'あおば在宅クリニック');
    assert.equal(await nurse.getByTestId('report-visit-date').first().inputValue(), `${month}-06`);
    await nurse.getByTestId('report-remarks').fill('ご家族の介護負担が増えています。');
    // no sideways scrolling on the tablet
    const wide = await nurse.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(wide, false, 'the form fits the tablet without sideways scrolling');
    for (const testid of ['report-save', 'report-form-sign', 'report-visit-add', 'report-visit-date', 'report-to']) {
      const box = await nurse.getByTestId(testid).first().boundingBox();
      assert.ok(box && box.height >= 44, `${testid} is ${box?.height} px high`);
    }
    await nurse.getByTestId('report-form-sign').click();
    const view = nurse.getByTestId('report-view');
    await view.getByTestId('report-sha').waitFor();
    assert.match(await view.getByTestId('report-heading').textContent(), /訪問看護報告書/);
    assert.match(await view.getByTestId('report-remarks').textContent(), /介護負担/);
    assert.equal(await view.getByTestId('report-correct').count(), 1);
    assertNoProblems(nurse);

    await live.filter({ hasText: '署名・送付済み' }).waitFor();

    // the physician: told in the inbox, which leads to the report
    await doctor.getByTestId('nav-notifications').click();
    const [year, monthNumber] = month.split('-').map(Number);
    const note = doctor
      .locator('[data-testid="notification"][data-kind="homecare_report"]')
      .filter({ hasText: `${year}年${monthNumber}月分の訪問看護報告書が届きました` });
    await note.getByTestId('notification-link').click();
    await doctor.getByTestId('report-view').getByTestId('report-sha').waitFor();
    // the list, read-only, the report and its PDF
    await doctor.getByTestId('report-back').click();
    const item = doctor.locator(`[data-testid="report-item"][data-month="${month}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), /署名・送付済み/);
    await item.getByTestId('report-open').click();
    const pdf = doctor.getByTestId('report-pdf');
    await pdf.waitFor();
    assert.equal(await doctor.getByTestId('report-edit').count(), 0);
    assert.equal(await doctor.getByTestId('report-correct').count(), 0);
    assert.equal(await doctor.getByTestId('report-sign').count(), 0);
    const href = await pdf.getAttribute('href');
    assert.match(href, /\/homecare\/reports\/[0-9a-f-]+\/report\.pdf$/);
    const answer = await doctor.request.get(href);
    assert.equal(answer.status(), 200);
    assert.equal(answer.headers()['content-type'], 'application/pdf');
    assert.equal((await answer.body()).subarray(0, 5).toString(), '%PDF-');

    // the same report is a document of the record (記録 tab)
    await doctor.getByTestId('tab-record').click();
    const doc = doctor.getByTestId('document').filter({ hasText: '訪問看護報告書' }).first();
    await doc.waitFor();
    await doc.getByTestId('doc-open').click();
    const sections = doctor.getByTestId('doc-composition').getByTestId('doc-section-title');
    await sections.first().waitFor();
    assert.ok((await sections.allTextContents()).includes('病状の経過'));
    assertNoProblems(doctor);
    await nurse.context().close();
    await doctor.context().close();
  });

  test('the station corrects a signed report with a reason; the first version stays readable', async () => {
    const month = monthBack(4);
    const nurseApi = await apiSession(server.baseUrl, 'vns.suzuki');
    const base = `/api/patients/${patientId}/homecare/reports`;
    const prefill = await nurseApi.get(`${base}/prefill?month=${month}`);
    const content = { ...prefill.content, condition: '褥瘡 3cm(e2e)' };
    const report = await nurseApi.post(base, { month, to_org_id: prefill.to_org.id, content });
    await nurseApi.post(`${base}/${report.id}/sign`);

    const nurse = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(nurse, 'vns.suzuki');
    await nurse.goto(`/#/patients/${patientId}/homecare/report/${report.id}`);
    await nurse.getByTestId('report-correct').click();
    const form = nurse.getByTestId('report-form');
    await form.getByTestId('report-condition').fill('褥瘡 2cm(e2e、訂正)');
    // without a reason: refused beside the field, nothing stored
    await form.getByTestId('report-save').click();
    await form.getByTestId('field-error').waitFor();
    assert.equal(await form.getByTestId('report-reason').getAttribute('aria-invalid'), 'true');
    assert.equal((await nurseApi.get(`${base}/${report.id}`)).versions.length, 1);
    await form.getByTestId('report-reason').fill('褥瘡の大きさの記載誤り');
    await form.getByTestId('report-save').click();
    const view = nurse.getByTestId('report-view');
    await view.locator('[data-testid="report-version"][data-version="2"]').waitFor();
    assert.match(await view.getByTestId('report-condition').textContent(), /2cm/);
    assert.match(await view.getByTestId('report-meta').textContent(), /褥瘡の大きさの記載誤り/);
    // the first version, signed, still readable
    await view.locator('[data-testid="report-version"][data-version="1"]').getByTestId('report-version-show').click();
    await view.locator('[data-testid="report-content"][data-version="1"]').waitFor();
    assert.match(await view.getByTestId('report-condition').textContent(), /3cm/);
    assert.ok(await view.getByTestId('report-sha').count());
    // the correction signed and sent
    await view.getByTestId('report-sign').click();
    await view.getByTestId('report-sent').waitFor();
    const after = await nurseApi.get(`${base}/${report.id}`);
    assert.deepEqual(after.versions.map((v) => v.status), ['signed', 'signed']);
    assertNoProblems(nurse);
    await nurse.context().close();
  });
});
