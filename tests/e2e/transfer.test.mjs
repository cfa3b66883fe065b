// SPDX-License-Identifier: Apache-2.0
// 救急画像送信 (issue 15, 事例2): a home-care clinic sends 佐藤 一郎's images and a note to みなみ大学
// 附属医療センター's ER from his patient page; his consent does not name the university hospital,
// so the clinic states a reason (an emergency share). The ER page (救急受入), already open in
// another browser, shows the transfer without a reload, with an alert, the summary and the images;
// the image opens there (the viewer draws it) and the study's DICOMweb metadata answers that
// browser session, before any referral of him reaches the hospital. And a referral attaches a
// study in its form: the receiver's letter names it and links it to the viewer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession } from './server.mjs';
import { panePixels } from './viewer_helpers.mjs';

/** The session's fetch of a JSON API answer: its status and body. */
function fetchFrom(page, url) {
  return page.evaluate(async (u) => {
    const response = await fetch(u, { headers: { Accept: 'application/dicom+json, application/json' } });
    return { status: response.status, body: response.ok ? await response.json() : null };
  }, url);
}

describe('emergency transfer', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let satoId;
  let uhId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    const clinic = await apiSession(server.baseUrl, 'aoba.tanaka');
    const found = await clinic.get(`/api/patients?q=${encodeURIComponent('佐藤 一郎')}`);
    satoId = found.items.find((p) => p.name === '佐藤 一郎' && p.birth_date === '1938-09-03').id;
    const dir = await clinic.get('/api/directory/search?limit=100');
    uhId = dir.items.find((o) => o.name === 'みなみ大学附属医療センター').id;
  });

  test('a clinic sends, the ER page already open shows it live and opens the images', async () => {
    // the ER, open and listening before anything is sent
    const er = await openPage(browser, server.baseUrl);
    await loginAs(er, 'uh.fujita');
    await er.getByTestId('nav-transfers').click();
    await er.locator('[data-testid="transfers-live"][data-state="open"]').waitFor();
    await er.getByTestId('transfers').locator('[data-testid="transfer-card"], [data-testid="transfers-empty"]').first().waitFor();
    await er.evaluate(() => {
      window.__noReload = 'still here';
    });
    assert.equal(await er.getByTestId('transfer-alert').isVisible(), false);

    // the clinic: 救急画像送信 from the patient page
    const clinic = await openPage(browser, server.baseUrl);
    await loginAs(clinic, 'aoba.tanaka');
    await clinic.goto(`/#/patients/${satoId}`);
    await clinic.getByTestId('patient-new-transfer').click();
    const form = clinic.getByTestId('transfer-form');
    await form.waitFor();
    await form.locator(`label[data-org-id="${uhId}"] input`).check();
    const studies = form.getByTestId('transfer-study-check');
    assert.ok((await studies.count()) > 0, 'his studies are offered');
    const studyUid = await studies.first().getAttribute('data-study-uid');
    await form.getByTestId('transfer-note-input').fill('自宅で意識レベル低下、救急搬送中。');
    // without a reason the server refuses, beside the reason: his consent does not name the
    // hospital
    await form.getByTestId('transfer-send').click();
    await form.getByTestId('field-error').filter({ hasText: '理由' }).waitFor();
    assert.equal(await form.getByTestId('transfer-reason-input').getAttribute('aria-invalid'), 'true');
    await form.getByTestId('transfer-reason-input').fill('意識障害で救急搬送、同意の確認が間に合わないため');
    await form.getByTestId('transfer-send').click();
    await clinic.waitForURL(/#\/transfers\?box=outgoing&sent=/);
    const transferId = new URL(clinic.url().replace('#/transfers', 'transfers')).searchParams.get('sent');
    assert.ok(transferId, 'the new transfer id');

    // the ER: live, with an alert, the summary and the images
    const card = er.locator(`[data-testid="transfer-card"][data-transfer-id="${transferId}"]`);
    await card.waitFor();
    await er.getByTestId('transfer-alert').filter({ hasText: 'あおば在宅クリニック' }).waitFor();
    assert.equal(await er.evaluate(() => window.__noReload), 'still here', 'no reload');
    assert.match(await card.getByTestId('transfer-note').textContent(), /意識レベル低下/);
    await card.getByTestId('transfer-summary').waitFor();
    const link = card.locator(`[data-testid="transfer-study"][data-study-uid="${studyUid}"] a`);
    assert.equal(await link.getAttribute('href'), `#/imaging/view/${encodeURIComponent(studyUid)}`);

    // before any referral: the hospital has no referral of him and cannot open his record
    const inbox = await fetchFrom(er, '/api/referrals?box=inbox&limit=100');
    assert.equal(inbox.status, 200);
    assert.ok(!inbox.body.items.some((r) => r.patient.id === satoId && !['closed', 'declined', 'cancelled', 'redirected'].includes(r.status)));
    assert.equal((await fetchFrom(er, `/api/patients/${satoId}`)).status, 404);

    // the image opens there: the viewer draws it, and the study's metadata answers this session
    await link.click();
    await er.waitForURL(new RegExp(`#/imaging/view/${studyUid.replaceAll('.', '\\.')}`));
    const pane = er.locator('[data-testid="viewer-pane"][data-pane="0"]');
    await er.locator('[data-testid="viewer-pane"][data-pane="0"][data-drawn]').waitFor();
    const drawn = await panePixels(er, pane);
    assert.ok(drawn.lit > drawn.pixels * 0.1, `the image is drawn: ${drawn.lit} of ${drawn.pixels} pixels lit`);
    const meta = await fetchFrom(er, `/dicom-web/studies/${studyUid}/metadata`);
    assert.equal(meta.status, 200);
    assert.ok(meta.body.length > 0, 'the study has instances');

    // the clinic's administrator reviews the share made without consent, with what it opened:
    // the ER's reads of the images
    await clinic.getByTestId('nav-admin-emergency').click();
    const row = clinic.locator(`[data-testid="image-share-row"][data-transfer-id="${transferId}"]`);
    await row.waitFor();
    const details = clinic.locator(`[data-testid="review-opened"][data-transfer-id="${transferId}"]`);
    await details.locator('summary').click();
    await details.getByTestId('review-opened-item').first().waitFor();
    const opened = await details.getByTestId('review-opened-item').allTextContents();
    assert.ok(opened.every((text) => text.includes('みなみ大学附属医療センター')), opened.join(' / '));
    assertNoProblems(er);
    assertNoProblems(clinic);
  });

  test('a referral attaches a study; the letter of the receiving clinic links it to the viewer', async () => {
    const hospital = await openPage(browser, server.baseUrl);
    await loginAs(hospital, 'gh.sato');
    await hospital.goto(`/#/patients/${satoId}`);
    await hospital.getByTestId('patient-new-referral').click();
    await hospital.getByTestId('ref-draft-state').waitFor();
    await hospital.getByTestId('ref-target-q').fill('さくら');
    await hospital.getByTestId('ref-target-search').click();
    await hospital.locator('[data-testid="ref-target-results"][data-loaded*="さくら"]').waitFor();
    await hospital.getByTestId('ref-target-hit').filter({ hasText: 'さくらクリニック' }).getByTestId('ref-target-pick').click();
    await hospital.getByTestId('ref-target-chosen-name').filter({ hasText: 'さくらクリニック' }).waitFor();
    await hospital.getByTestId('ref-purpose').selectOption('follow_up');
    await hospital.getByTestId('letter-purpose-text').fill('頭部MRIの結果を添えて、経過観察をお願いします。');
    // his studies are offered unticked; tick one
    const check = hospital.locator('[data-testid="letter-documents-check"][data-study-uid]').first();
    await check.waitFor();
    const studyUid = await check.getAttribute('data-study-uid');
    assert.equal(await check.isChecked(), false);
    await check.check();
    await hospital.getByTestId('ref-preview').click();
    await hospital.getByTestId('ref-preview-pane').getByTestId('letter-study').waitFor();
    await hospital.getByTestId('ref-send').click();
    const page = hospital.locator('[data-testid="referral-page"][data-status="sent"]');
    await page.waitFor();
    const referralId = await page.getAttribute('data-referral-id');
    const link = hospital.getByTestId('letter-study-link');
    assert.equal(await link.getAttribute('href'), `#/imaging/view/${encodeURIComponent(studyUid)}`);
    assert.match(await link.textContent(), /^画像: \d{4}-\d\d-\d\d MR .*（みなみ総合病院）$/);

    // the clinic's letter names it too, and the study answers its session
    const clinic = await openPage(browser, server.baseUrl);
    await loginAs(clinic, 'multi.kobayashi');
    await clinic.goto(`/#/referrals/${referralId}`);
    const theirs = clinic.getByTestId('letter-study-link');
    await theirs.waitFor();
    assert.equal(await theirs.getAttribute('href'), `#/imaging/view/${encodeURIComponent(studyUid)}`);
    assert.equal((await fetchFrom(clinic, `/dicom-web/studies/${studyUid}/metadata`)).status, 200);
    assertNoProblems(hospital);
    assertNoProblems(clinic);
  });
});
