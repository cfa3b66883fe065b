// SPDX-License-Identifier: Apache-2.0
// The items of the team timeline: a post's thread (category, 至急, mentions, text, photos, read
// receipts per person and per organisation, the replies, the reply box) and the compact events of
// visit records, schedule changes and referrals. Only text nodes carry what the server sent.
import { badge } from '../../../common';
import { h, type Child } from '../../../dom';
import { formatDateTime, formatUnit } from '../../../format';
import { t, tCode, type MessageKey } from '../../../i18n';
import { kindName, type VisitKind } from './recordsApi';
import { VITALS, vitalLabel, vitalUnit } from './recordsFields';
import { visitTime } from './recordsView';
import {
  attachmentUrl,
  type AlertEvent,
  type AlertStep,
  type OtherItem,
  type Post,
  type ReadState,
  type RecordEvent,
  type ReferralEvent,
  type ScheduleEvent,
  type TimelineItem,
} from './timelineApi';

export interface ItemContext {
  patientId: string;
  kinds: VisitKind[];
  /** The current user's id: their own unread posts are marked read when shown. */
  me: string;
  /** The reply box of a thread, kept across re-reads so that what is typed stays. */
  replyBox: (thread: Post) => HTMLElement;
  openRecord: (recordId: string) => void;
}

export function categoryLabel(category: string): string {
  return t(`homecare.category_${category}` as MessageKey);
}

function receipts(read: ReadState): HTMLElement {
  const people = [
    ...read.people.map((p) => ({ ...p, done: true })),
    ...read.unread_people.map((p) => ({ ...p, read_at: '', done: false })),
  ];
  return h(
    'details',
    { class: 'homecare-receipts', testid: 'tl-receipts' },
    h('summary', { testid: 'tl-receipts-summary' }, t('homecare.timeline_read_summary', { read: read.people.length, unread: read.unread_people.length })),
    h('ul', { class: 'homecare-receipt-orgs' },
      read.orgs.map((o) =>
        h('li', { testid: 'tl-read-org', 'data-org-id': o.org.id, 'data-read': String(o.read) },
          `${o.org.name}: `, t('homecare.timeline_read_org', { read: o.read_count, total: o.member_count })),
      ),
    ),
    h('ul', { class: 'homecare-receipt-people' },
      people.map((p) =>
        h('li', { testid: 'tl-read-person', 'data-user-id': p.user.id, 'data-read': String(p.done) },
          h('span', null, `${p.user.name}（${p.org.name}）`), ' ',
          p.done ? badge(`${t('homecare.timeline_read')} ${formatDateTime(p.read_at)}`, 'ok') : badge(t('homecare.timeline_unread'), 'muted')),
      ),
    ),
  );
}

function mentionsLine(post: Post): Child {
  if (!post.mentions.length) return null;
  const names = post.mentions.map((m) => (m.kind === 'user' && m.user ? `@${m.user.name}` : `@${m.org.name}`));
  return h('p', { class: 'small homecare-mentions', testid: 'tl-mentions' }, `${t('homecare.timeline_to')}: ${names.join('、')}`);
}

function photos(patientId: string, post: Post): Child {
  if (!post.attachments.length) return null;
  return h(
    'div',
    { class: 'homecare-photos' },
    post.attachments.map((a) => {
      const url = attachmentUrl(patientId, post.id, a.n);
      return h('a', { href: url, target: '_blank', rel: 'noopener', testid: 'tl-photo-link' },
        h('img', { src: url, alt: t('homecare.timeline_photo_alt', { n: a.n }), loading: 'lazy', width: a.width, height: a.height, testid: 'tl-photo' }));
    }),
  );
}

function postBody(context: ItemContext, post: Post, testid: string): HTMLElement {
  const mine = post.read.people.some((p) => p.user.id === context.me);
  return h(
    'div',
    { class: 'homecare-post-body', testid, 'data-post-id': post.id, 'data-urgent': String(post.urgency === 'urgent'), 'data-unread': String(!mine) },
    h('div', { class: 'homecare-post-head' },
      post.urgency === 'urgent' ? h('span', { class: 'badge danger', testid: 'tl-urgent-badge' }, t('homecare.timeline_urgent')) : null,
      h('span', { class: `badge info homecare-cat-${post.category}`, testid: 'tl-category' }, categoryLabel(post.category)),
      h('strong', null, ` ${post.author.name}`),
      h('span', { class: 'small muted' }, `（${post.org.name}） ${formatDateTime(post.at)}`),
    ),
    mentionsLine(post),
    h('p', { class: 'homecare-pre homecare-post-text', testid: 'tl-post-text' }, post.text),
    photos(context.patientId, post),
    receipts(post.read),
  );
}

function thread(context: ItemContext, post: Post): HTMLElement {
  const replies = post.replies ?? [];
  return h(
    'article',
    { class: `homecare-item homecare-thread${post.urgency === 'urgent' ? ' urgent' : ''}`, testid: 'tl-post', 'data-post-id': post.id },
    postBody(context, post, 'tl-post-main'),
    replies.length ? h('ol', { class: 'homecare-replies' }, replies.map((r) => h('li', null, postBody(context, r, 'tl-reply')))) : null,
    context.replyBox(post),
  );
}

function vitalsSummary(vitals: Record<string, number> | null): string {
  if (!vitals) return '';
  const parts: string[] = [];
  if (vitals.bp_systolic !== undefined && vitals.bp_diastolic !== undefined) parts.push(`${t('homecare.timeline_bp')} ${vitals.bp_systolic}/${vitals.bp_diastolic}`);
  for (const spec of VITALS) {
    if (spec.name === 'bp_systolic' || spec.name === 'bp_diastolic') continue;
    const value = vitals[spec.name];
    if (value !== undefined && value !== null) parts.push(`${vitalLabel(spec.name)} ${value}${vitalUnit(spec)}`);
  }
  return parts.join(' / ');
}

function recordEvent(context: ItemContext, item: RecordEvent): HTMLElement {
  const vitals = vitalsSummary(item.vitals);
  return h(
    'div',
    { class: 'homecare-item homecare-event', testid: 'tl-event-record', 'data-record-id': item.id },
    h('div', { class: 'homecare-post-head' },
      h('span', { class: 'badge muted' }, t('homecare.timeline_event_record')),
      ' ',
      h('button', { type: 'button', class: 'link', testid: 'tl-event-record-open', onclick: () => context.openRecord(item.id) }, `${kindName(context.kinds, item.kind)}`),
      h('span', { class: 'small muted' }, ` ${item.author.name}（${item.org.name}） ${visitTime(item)}`),
      ' ',
      badge(item.status === 'signed' ? t('homecare.records_status_signed') : t('homecare.records_status_draft'), item.status === 'signed' ? 'ok' : 'warn'),
      item.version > 1 ? h('span', { class: 'small' }, ` ${t('homecare.records_version_n', { n: item.version })}`) : null,
    ),
    vitals ? h('p', { class: 'small', testid: 'tl-event-vitals' }, vitals) : null,
    item.handover ? h('p', { class: 'homecare-pre small', testid: 'tl-event-handover' }, `${t('homecare.records_handover')}: ${item.handover}`) : null,
  );
}

function scheduleEvent(context: ItemContext, item: ScheduleEvent): HTMLElement {
  const when = item.starts_at && item.ends_at ? visitTime({ visit_start: item.starts_at, visit_end: item.ends_at }) : '';
  return h(
    'div',
    { class: 'homecare-item homecare-event', testid: 'tl-event-schedule', 'data-what': item.what },
    h('div', { class: 'homecare-post-head' },
      h('span', { class: 'badge muted' }, t(`homecare.timeline_schedule_${item.what}` as MessageKey)),
      ` ${kindName(context.kinds, item.kind)} ${when}`,
      h('span', { class: 'small muted' }, ` ${item.user.name}（${item.org.name}） ${formatDateTime(item.at)}`),
    ),
    item.reason ? h('p', { class: 'small' }, `${t('homecare.timeline_reason')}: ${item.reason}`) : null,
  );
}

function referralEvent(item: ReferralEvent): HTMLElement {
  return h(
    'div',
    { class: 'homecare-item homecare-event', testid: 'tl-event-referral', 'data-referral-id': item.id },
    h('div', { class: 'homecare-post-head' },
      h('span', { class: 'badge muted' }, tCode('referral.kind', item.kind)),
      ` ${item.from_org.name} → ${item.to_org.name} `,
      badge(tCode('referral.status', item.status), 'info'),
      h('span', { class: 'small muted' }, ` ${tCode('referral.purpose', item.purpose)} ${formatDateTime(item.at)}`),
    ),
  );
}

/** Who was told of the alert, and when: the on-call clinician, then on escalation the backup and
 *  the administrators. */
function alertSteps(steps: AlertStep[]): HTMLElement | null {
  const lines = steps.flatMap((step): string[] => {
    const at = formatDateTime(step.at);
    if (step.step === 'notified') {
      const person = step.detail.users?.[0]?.name;
      return [person ? t('homecare.timeline_alert_step_on_call', { name: person, at }) : t('homecare.timeline_alert_step_orgs', { at })];
    }
    if (step.step === 'escalated')
      return [step.detail.role === 'backup' ? t('homecare.timeline_alert_step_backup', { name: step.detail.name ?? '', at }) : t('homecare.timeline_alert_step_admins', { at })];
    if (step.step === 'escalation_stopped') return [t('homecare.timeline_alert_step_stopped', { at })];
    return [];
  });
  return lines.length ? h('ul', { class: 'small muted homecare-alert-steps', testid: 'tl-event-alert-steps' }, lines.map((line) => h('li', null, line))) : null;
}

/** 「SpO2 86 %（下限 90）」, who was told, and what was done once someone acknowledged it. */
function alertEvent(item: AlertEvent): HTMLElement {
  const unit = item.unit && item.unit !== '{score}' ? ` ${formatUnit(item.unit)}` : '';
  const rule = t(`homecare.timeline_alert_${item.rule}` as MessageKey, { limit: String(item.limit), baseline: String(item.baseline ?? '') });
  const ack = item.acknowledged;
  return h(
    'div',
    { class: `homecare-item homecare-event homecare-alert${ack ? '' : ' open'}`, testid: 'tl-event-alert', 'data-alert-id': item.id, 'data-state': item.state },
    h('div', { class: 'homecare-post-head' },
      badge(t('homecare.timeline_event_alert'), ack ? 'muted' : 'warn'),
      h('strong', null, ` ${item.ja} ${item.value}${unit}`),
      ` ${rule}`,
      h('span', { class: 'small muted' }, ` ${item.raised_by.name} ${formatDateTime(item.at)}`),
    ),
    h(
      'p',
      { class: 'small', testid: 'tl-event-alert-state' },
      ack
        ? t('homecare.timeline_alert_done', {
            action: t(`homecare.timeline_alert_action_${ack.action}` as MessageKey),
            user: ack.by.name,
            org: ack.org.name,
            at: formatDateTime(ack.at),
          }) + (ack.note ? t('homecare.timeline_alert_note', { note: ack.note }) : '')
        : t('homecare.timeline_alert_open'),
    ),
    alertSteps(item.steps ?? []),
  );
}

export function renderItem(context: ItemContext, item: TimelineItem | OtherItem): HTMLElement {
  switch (item.type) {
    case 'post':
      return thread(context, item as Post);
    case 'visit_record':
      return recordEvent(context, item as RecordEvent);
    case 'schedule_change':
      return scheduleEvent(context, item as ScheduleEvent);
    case 'referral':
      return referralEvent(item as ReferralEvent);
    case 'alert':
      return alertEvent(item as AlertEvent);
    default:
      return h('div', { class: 'homecare-item homecare-event small muted', testid: 'tl-event-other' }, `${item.type} ${formatDateTime(item.at)}`);
  }
}
