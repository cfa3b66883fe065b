// SPDX-License-Identifier: Apache-2.0
// 救急受入 `#/transfers`: the emergency transfers received by the organisation (or, with
// ?box=outgoing, those it sent), each open with its summary and images. The page listens to
// topic "transfer" and reloads on every event, with an alert for a new one: no reload needed.
import { api, seg } from '../../../api';
import { liveRefresh, load, pageTitle } from '../../../common';
import { h, replace } from '../../../dom';
import { t } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import type { Transfer, TransferPage } from '../types';
import { transferCard } from './card';

type Box = 'incoming' | 'outgoing';

async function loadTransfers(box: Box): Promise<Transfer[]> {
  const page = await api.get<TransferPage>('/api/transfers', { box, limit: 50 });
  // each opened at once: the summary and the images before the patient arrives
  return Promise.all(page.items.map((item) => api.get<Transfer>(`/api/transfers/${seg(item.id)}`)));
}

function boxSwitch(box: Box): HTMLElement {
  return h(
    'div',
    { class: 'row', role: 'group' },
    (['incoming', 'outgoing'] as const).map((b) =>
      h(
        'button',
        {
          type: 'button',
          class: b === box ? 'primary small' : 'secondary small',
          'aria-pressed': String(b === box),
          testid: `transfers-${b}`,
          onclick: () => go(hashOf(['transfers'], { box: b === 'incoming' ? undefined : b })),
        },
        t(b === 'incoming' ? 'transfer.incoming' : 'transfer.outgoing'),
      ),
    ),
  );
}

export function renderTransfers(main: HTMLElement, route: Route): void {
  const box: Box = route.query.get('box') === 'outgoing' ? 'outgoing' : 'incoming';
  const list = h('div', { testid: 'transfers' });
  const alert = h('div', { class: 'alert warn transfer-alert', role: 'alert', testid: 'transfer-alert' });
  alert.hidden = true;
  let known = new Set<string>();
  let first = true;
  const show = (items: Transfer[]): HTMLElement => {
    const fresh = items.filter((tr) => !known.has(tr.id));
    if (!first && box === 'incoming' && fresh[0]) {
      alert.textContent = t('transfer.alert', { from: fresh[0].from_org.name ?? '', patient: fresh[0].patient.name });
      alert.hidden = false;
    }
    first = false;
    known = new Set(items.map((tr) => tr.id));
    if (items.length === 0)
      return h('p', { class: 'empty', testid: `transfers-empty` }, t(box === 'incoming' ? 'transfer.none_incoming' : 'transfer.none_outgoing'));
    return h('ul', { class: 'stack plain-list', testid: `transfers-${box}-list` }, items.map((tr) => transferCard(tr, box, refresh)));
  };
  const refresh = (): void => void load(list, () => loadTransfers(box), show);
  const line = liveRefresh('transfers-live', 'transfer', { connecting: 'board.connecting', live: 'transfer.live', reconnecting: 'board.reconnecting' }, refresh);
  replace(main, pageTitle(t('transfer.er_title')), h('p', { class: 'muted' }, t('transfer.er_explain')), alert, boxSwitch(box), line, list);
  refresh();
}
