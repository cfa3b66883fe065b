// SPDX-License-Identifier: Apache-2.0
// Notifications of the current organisation `#/notifications` (emergency access to a patient of
// its care team), and the unread count the header shows.
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox, load, pageTitle } from '../../../common';
import { h, replace } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t, tCode } from '../../../i18n';
import { hashOf } from '../../../router';
import { countLink } from '../../../shell';
import { codeText } from '../../referral/views/referralCommon';
import { notificationKind } from '../extensions';
import type { AppNotification, NotificationList } from '../types';

export function renderNotifications(main: HTMLElement): void {
  const list = h('div', { testid: 'notifications' });
  const errors = errorBox();
  const refresh = (): void =>
    void load(
      list,
      () => api.get<NotificationList>('/api/notifications'),
      (answer) => notificationList(answer.items, errors, refresh),
    );
  replace(main, pageTitle(t('notifications.title')), errors, list);
  refresh();
}

function message(n: AppNotification): string {
  if (n.kind === 'emergency_access') {
    return t('notifications.emergency', {
      org: n.summary.org_name ?? '',
      user: n.summary.user_name ?? '',
      patient: n.patient?.name ?? '',
      reason: n.summary.reason ?? '',
    });
  }
  if (n.kind === 'referral') {
    // The patient first (shown only to whom the referral's rule lets read it, audited), so that
    // the doctor in brackets is not read as the patient.
    return t(n.patient ? 'notifications.referral' : 'notifications.referral_no_patient', {
      patient: n.patient?.name ?? '',
      kind: codeText('kind', n.summary.kind ?? 'referral'),
      event: codeText('event', n.summary.event ?? ''),
      from: n.summary.from_org_name ?? '',
      to: n.summary.to_org_name ?? '',
      user: n.summary.by_user_name ?? '',
    });
  }
  if (n.kind === 'booking') return bookingMessage(n);
  if (n.kind === 'account_reset') {
    return t(n.summary.by_network_office ? 'notifications.account_reset_office' : 'notifications.account_reset', {
      name: n.summary.name ?? '',
      login: n.summary.login ?? '',
      user: n.summary.by_user_name ?? '',
    });
  }
  return notificationKind(n.kind)?.message(n) ?? n.kind;
}

/** Where a notification leads: the referral it is about, else the patient. */
function target(n: AppNotification): string | null {
  const referral = n.summary.referral_id ?? (n.kind === 'referral' ? n.ref_id : null);
  if (n.kind === 'referral' && referral) return hashOf(['referrals', referral]);
  const registered = notificationKind(n.kind)?.target?.(n);
  if (registered) return registered;
  return n.patient ? hashOf(['patients', n.patient.id]) : null;
}

/** 「さくらクリニック(小林 浩)が山田 花子さんの共同利用検査(CT 12月1日 10:00)の結果を報告しました」 */
function bookingMessage(n: AppNotification): string {
  const s = n.summary as AppNotification['summary'] & { event?: string; equipment?: string; starts_at?: string };
  return t('notifications.booking', {
    org: s.org_name ?? '',
    user: s.user_name ?? '',
    patient: n.patient?.name ?? '',
    when: formatDateTime(s.starts_at),
    equipment: (s.equipment ?? '').toUpperCase(),
    event: tCode('notifications.booking_event', s.event),
  });
}

function notificationList(items: AppNotification[], errors: HTMLElement, refresh: () => void): HTMLElement {
  if (items.length === 0) return empty(t('notifications.none'), 'notifications-empty');
  return h(
    'ul',
    { class: 'stack plain-list' },
    items.map((n) => {
      const read = h('button', { type: 'button', class: 'secondary small', testid: 'notification-read' }, t('notifications.mark_read'));
      read.addEventListener('click', () => {
        void attempt(read, errors, async () => {
          await api.post(`/api/notifications/${seg(n.id)}/read`);
          refresh();
          void notificationsLink.refresh();
        });
      });
      return h(
        'li',
        { class: n.read_at ? 'card' : 'card unread', testid: 'notification', 'data-kind': n.kind, 'data-read': String(!!n.read_at) },
        h(
          'div',
          { class: 'row' },
          n.read_at ? null : badge(t('notifications.unread'), 'warn'),
          h('small', { class: 'muted' }, formatDateTime(n.created_at)),
        ),
        h(
          'p',
          null,
          target(n) ? h('a', { href: target(n), testid: 'notification-link' }, message(n)) : message(n),
        ),
        n.read_at
          ? h('small', { class: 'muted' }, t('notifications.read_by', { name: n.read_by?.name ?? '' }))
          : read,
      );
    }),
  );
}

/** The header link to the notifications, with the unread count filled in when known. */
export const notificationsLink = countLink({
  hash: '#/notifications',
  testid: 'nav-notifications',
  label: 'nav.notifications',
  counted: 'nav.notifications_unread',
  data: 'unread',
  read: async () => (await api.get<NotificationList>('/api/notifications')).unread,
});
