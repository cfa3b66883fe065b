// SPDX-License-Identifier: Apache-2.0
// Invitations to a consultation (相談), wherever the invitee is: the notification of kind coview
// comes live on the event stream (to the invited user or organisation only) and shows as a banner
// with a one-click 参加する that opens the viewer on the study and joins; it is also kept in the
// inbox (お知らせ) with the same way in while the session lasts.
import { listen } from '../../../api';
import { h } from '../../../dom';
import { t } from '../../../i18n';
import { registerSessionTask } from '../../../registry';
import { hashOf } from '../../../router';
import { canSeePatients, currentMembership } from '../../../session';
import { registerNotificationKind } from '../../notify/extensions';
import type { AppNotification } from '../../notify/types';
import { coviewApi } from './api';
import './coview.css';
import './messages';

interface InviteSummary {
  session_id?: string;
  study_uid?: string;
  from_name?: string;
  from_org_name?: string;
}

const joinHash = (study: string, sid: string) => hashOf(['imaging', 'view', study], { coview: sid });

registerNotificationKind({
  kind: 'coview',
  message: (n: AppNotification) => {
    const s = n.summary as InviteSummary;
    return t('coview.notice', { name: s.from_name ?? '', org: s.from_org_name ?? '', patient: n.patient?.name ?? '' });
  },
  target: (n) => {
    const s = n.summary as InviteSummary;
    return s.study_uid && s.session_id ? joinHash(s.study_uid, s.session_id) : null;
  },
});

/** A banner for the invitation to session sid (read through the access rule first). */
async function banner(region: HTMLElement, sid: string): Promise<void> {
  if (region.querySelector(`[data-session="${CSS.escape(sid)}"]`)) return;
  const s = await coviewApi.read(sid);
  const from = s.participants.find((p) => p.user_id === s.starter_user_id) ?? s.participants[0];
  const box = h(
    'div',
    { class: 'coview-invite-banner', testid: 'coview-invitation', 'data-session': sid, role: 'alertdialog', 'aria-label': t('coview.title') },
    h('p', null, t('coview.invitation', { name: from?.name ?? '', org: from?.org_name ?? '' })),
  );
  const join = h('a', { class: 'button primary', href: joinHash(s.study_uid, sid), testid: 'coview-join', onclick: () => box.remove() }, t('coview.join'));
  const close = h('button', { type: 'button', class: 'secondary', testid: 'coview-dismiss', onclick: () => box.remove() }, t('coview.dismiss'));
  box.append(h('div', { class: 'actions' }, join, close));
  region.append(box);
}

function watchInvitations(): () => void {
  const region = h('aside', { class: 'coview-invites', testid: 'coview-invites', 'aria-live': 'assertive' });
  document.body.append(region);
  const stop = listen('notification', {
    onEvent: (data) => {
      const d = data as { kind?: string; session_id?: string } | null;
      if (d?.kind === 'coview' && d.session_id) {
        banner(region, d.session_id).catch(() => {
          // The session ended, or is not for this reader any more: nothing to show.
        });
      }
    },
    onReset: () => undefined,
  });
  return () => {
    stop();
    region.remove();
  };
}

registerSessionTask({ id: 'coview-invitations', start: () => (canSeePatients() && currentMembership() !== null ? watchInvitations() : () => undefined) });
