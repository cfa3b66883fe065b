// SPDX-License-Identifier: Apache-2.0
// One referral `#/referrals/<id>`: status, the parties, the share of the record, the letter
// (read-only), one timeline of every step, the reply, related referrals and the forms for what
// the current user may do now. A `referral` event naming it (or a related referral) reads it
// again in place, so both sides follow each other's steps without a reload.
import { ApiError, api, errorMessage, seg } from '../../../api';
import { clearError, errorBox, loading as loadingLine, showError } from '../../../common';
import { dlRow, h, replace, type Child } from '../../../dom';
import { formatDateTime } from '../../../format';
import { codeLabel, t, tCode } from '../../../i18n';
import { hashOf, type Route } from '../../../router';
import { directoryCodes } from '../../directory/api';
import type { DirCodes } from '../../directory/types';
import { referralCodes, referralStream } from '../api';
import type { Referral, ReferralCodes, TimelineEntry } from '../types';
import { actionPanel, type ActionContext } from './referralActions';
import {
  codeText,
  kindText,
  normalLetter,
  orgName,
  statusBadge,
  urgencyBadge,
} from './referralCommon';
import { letterView } from './referralLetterView';
import { referralsLink } from './referrals';

function when(value: string | null | undefined): string {
  return value ? formatDateTime(value) : '';
}

function department(codes: DirCodes, code: string): string {
  return code ? codeLabel(codes.departments, code) : '';
}

function header(ref: Referral, dirCodes: DirCodes, codes: ReferralCodes): HTMLElement {
  const dept = department(dirCodes, ref.to_department);
  return h(
    'section',
    { class: 'card ref-head', testid: 'ref-head' },
    h(
      'div',
      { class: 'row' },
      h('a', { href: '#/referrals', class: 'back' }, t('referral.back_to_list')),
    ),
    h(
      'div',
      { class: 'row' },
      h('h1', { testid: 'ref-title' }, `${kindText(ref.kind)} — ${ref.patient.name}`),
      statusBadge(ref.status),
      urgencyBadge(ref.urgency),
    ),
    h(
      'dl',
      { class: 'dl' },
      dlRow(t('referral.patient'), h('a', { href: hashOf(['patients', ref.patient.id]), testid: 'ref-patient' }, ref.patient.name), ` (${ref.patient.name_kana}) ${tCode('sex', ref.patient.sex)}`),
      dlRow(t('referral.from'), h('span', { testid: 'ref-from' }, orgName(ref.from_org)), ref.from_user?.name ? ` ${ref.from_user.name}` : ''),
      dlRow(t('referral.to'), h('span', { testid: 'ref-to' }, orgName(ref.to_org)), dept ? ` ${dept}` : ''),
      dlRow(t('referral.purpose'), h('span', { testid: 'ref-purpose-text' }, codeText('purpose', ref.purpose, codes.purposes))),
      dlRow(t('referral.sent_at'), when(ref.sent_at)),
      ref.scheduled_for ? dlRow(t('referral.appointment'), h('strong', { testid: 'ref-appointment' }, when(ref.scheduled_for))) : [],
    ),
    h(
      'div',
      { class: 'row' },
      h('a', { href: `/api/referrals/${seg(ref.id)}/letter.pdf`, target: '_blank', rel: 'noopener', class: 'button secondary small', testid: 'ref-pdf' }, t('referral.pdf')),
      h('a', { href: `/api/referrals/${seg(ref.id)}/document`, target: '_blank', rel: 'noopener', class: 'button secondary small', testid: 'ref-document' }, t('referral.fhir_document')),
    ),
  );
}

function shareNote(ref: Referral): HTMLElement {
  const share = ref.share;
  if (!share?.record_shared) {
    return h('p', { class: 'alert warn', testid: 'ref-share', 'data-shared': 'false' }, t('referral.share_none'));
  }
  if (share.ended_at) {
    return h(
      'p',
      { class: 'alert', testid: 'ref-share', 'data-shared': 'ended' },
      t('referral.share_ended', { when: when(share.ended_at), reason: codeText('status', share.end_reason ?? '') }),
    );
  }
  return h('p', { class: 'alert success', testid: 'ref-share', 'data-shared': 'true' }, t('referral.share_until', { when: when(share.expires_at) }));
}

function replyCard(ref: Referral): HTMLElement | null {
  if (!ref.reply) return null;
  const parts = ['diagnosis', 'findings', 'treatment', 'plan', 'remarks'] as const;
  return h(
    'section',
    { class: 'card ref-reply', testid: 'ref-reply' },
    h('h2', null, t('reply.title')),
    h('p', { class: 'meta' }, t('reply.by', { name: ref.reply_by?.name ?? '', org: orgName(ref.to_org), when: when(ref.replied_at) })),
    h(
      'dl',
      { class: 'dl' },
      parts.filter((part) => ref.reply?.[part]).map((part) => dlRow(t(`reply.${part}`), h('span', { class: 'letter-text', testid: `ref-reply-${part}-text` }, ref.reply?.[part] ?? ''))),
    ),
  );
}

function link(id: string, text: string, testid: string): HTMLElement {
  return h('a', { href: hashOf(['referrals', id]), testid }, text);
}

function relations(ref: Referral): HTMLElement | null {
  const items: Child[] = [];
  if (ref.parent_id) items.push(h('li', null, t('referral.parent'), ': ', link(ref.parent_id, t('referral.open'), 'ref-parent')));
  if (ref.redirected_to) items.push(h('li', null, t('referral.redirected_to'), ': ', link(ref.redirected_to, t('referral.open'), 'ref-redirected-to')));
  for (const child of ref.children ?? []) {
    items.push(
      h(
        'li',
        { testid: 'ref-child', 'data-kind': child.kind },
        link(child.id, `${kindText(child.kind)} → ${orgName(child.to_org)}`, 'ref-child-link'),
        ' ',
        statusBadge(child.status, 'ref-child-status'),
        ' ',
        h('small', { class: 'muted' }, when(child.sent_at)),
      ),
    );
  }
  if (items.length === 0) return null;
  return h('section', { class: 'card', testid: 'ref-relations' }, h('h2', null, t('referral.related')), h('ul', { class: 'plain-list stack' }, items));
}

function detailText(entry: TimelineEntry): string {
  const d = entry.detail ?? {};
  const parts: string[] = [];
  const text = (key: string): string => (typeof d[key] === 'string' ? (d[key] as string) : '');
  // A share ends for the step that ended it (closed, declined …): say it in words.
  const reason = entry.kind === 'share_ended' ? codeText('status', text('reason')) : text('reason');
  if (reason) parts.push(t('referral.timeline_reason', { text: reason }));
  const at = text('appointment_at') || text('scheduled_for');
  if (at) parts.push(t('referral.timeline_appointment', { when: when(at) }));
  if (text('to_org_name')) parts.push(t('referral.timeline_to', { org: text('to_org_name') }));
  if (text('expires_at')) parts.push(t('referral.timeline_until', { when: when(text('expires_at')) }));
  if (text('note')) parts.push(text('note'));
  return parts.join(' / ');
}

function timeline(ref: Referral): HTMLElement {
  return h(
    'section',
    { class: 'card', testid: 'ref-timeline' },
    h('h2', null, t('referral.timeline')),
    h(
      'ol',
      { class: 'timeline' },
      (ref.timeline ?? []).map((entry) => {
        const detail = detailText(entry);
        const childId = typeof entry.detail?.referral_id === 'string' ? (entry.detail.referral_id as string) : '';
        return h(
          'li',
          { class: `timeline-item event-${entry.kind}`, testid: 'ref-timeline-item', 'data-kind': entry.kind },
          h('time', { datetime: entry.at }, when(entry.at)),
          h('strong', null, codeText('event', entry.kind)),
          h('span', { class: 'muted' }, [entry.user?.name, orgName(entry.org)].filter(Boolean).join(' / ')),
          detail ? h('p', { class: 'note' }, detail) : null,
          childId && childId !== ref.id ? link(childId, t('referral.open'), 'ref-timeline-link') : null,
        );
      }),
    ),
  );
}

interface Slots {
  root: HTMLElement;
  head: HTMLElement;
  notes: HTMLElement;
  actions: HTMLElement;
  reply: HTMLElement;
  letter: HTMLElement;
  side: HTMLElement;
}

function slots(): Slots {
  const head = h('div');
  const notes = h('div', { class: 'stack' });
  const actions = h('div');
  const reply = h('div');
  const letter = h('div');
  const side = h('div', { class: 'stack' });
  const root = h(
    'div',
    { class: 'stack', testid: 'referral-page' },
    head,
    notes,
    reply,
    actions,
    h('div', { class: 'ref-layout' }, letter, side),
  );
  return { root, head, notes, actions, reply, letter, side };
}

function show(s: Slots, ref: Referral, dirCodes: DirCodes, codes: ReferralCodes, context: ActionContext): void {
  s.root.dataset.status = ref.status;
  s.root.dataset.referralId = ref.id;
  replace(s.head, header(ref, dirCodes, codes));
  replace(
    s.notes,
    shareNote(ref),
    ref.decline_reason ? h('p', { class: 'alert error', testid: 'ref-decline-reason' }, t('referral.declined_because', { reason: ref.decline_reason })) : null,
  );
  // Leave the action forms alone while the offered actions stay the same (a half-written reply
  // must survive the other side's step); rebuild them when they change.
  const actionsKey = `${ref.status}:${[...(ref.actions ?? [])].sort().join(',')}`;
  if (s.actions.dataset.key !== actionsKey) {
    s.actions.dataset.key = actionsKey;
    replace(s.actions, actionPanel(ref, context));
  }
  replace(s.reply, replyCard(ref));
  const letter = normalLetter(ref.letter);
  replace(
    s.letter,
    letterView(
      letter,
      {
        kind: ref.kind,
        toOrg: orgName(ref.to_org),
        toDepartment: department(dirCodes, ref.to_department),
        fromOrg: orgName(ref.from_org),
        fromUser: ref.from_user?.name ?? '',
        patient: ref.patient,
        date: ref.signed_at ?? ref.sent_at,
      },
      tCode('sex', ref.patient.sex),
    ),
  );
  replace(s.side, relations(ref), timeline(ref));
}

function notFound(main: HTMLElement): void {
  replace(
    main,
    h(
      'section',
      { class: 'notfound', testid: 'referral-not-found' },
      h('h1', null, t('referral.not_found')),
      h('p', null, h('a', { href: '#/referrals', class: 'button secondary' }, t('referral.back_to_list'))),
    ),
  );
}

export async function renderReferral(main: HTMLElement, route: Route): Promise<void> {
  const id = route.path[1] ?? '';
  const live = h('span', { class: 'visually-hidden', testid: 'ref-live' });
  const errors = errorBox();
  const s = slots();
  let current: Referral | null = null;
  let loading = false;
  let again = false;
  let missed = false;
  let refresh: () => Promise<void> = async () => {
    missed = true;
  };
  // Listen before the first read, so that a step taken meanwhile is not lost.
  referralStream((rid) => {
    const related = current
      ? [current.id, current.parent_id, current.redirected_to, ...(current.children ?? []).map((c) => c.id)]
      : [id];
    if (rid === '' || related.includes(rid)) void refresh();
  }, live);
  const fetchOne = (): Promise<Referral> => api.get<Referral>(`/api/referrals/${seg(id)}`);
  replace(main, loadingLine());
  let loaded: [Referral, DirCodes, ReferralCodes];
  try {
    loaded = await Promise.all([fetchOne(), directoryCodes(), referralCodes()]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound(main);
    else {
      showError(errors, errorMessage(error));
      replace(main, errors);
    }
    return;
  }
  const [first, dirCodes, codes] = loaded;
  const context: ActionContext = { dirCodes, codes, reload: () => void refresh() };
  const showCurrent = (ref: Referral): void => {
    current = ref;
    show(s, ref, dirCodes, codes, context);
    s.root.dataset.updatedAt = ref.updated_at;
  };
  refresh = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        try {
          showCurrent(await fetchOne());
          clearError(errors);
          void referralsLink.refresh();
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) {
            notFound(main);
            return;
          }
          showError(errors, errorMessage(error));
        }
      } while (again);
    } finally {
      loading = false;
    }
  };
  showCurrent(first);
  replace(main, live, errors, s.root);
  if (missed) void refresh();
}
