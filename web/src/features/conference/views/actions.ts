// SPDX-License-Identifier: Apache-2.0
// The conference page's 対応事項 section: each action item with its owner, due date and whether it
// is done; the owner marks theirs done; the organiser's side adds one with an owner from the
// people taking part.
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox } from '../../../common';
import { field, h, option, table, td, tdWrap } from '../../../dom';
import { formatDate, formatDateTime, todayTokyo } from '../../../format';
import { t } from '../../../i18n';
import { currentMe } from '../../../session';
import { organises } from '../api';
import type { ActionItem, Conference } from '../types';
import { formDialog } from './forms';

function itemRow(c: Conference, item: ActionItem, reload: () => void): HTMLTableRowElement {
  const mine = item.owner.id === currentMe()?.user.id;
  const errors = errorBox();
  const done = h('button', { type: 'button', class: 'secondary small', testid: 'action-done' }, t('conference.action_done'));
  done.addEventListener('click', () => void attempt(done, errors, async () => {
    await api.post(`/api/conferences/${seg(c.id)}/action-items/${seg(item.id)}/done`);
    reload();
  }));
  return h(
    'tr',
    { testid: 'action-item', 'data-action-id': item.id, 'data-done': item.done_at ? 'true' : 'false' },
    tdWrap(item.text),
    td(item.owner.name),
    td(formatDate(item.due_date)),
    td(item.done_at ? badge(t('conference.action_done_at', { at: formatDateTime(item.done_at) }), 'ok') : mine && c.status !== 'cancelled' ? [done, errors] : badge(t('conference.action_open'), 'muted')),
  );
}

function openActionForm(c: Conference, reload: () => void): void {
  const people = c.participants.flatMap((o) => o.people.map((p) => ({ ...p, org: o.name })));
  const text = h('textarea', { name: 'text', rows: 3, maxlength: 1000, testid: 'action-text' });
  const owner = h('select', { name: 'owner_user_id', testid: 'action-owner' }, people.map((p) => option(p.id, `${p.name}（${p.org}）`)));
  const due = h('input', { type: 'date', name: 'due_date', value: todayTokyo(), testid: 'action-due' });
  formDialog('conference.action_add', 'action', [field(t('conference.action_text'), text), h('div', { class: 'grid2' }, field(t('conference.action_owner'), owner, t('conference.action_owner_hint')), field(t('conference.action_due'), due))], async () => {
    await api.post(`/api/conferences/${seg(c.id)}/action-items`, { text: text.value.trim(), owner_user_id: owner.value, due_date: due.value });
    reload();
  });
}

export function actionsSection(c: Conference, reload: () => void): HTMLElement {
  const items = c.action_items ?? [];
  const add = organises(c) && c.status !== 'cancelled' ? h('button', { type: 'button', class: 'secondary', testid: 'action-add', onclick: () => openActionForm(c, reload) }, t('conference.action_add')) : null;
  return h(
    'section',
    { class: 'card stack', testid: 'actions' },
    h('div', { class: 'row' }, h('h2', { class: 'card-title' }, t('conference.actions_title')), add),
    items.length === 0
      ? empty(t('conference.actions_empty'), 'actions-empty')
      : table('action-items', [t('conference.action_text'), t('conference.action_owner'), t('conference.action_due'), t('conference.col_status')], items.map((i) => itemRow(c, i, reload))),
  );
}
