// SPDX-License-Identifier: Apache-2.0
// Smaller form behaviour on a tablet (issue 13, item 16): a field the server flags on the
// referral form is scrolled into view below the sticky header, not under it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLET, assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

const UNIVERSITY = 'みなみ大学附属医療センター';

/** The organisation's directory profile as PUT takes it (without the server's own fields). */
function profileBody(profile, changes) {
  const { updated_at: _at, updated_by: _by, ...body } = profile;
  return { ...body, ...changes };
}

describe('forms on a tablet', { timeout: 180_000 }, () => {
  let server;
  let browser;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('a field the server flags on the referral form is shown below the sticky header', async () => {
    const patientId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/referrals/new?patient=${patientId}`);
    await page.getByTestId('ref-target-q').fill('みなみ');
    await page.getByTestId('ref-target-search').click();
    await page.locator('[data-testid="ref-target-results"][data-loaded*="みなみ"]').waitFor();
    await page.getByTestId('ref-target-hit').filter({ hasText: UNIVERSITY }).getByTestId('ref-target-pick').click();
    await page.getByTestId('ref-department').selectOption('cardiology');
    await page.getByTestId('ref-purpose').selectOption('consultation');
    await page.getByTestId('letter-purpose-text').fill('ご高診をお願いします。');
    await page.getByTestId('ref-preview').click();
    await page.getByTestId('ref-send').waitFor();

    // Meanwhile the university stops taking cardiology referrals: the server refuses the department.
    const admin = await apiSession(server.baseUrl, 'uh.admin');
    const hits = await admin.get('/api/directory/search?limit=100');
    const entry = await admin.get(`/api/directory/orgs/${hits.items.find((hit) => hit.name === UNIVERSITY).id}`);
    const departments = entry.profile.departments.filter((code) => code !== 'cardiology');
    await admin.put(`/api/directory/orgs/${entry.org.id}/profile`, profileBody(entry.profile, { departments }));

    await page.getByTestId('ref-send').click();
    const flagged = page.locator('[data-testid="ref-department"][aria-invalid="true"]');
    await flagged.waitFor();
    const header = await page.getByTestId('header').boundingBox();
    const field = await flagged.boundingBox();
    assert.ok(field.y >= header.y + header.height, `field top ${field.y} below header bottom ${header.y + header.height}`);
    assert.ok(field.y + field.height <= TABLET.height, `field bottom ${field.y + field.height} on screen`);
    // and the message saying what is wrong is not hidden under the header either
    const message = await page.locator('[data-testid="ref-new"] > [data-testid="error"]').boundingBox();
    assert.ok(message.y >= header.y + header.height, `message top ${message.y} below header bottom`);
    assert.match(await page.locator('[data-testid="ref-new"] > [data-testid="error"]').textContent(), /診療科/);
    assertNoProblems(page);
    await page.context().close();
  });

  test('the lab form offers the tests the record shows, found by a search', async () => {
    const patientId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${patientId}/record`);
    const rows = page.getByTestId('lab-table').getByTestId('lab-row');
    await rows.first().waitFor();
    const shownTests = await rows.count();
    await page.getByTestId('add-lab').click();
    const dialog = page.getByTestId('lab-dialog');
    const select = dialog.getByTestId('lab-test');
    const offered = await select.locator('option:not([value=""])').count();
    assert.ok(offered >= shownTests, `${offered} tests offered, ${shownTests} shown in the table`);

    const search = dialog.getByTestId('lab-test-q');
    for (const [typed, id] of [['へもぐ', 'hb'], ['LDL', 'ldl'], ['ＡＳＴ', 'ast'], ['3H015', 'k']]) {
      await search.fill(typed);
      assert.equal(await select.getAttribute('data-shown'), '1', `one test for ${typed}`);
      assert.equal(await select.inputValue(), id, `${typed} chooses ${id}`);
    }
    await search.fill('');
    assert.equal(Number(await select.getAttribute('data-shown')), offered);

    await search.fill('ヘモグロビン');
    assert.equal(await dialog.getByTestId('lab-unit').textContent(), 'g/dL');
    await dialog.getByTestId('lab-value-input').fill('10.9');
    await dialog.getByTestId('lab-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const hb = page.getByTestId('lab-table').locator('[data-testid="lab-row"][data-test-name="ヘモグロビン"]');
    await hb.getByTestId('lab-value').filter({ hasText: /^10\.9$/ }).waitFor();
    assert.match(await hb.getByTestId('lab-flag').textContent(), /L/);
    assertNoProblems(page);
    await page.context().close();
  });

  test('the care team names its members with their roles', async () => {
    const patientId = await findPatientId(server.baseUrl, 'gh.sato', '山田 花子', 'GH-000001');
    const page = await openPage(browser, server.baseUrl, { viewport: TABLET });
    await loginAs(page, 'gh.sato');
    await page.goto(`/#/patients/${patientId}/team`);
    const people = page.getByTestId('team-people');
    await people.waitFor();
    const person = (role) => people.locator(`[data-testid="team-person"][data-role="${role}"]`);
    assert.match(await person('attending_physician').textContent(), /田中 誠.*あおば在宅クリニック/);
    assert.match(await person('care_manager').textContent(), /渡辺 久美子.*みなみ居宅介護支援事業所/);
    assert.match(await person('visiting_nurse').textContent(), /中島 亜希/);
    const roles = await people.getByTestId('team-person-role').allTextContents();
    for (const label of ['主治医', '担当ケアマネ', '訪問看護担当']) assert.ok(roles.includes(label), `${label} in ${roles}`);
    // the table says the same, row by row
    const row = page.getByTestId('team-member').filter({ hasText: '渡辺 久美子' });
    assert.equal(await row.getByTestId('team-member-role').textContent(), '担当ケアマネ');
    assertNoProblems(page);
    await page.context().close();
  });
});
