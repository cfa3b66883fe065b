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
import { eventLabel, objectLabel } from '../../auditlog/labels';
import type { EmergencyGrant, EmergencyOpened } from '../types';

export function renderEmergencyReviews(main: HTMLElement, route: Route): void {
  const status = route.query.get('status') === 'closed' ? 'closed' : 'open';
  const list = h('div');
  const errors = errorBox();
  const refresh = (): void =>
    void load(
      list,
      () => api.get<List<EmergencyGrant> & { image_shares?: ImageShare[] }>('/api/emergency/reviews', { status }),
      (answer) => [reviewTable(answer.items, status, errors, refresh), imageShares(answer.image_shares ?? [], errors, refresh)],
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

/** An emergency image share made without consent (救急画像送信, GET /api/emergency/reviews). */
interface ImageShare {
  id: string;
  patient: { id: string; name: string };
  from_user: { id: string; name: string | null };
  to_org: { id: string; name: string | null };
  reason: string | null;
  created_at: string;
  open: boolean;
  review_closed_at: string | null;
  review_comment: string | null;
  review_closed_by: { id: string; name: string | null } | null;
}

function shareCloseForm(share: ImageShare, errors: HTMLElement, refresh: () => void): HTMLElement {
  const comment = h('input', { required: true, maxlength: 1000, 'aria-label': t('reviews.comment'), placeholder: t('reviews.comment'), testid: 'share-review-comment' });
  const submit = h('button', { type: 'submit', class: 'primary small', testid: 'share-review-close' }, t('reviews.close'));
  const form = h('form', { class: 'row' }, comment, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post(`/api/transfers/${seg(share.id)}/review`, { comment: comment.value.trim() });
      refresh();
    });
  });
  return form;
}

function imageShares(items: ImageShare[], errors: HTMLElement, refresh: () => void): HTMLElement {
  return h(
    'section',
    { class: 'stack', testid: 'image-share-reviews' },
    h('h2', null, t('transfer.reviews_title')),
    h('p', { class: 'muted' }, t('transfer.reviews_explain')),
    items.length === 0
      ? empty(t('transfer.reviews_none'), 'image-share-reviews-empty')
      : table(
          'image-share-table',
          [t('reviews.started'), t('reviews.user'), t('reviews.patient'), t('transfer.to'), t('reviews.reason'), t('reviews.comment')],
          items.flatMap((s) => [
            h(
              'tr',
              { testid: 'image-share-row', 'data-transfer-id': s.id },
              tdTime(formatDateTime(s.created_at)),
              td(s.from_user.name ?? ''),
              td(s.patient.name),
              td(s.to_org.name ?? ''),
              tdWrap(s.reason ?? ''),
              s.review_closed_at
                ? tdWrap(h('div', null, s.review_comment ?? ''), h('small', { class: 'muted' }, t('reviews.closed_by', { name: s.review_closed_by?.name ?? '', time: formatDateTime(s.review_closed_at) })))
                : tdWrap(shareCloseForm(s, errors, refresh)),
            ),
            openedRow(`/api/transfers/${seg(s.id)}/opened`, { 'data-transfer-id': s.id }),
          ]),
        ),
  );
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
    [
      t('reviews.started'),
      t('reviews.user'),
      t('reviews.patient'),
      t('reviews.reason'),
      t('reviews.status'),
      t('reviews.comment'),
    ],
    items.flatMap((g) => [
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
          : tdWrap(
              g.status === 'active'
                ? h('p', { class: 'hint', testid: 'review-running' }, t('reviews.running', { time: formatDateTime(g.expires_at) }))
                : closeForm(g, errors, refresh),
            ),
      ),
      // what it opened, under its row and as wide as the table, once it has ended
      ...(g.status === 'active' ? [] : [openedRow(`/api/emergency/${seg(g.id)}/opened`, { 'data-grant-id': g.id })]),
    ]),
  );
}

/** What an access (or an emergency image share) opened, from the audit at url, loaded when
 *  unfolded, as a row under its own and as wide as the table. */
function openedRow(url: string, attrs: Record<string, string>): HTMLTableRowElement {
  const body = h('div', { class: 'opened' });
  const details = h('details', { testid: 'review-opened', ...attrs }, h('summary', null, t('reviews.opened')), body);
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    void load(
      body,
      () => api.get<List<EmergencyOpened>>(url),
      (answer) =>
        answer.items.length === 0
          ? empty(t('reviews.opened_none'), 'review-opened-none')
          : h(
              'ul',
              { class: 'opened-list' },
              runs(answer.items).map(({ first, label, count }) =>
                h(
                  'li',
                  { testid: 'review-opened-item' },
                  h('span', { class: 'muted small' }, formatDateTime(first.time)),
                  ' ',
                  label,
                  count > 1 ? h('span', { class: 'muted' }, ` ×${count}`) : null,
                ),
              ),
            ),
    );
  });
  return h('tr', { class: 'opened-row' }, h('td', { colspan: 6, class: 'wrap' }, details));
}

/** The records that say the same thing, as one line with the first time and their count. */
function runs(items: EmergencyOpened[]): { first: EmergencyOpened; label: string; count: number }[] {
  const out = new Map<string, { first: EmergencyOpened; label: string; count: number }>();
  for (const o of items) {
    const event = eventLabel(o.event_id, o.object_type, o.action);
    const object = objectLabel(o.object_type);
    const what = object && object !== event && !event.includes(object) ? `${event}(${object})` : event;
    const label = o.org?.name ? `${o.org.name}: ${what}` : what;
    const seen = out.get(label);
    if (seen) seen.count += 1;
    else out.set(label, { first: o, label, count: 1 });
  }
  return [...out.values()];
}
