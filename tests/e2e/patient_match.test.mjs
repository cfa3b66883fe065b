// SPDX-License-Identifier: Apache-2.0
// Registration finds the patient first (名寄せ, issue 13 item 3): registering 山田 花子 again at
// another hospital offers her existing record to link to; registering anew needs a reason; the
// network office sees the pair among possible duplicates. Both screens fit a 768 px tablet.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, searchPatients, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

// Set TSUNAGU_E2E_SCREENSHOTS=<dir> to keep pictures of the screens for a human to look at.
const SHOTS = process.env.TSUNAGU_E2E_SCREENSHOTS;
const DESKTOP = { width: 1366, height: 900 };

async function fitsAndShoot(page, viewport, name, fullPage = true) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `${name} is ${width} px wide at ${viewport.width}`);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${viewport.width}.png`), fullPage });
  }
}

async function fillRegistration(page, localId) {
  await page.goto('/#/patients');
  await page.getByTestId('patient-new').click();
  await page.getByTestId('new-name').fill('山田 花子');
  await page.getByTestId('new-kana').fill('やまだ はなこ');
  await page.getByTestId('new-sex').selectOption('female');
  await page.getByTestId('new-birth-date').fill('1941-04-12');
  await page.getByTestId('new-local-id').fill(localId);
  await page.getByTestId('new-submit').click();
  const panel = page.getByTestId('match-panel');
  await panel.waitFor();
  return panel;
}

describe('registration finds the same patient', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let hanakoId;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    hanakoId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
  });

  test('registering her again at another hospital offers her record to link', async () => {
    for (const viewport of [DESKTOP, TABLET]) {
      const page = await openPage(browser, server.baseUrl, { viewport });
      await loginAs(page, 'uh.fujita');
      const panel = await fillRegistration(page, `UH-E2E-${viewport.width}`);
      const candidate = panel.getByTestId('match-candidate');
      assert.equal(await candidate.count(), 1);
      assert.equal(await candidate.getAttribute('data-grade'), 'certain');
      assert.equal(await candidate.getByTestId('match-name').textContent(), '山田 花子');
      assert.match(await candidate.textContent(), /他の機関で登録されている患者/);
      await fitsAndShoot(page, viewport, 'registration-match', false); // the dialog scrolls itself
      if (viewport === DESKTOP) {
        await page.context().close();
        continue;
      }
      // linking records the consent of the form and opens her record, allergies and all
      await candidate.getByTestId('match-link').click();
      await page.waitForURL(new RegExp(`#/patients/${hanakoId}`));
      await page.getByTestId('tab-record').waitFor();
      assert.match(await page.getByTestId('patient-local-ids').textContent(), /UH-E2E-768/);
      assertNoProblems(page);
      await page.context().close();
    }
  });

  test('registering anew needs a reason, and the network office sees the pair', async () => {
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'rehab.kimura');
    const panel = await fillRegistration(page, 'RH-E2E-1');
    await panel.getByTestId('match-register-anew').click();
    assert.equal(await page.getByTestId('patient-header').count(), 0, 'not registered without a reason');
    await panel.getByTestId('match-new-reason').fill('保険証と住所が異なる別人と確認');
    await panel.getByTestId('match-register-anew').click();
    await page.getByTestId('patient-header').waitFor();
    assertNoProblems(page);
    await page.context().close();

    for (const viewport of [TABLET, DESKTOP]) {
      const office = await openPage(browser, server.baseUrl, { viewport });
      await loginAs(office, 'jimukyoku');
      await office.getByTestId('nav-duplicates').first().click();
      const pair = office.getByTestId('duplicate-pair').filter({ hasText: 'RH-E2E-1' });
      await pair.waitFor();
      assert.match(await pair.textContent(), /GH-000001/);
      assert.match(await pair.getByTestId('duplicate-reason').textContent(), /保険証と住所が異なる別人と確認/);
      await fitsAndShoot(office, viewport, 'duplicates');
      if (viewport === DESKTOP) {
        // keep her first record: the new one is merged into it
        await pair.getByTestId('duplicate-reason-input').fill('同一人物と確認');
        const keep = pair.locator(`[data-patient-id="${hanakoId}"]`).getByTestId('duplicate-keep');
        await keep.click();
        await office.getByTestId('duplicates-notice').waitFor();
        assert.equal(await office.getByTestId('duplicate-pair').filter({ hasText: 'RH-E2E-1' }).count(), 0);
      }
      assertNoProblems(office);
      await office.context().close();
    }
    const sato = await apiSession(server.baseUrl, 'gh.sato');
    const hanako = await sato.get(`/api/patients/${hanakoId}`);
    assert.ok(hanako.local_ids.some((l) => l.local_id === 'RH-E2E-1'));
  });

  test('after a merge her record shows what was recorded under the duplicate', async () => {
    // uh.fujita's hospital registers her anew (with a reason) and records an allergy there
    const uh = await apiSession(server.baseUrl, 'uh.fujita');
    const tokyoToday = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const twin = await uh.post('/api/patients', {
      name: '山田 花子', name_kana: 'ヤマダ ハナコ', sex: 'female', birth_date: '1941-04-12',
      local_id: 'UH-E2E-1', new_patient_reason: '救急搬送時、同一人物か確認できず',
      consent: { method: 'written', consented_on: tokyoToday, scope: 'all' },
    });
    await uh.post('/fhir/AllergyIntolerance', {
      resourceType: 'AllergyIntolerance', patient: { reference: `Patient/${twin.id}` },
      code: { text: 'ラテックス(統合前の記録)' },
    });
    const office = await apiSession(server.baseUrl, 'jimukyoku');
    await office.post('/api/patient-duplicates/merge', { survivor_id: hanakoId, merged_id: twin.id, reason: '同一人物と確認' });

    // her team opens her record: the merged registration's allergy is there, with her own
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    const results = await searchPatients(page, 'やまだ はなこ');
    await results.getByTestId('patient-row').filter({ hasText: 'GH-000001' }).getByTestId('patient-link').click();
    await page.getByTestId('patient-merged-from').waitFor();
    await page.getByTestId('tab-record').click();
    const allergies = page.getByTestId('allergy-name');
    await allergies.filter({ hasText: 'ラテックス(統合前の記録)' }).waitFor();
    const names = await allergies.allTextContents();
    assert.ok(names.some((n) => /造影/.test(n)), `her own allergies are listed too: ${names}`);
    assertNoProblems(page);
    await page.context().close();
  });
});
