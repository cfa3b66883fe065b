// SPDX-License-Identifier: Apache-2.0
// Co-viewing (相談, issue 15), in two browser contexts of two organisations: gh.sato of
// みなみ総合病院 opens 鈴木 正雄's demo CT in the viewer and starts a consultation, inviting
// あおば在宅クリニック (on his care team with consent) from the care-team picker, of which
// aoba.mori is a member. The
// invitation shows live on aoba.mori's page with a one-click 参加する that opens the viewer on the
// study and joins. The presenter's slice and window/level then show on the other side without a
// reload, the pointer carries the name, messages reach both, and after the hand-over the other
// side presents and the first follows. Leaving ends one's part; the last one out ends it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertNoProblems, loginAs, openPage, withServerAndBrowser } from './browser.mjs';
import { apiSession, findPatientId } from './server.mjs';

const HOST = 'gh.sato'; // みなみ総合病院, which took the images
const GUEST = 'aoba.mori'; // あおば在宅クリニック, on his care team with consent

const pane = (page, n = 0) => page.locator(`[data-testid="viewer-pane"][data-pane="${n}"]`);
const waitDrawn = (page) => page.locator('[data-testid="viewer-pane"][data-pane="0"][data-drawn]').waitFor();
const waitSlice = (page, text) => pane(page).getByTestId('viewer-slice').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
const waitWindow = (page, text) => pane(page).getByTestId('viewer-wl').filter({ hasText: text }).waitFor();

describe('co-viewing', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let suzukiId;
  let ct;

  withServerAndBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    suzukiId = await findPatientId(server.baseUrl, GUEST, '鈴木 正雄', 'GH-000003');
    const studies = await (await apiSession(server.baseUrl, GUEST)).get(`/api/patients/${suzukiId}/studies`);
    ct = studies.items.find((s) => s.modalities.includes('CT'));
    assert.ok(ct, JSON.stringify(studies));
  });

  test('two organisations look at one CT together: follow, pointer, messages, hand-over, leave', async () => {
    const host = await openPage(browser, server.baseUrl);
    const guest = await openPage(browser, server.baseUrl);
    await loginAs(host, HOST);
    await loginAs(guest, GUEST); // stays on its home page: the invitation comes to any page

    await host.goto(`/#/imaging/view/${ct.study_uid}`);
    await waitDrawn(host);
    await host.getByTestId('coview-start').click();
    await host.getByTestId('coview-status').filter({ hasText: 'あなたが発表者です' }).waitFor();
    assert.match(new URL(host.url()).hash, /[?&]coview=[0-9a-f-]{36}/, 'the address names the session');
    // his care team names あおば在宅クリニック as an organisation: each of its members is invited
    const invitee = host.getByTestId('coview-invitee');
    const aoba = invitee.locator('option', { hasText: 'あおば在宅クリニック（事業所全体）' });
    await aoba.waitFor({ state: 'attached' });
    await invitee.selectOption(await aoba.getAttribute('value'));
    await host.getByTestId('coview-invite').click();
    await host.getByTestId('coview-invite-result').filter({ hasText: 'あおば在宅クリニック' }).waitFor();

    // the invitation arrives live, with a one-click way in
    const invitation = guest.getByTestId('coview-invitation');
    await invitation.filter({ hasText: '佐藤 健一' }).waitFor();
    await invitation.getByTestId('coview-join').click();
    await waitDrawn(guest);
    await guest.getByTestId('coview-status').filter({ hasText: '佐藤 健一さんの表示に合わせています' }).waitFor();
    await host.getByTestId('coview-participant').nth(1).waitFor();

    // the presenter pages and windows; the other side follows without a reload
    await pane(host).click();
    await host.keyboard.press('ArrowDown');
    await waitSlice(host, '画像 2 / 3');
    await waitSlice(guest, '画像 2 / 3');
    await host.getByTestId('viewer-preset-lung').click();
    await waitWindow(host, 'WW 1500 / WL -600');
    await waitWindow(guest, 'WW 1500 / WL -600');

    // a pointer shows on the other side with the name
    const box = await pane(guest).boundingBox();
    await guest.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4, { steps: 4 });
    await host.getByTestId('viewer-pointer').filter({ hasText: '森 健太' }).first().waitFor();

    // messages reach both sides
    await guest.getByTestId('coview-message-input').fill('左上葉の結節、前回と比べて見てもらえますか');
    await guest.getByTestId('coview-message-send').click();
    await host.getByTestId('coview-message').filter({ hasText: '左上葉の結節' }).waitFor();
    await guest.getByTestId('coview-message').filter({ hasText: '左上葉の結節' }).waitFor();

    // hand-over: now the guest presents and the host follows
    await host.locator('[data-testid="coview-participant"]', { hasText: '森 健太' }).getByTestId('coview-handover').click();
    await guest.getByTestId('coview-status').filter({ hasText: 'あなたが発表者です' }).waitFor();
    await host.getByTestId('coview-status').filter({ hasText: '森 健太さんの表示に合わせています' }).waitFor();
    await pane(guest).click();
    await guest.keyboard.press('ArrowDown');
    await waitSlice(guest, '画像 3 / 3');
    await waitSlice(host, '画像 3 / 3');
    await guest.getByTestId('viewer-preset-bone').click();
    await waitWindow(host, 'WW 2000 / WL 300');

    // leaving: the host leaves, the guest is alone and presents; the last one out ends it
    await host.getByTestId('coview-leave').click();
    await host.getByTestId('coview-start').waitFor();
    await guest.locator('[data-testid="coview-participant"]').filter({ hasText: '佐藤 健一' }).waitFor({ state: 'detached' });
    await guest.getByTestId('coview-leave').click();
    await guest.getByTestId('coview-start').waitFor();
    assertNoProblems(host);
    assertNoProblems(guest);
    await host.context().close();
    await guest.context().close();
  });
});
