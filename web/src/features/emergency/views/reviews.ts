// SPDX-License-Identifier: Apache-2.0
// Administration `#/admin/emergency`: the organisation's emergency accesses to review, each
// closed with a comment.
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox, load, pageTitle } from '../../../common';
import { h, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t, tCode } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import type { List } from '../../../types';
import type { EmergencyGrant } from '../types';

export function renderEmergencyReviews(main: HTMLElement, route: Route): void {
  const status = route.query.get('status') === 'closed' ? 'closed' : 'open';
  const list = h('div');
  const errors = errorBox();
  const refresh = (): void =>
    void load(
      list,
      () => api.get<List<EmergencyGrant>>('/api/emergency/reviews', { status }),
      (answer) => reviewTable(answer.items, status, errors, refresh),
    );
  const switcher = h(
    'div',
    { class: 'row', role: 'group' },
    (['open', 'closed'] as const).map((s) =>
      h(
        'button',
        {
          type: 'button',
          class: s === status ? 'primary small' : 'secondary small',
          'aria-pressed': String(s === status),
          testid: `reviews-${s}`,
          onclick: () => go(hashOf(['admin', 'emergency'], { status: s === 'open' ? undefined : s })),
        },
        t(s === 'open' ? 'reviews.open' : 'reviews.closed'),
      ),
    ),
  );
  replace(main, pageTitle(t('reviews.title')), h('p', { class: 'muted' }, t('reviews.explain')), switcher, errors, list);
  refresh();
}

function statusBadge(grant: EmergencyGrant): HTMLElement {
  return badge(t(`emergency.status.${grant.status}`), grant.status === 'active' ? 'warn' : 'muted');
}

function closeForm(grant: EmergencyGrant, errors: HTMLElement, refresh: () => void): HTMLElement {
  const comment = h('input', {
    required: true,
    maxlength: 1000,
    autocomplete: 'off',
    'aria-label': t('reviews.comment'),
    placeholder: t('reviews.comment'),
    testid: 'review-comment',
  });
  const submit = h('button', { type: 'submit', class: 'primary small', testid: 'review-close' }, t('reviews.close'));
  const form = h('form', { class: 'row' }, comment, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post(`/api/emergency/${seg(grant.id)}/review`, { comment: comment.value.trim() });
      refresh();
    });
  });
  return form;
}

function reviewTable(
  items: EmergencyGrant[],
  status: 'open' | 'closed',
  errors: HTMLElement,
  refresh: () => void,
): HTMLElement {
  if (items.length === 0) return empty(t(status === 'open' ? 'reviews.none' : 'reviews.none_closed'), 'reviews-empty');
  return table(
    'reviews-table',
    [t('reviews.started'), t('reviews.user'), t('reviews.patient'), t('reviews.reason'), t('reviews.status'), t('reviews.comment')],
    items.map((g) =>
      h(
        'tr',
        { testid: 'review-row', 'data-grant-id': g.id },
        tdTime(formatDateTime(g.started_at)),
        td(h('div', null, g.user.name), h('small', { class: 'muted' }, tCode('profession', g.user.profession))),
        td(g.patient.name),
        tdWrap(g.reason),
        td(statusBadge(g)),
        g.review.closed_at
          ? tdWrap(
              h('div', null, g.review.comment ?? ''),
              h(
                'small',
                { class: 'muted' },
                t('reviews.closed_by', {
                  name: g.review.closed_by?.name ?? '',
                  time: formatDateTime(g.review.closed_at),
                }),
              ),
            )
          : td(g.status === 'active' ? '' : closeForm(g, errors, refresh)),
      ),
    ),
  );
}
