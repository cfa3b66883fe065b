// SPDX-License-Identifier: Apache-2.0
// The 紹介 page `#/referrals?box=inbox|sent&status=<code>`: the current organisation's received
// referrals (the 地域連携室 view) and sent ones, with status chips and their counts. A `referral`
// event reads the list and the counts again; the header link shows how many are new.
import { api } from '../../../api';
import { attempt, empty, errorBox, loadInto, pageTitle } from '../../../common';
import { h, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime } from '../../../format';
import { codeLabel, t } from '../../../i18n';
import { hashOf, type Route } from '../../../router';
import { countLink } from '../../../shell';
import { directoryCodes } from '../../directory/api';
import type { DirCodes } from '../../directory/types';
import { STATUSES, referralCodes, referralStream } from '../api';
import type { ReferralCodes, ReferralList, ReferralSummary } from '../types';
import { codeText, kindText, orgName, statusBadge, urgencyBadge } from './referralCommon';

type Box = 'inbox' | 'sent';
const PAGE = 50;
const RARE = new Set(['redirected', 'cancelled']);

/** Counts by status, whether the server sends an object or a list of {status, count}. */
function countsOf(raw: unknown): Record<string, number> {
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((c: { status?: string; count?: number }) => [c.status ?? '', Number(c.count ?? 0)]),
    );
  }
  return raw && typeof raw === 'object' ? (raw as Record<string, number>) : {};
}

function row(box: Box, ref: ReferralSummary, dirCodes: DirCodes, codes: ReferralCodes): HTMLTableRowElement {
  const isNew = box === 'inbox' && ref.status === 'sent';
  const dept = ref.to_department ? codeLabel(dirCodes.departments, ref.to_department) : '';
  const classes = [isNew ? 'new' : '', ref.urgency === 'emergency' ? 'urgent-row' : ''].filter(Boolean).join(' ');
  return h(
    'tr',
    { class: classes || undefined, testid: 'ref-row', 'data-referral-id': ref.id, 'data-status': ref.status, 'data-new': String(isNew) },
    td(urgencyBadge(ref.urgency)),
    tdWrap(
      h('a', { href: hashOf(['referrals', ref.id]), class: 'patient-link', testid: 'ref-row-link' }, h('strong', null, ref.patient.name)),
      h('div', { class: 'small muted' }, ref.patient.name_kana),
    ),
    tdWrap(
      h('span', { testid: 'ref-row-from' }, orgName(ref.from_org)),
      ' → ',
      h('span', { testid: 'ref-row-to' }, orgName(ref.to_org)),
      ref.kind === 'reverse' ? h('div', null, h('small', { class: 'badge muted' }, kindText(ref.kind))) : null,
    ),
    td(dept),
    tdWrap(codeText('purpose', ref.purpose, codes.purposes)),
    tdTime(formatDateTime(ref.sent_at)),
    ref.scheduled_for ? tdTime(formatDateTime(ref.scheduled_for)) : td('—'),
    td(isNew ? [statusBadge(ref.status), ' ', h('span', { class: 'new-mark', testid: 'ref-row-new' }, t('referral.new_mark'))] : statusBadge(ref.status)),
  );
}

function chips(counts: Record<string, number>, status: string, choose: (status: string) => void): HTMLElement {
  const total = Object.values(counts).reduce((sum, n) => sum + (Number(n) || 0), 0);
  const chip = (code: string, label: string, count: number): HTMLButtonElement =>
    h(
      'button',
      {
        type: 'button',
        class: 'filter-chip',
        testid: `ref-chip-${code || 'all'}`,
        'aria-pressed': String(code === status),
        'data-count': String(count),
        onclick: () => choose(code),
      },
      label,
      ' ',
      h('span', { class: 'count', testid: 'ref-chip-count' }, String(count)),
    );
  return h(
    'div',
    { class: 'filter-chips', role: 'group', 'aria-label': t('referral.status_filter'), testid: 'ref-chips' },
    chip('', t('referral.all'), total),
    // Redirected and cancelled referrals are rare: their chips show only when there are some.
    STATUSES.filter((code) => !RARE.has(code) || code === status || (counts[code] ?? 0) > 0).map((code) =>
      chip(code, codeText('status', code), counts[code] ?? 0),
    ),
  );
}

export async function renderReferrals(main: HTMLElement, route: Route): Promise<void> {
  let box: Box = route.query.get('box') === 'sent' ? 'sent' : 'inbox';
  let status = route.query.get('status') ?? '';
  const body = h('div', { class: 'stack' });
  const live = h('span', { class: 'visually-hidden', testid: 'ref-list-live' });
  replace(main, pageTitle(t('referral.list_title'), live), body);
  const loaded = await loadInto(body, () => Promise.all([directoryCodes(), referralCodes()]));
  if (!loaded) return;
  const [dirCodes, codes] = loaded;
  const errors = errorBox();
  const tabs = (['inbox', 'sent'] as const).map((b) =>
    h('button', { type: 'button', role: 'tab', class: 'tab', testid: `ref-box-${b}` }, t(`referral.box.${b}`)),
  );
  const chipSlot = h('div');
  const list = h('section', { testid: 'ref-list', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', testid: 'ref-more' }, t('common.more'));
  more.hidden = true;
  let cursor: string | null = null;
  let items: ReferralSummary[] = [];
  let seq = 0;

  const draw = (): void => {
    replace(
      list,
      items.length === 0
        ? empty(t(box === 'inbox' ? 'referral.inbox_empty' : 'referral.sent_empty'), 'ref-empty')
        : table(
            'ref-table',
            [t('referral.urgency'), t('referral.patient'), t('referral.from_to'), t('referral.department'), t('referral.purpose'), t('referral.sent_at'), t('referral.appointment'), t('referral.status')],
            items.map((ref) => row(box, ref, dirCodes, codes)),
          ),
    );
    list.dataset.box = box;
    list.dataset.status = status;
    list.dataset.count = String(items.length);
    more.hidden = !cursor;
  };
  const fetchPage = async (append: boolean): Promise<void> => {
    const mine = ++seq;
    const answer = await api.get<ReferralList>('/api/referrals', { box, status, limit: PAGE, cursor: append ? cursor : undefined });
    if (mine !== seq) return; // a newer request (tab or chip change) wins
    items = append ? [...items, ...answer.items] : answer.items;
    cursor = answer.next_cursor ?? null;
    replace(chipSlot, chips(countsOf(answer.counts), status, choose));
    draw();
    if (box === 'inbox') referralsLink.show(countsOf(answer.counts).sent ?? 0);
  };
  const reload = (): void => {
    void fetchPage(false).catch(() => undefined);
  };
  function choose(next: string): void {
    status = next;
    history.replaceState(null, '', hashOf(['referrals'], { box: box === 'sent' ? 'sent' : undefined, status }));
    reload();
  }
  const selectBox = (next: Box): void => {
    box = next;
    status = '';
    tabs.forEach((tab, i) => tab.setAttribute('aria-selected', String((i === 0 ? 'inbox' : 'sent') === box)));
    choose('');
  };
  tabs.forEach((tab, i) => tab.addEventListener('click', () => selectBox(i === 0 ? 'inbox' : 'sent')));
  tabs.forEach((tab, i) => tab.setAttribute('aria-selected', String((i === 0 ? 'inbox' : 'sent') === box)));
  more.addEventListener('click', () => void attempt(more, errors, () => fetchPage(true)));
  replace(
    body,
    h('div', { class: 'tab-list', role: 'tablist', 'aria-label': t('referral.list_title') }, tabs),
    chipSlot,
    errors,
    list,
    h('div', { class: 'row end' }, more),
  );
  await attempt(more, errors, () => fetchPage(false));
  let timer = 0;
  referralStream(() => {
    // Several steps often come together: read once after a short pause.
    window.clearTimeout(timer);
    timer = window.setTimeout(reload, 150);
  }, live);
}

// ---- the header link and its count of new referrals ----

/** The header link to the referrals, with the number of new received referrals when known. */
export const referralsLink = countLink({
  hash: '#/referrals',
  testid: 'nav-referrals',
  label: 'nav.referrals',
  counted: 'nav.referrals_new',
  data: 'new',
  read: async () => countsOf((await api.get<ReferralList>('/api/referrals', { box: 'inbox', limit: 1 })).counts).sent ?? 0,
});
