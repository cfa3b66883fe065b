// SPDX-License-Identifier: Apache-2.0
// The home-care notifications in the inbox: a visit scheduled, changed or cancelled by another
// organisation of the team (kind homecare_schedule), and a timeline post that is urgent or
// mentions the reader or their organisation (kind homecare_post). Each leads to its section of
// the 在宅 tab.
import { lang, t, type MessageKey } from '../../i18n';
import { hashOf } from '../../router';
import { currentMe } from '../../session';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';

interface HomecareSummary {
  event?: string;
  reason?: string;
  org_name?: string;
  user_name?: string;
  category?: string;
  urgent?: boolean;
  mentions_org?: boolean;
  mentioned_users?: string[];
  vital?: string;
  value?: number;
  unit?: string;
  rule?: string;
  limit?: number;
  baseline?: number | null;
}

const SCHEDULE_EVENTS: Record<string, MessageKey> = {
  created: 'homecare.notify_schedule_created',
  changed: 'homecare.notify_schedule_changed',
  cancelled: 'homecare.notify_schedule_cancelled',
  plan_created: 'homecare.notify_plan_created',
  plan_changed: 'homecare.notify_plan_changed',
};

const CATEGORIES: Record<string, MessageKey> = {
  report: 'homecare.category_report',
  consult: 'homecare.category_consult',
  request: 'homecare.category_request',
  notice: 'homecare.category_notice',
};

function summaryOf(n: AppNotification): HomecareSummary {
  return n.summary as HomecareSummary;
}

/** 「山田 花子さんの」, or nothing when the patient is not shown. */
function whose(n: AppNotification): string {
  return n.patient?.name ? t('homecare.notify_whose', { patient: n.patient.name }) : '';
}

function section(n: AppNotification, name: string): string | null {
  return n.patient ? hashOf(['patients', n.patient.id, 'homecare', name]) : null;
}

registerNotificationKind({
  kind: 'homecare_schedule',
  message: (n) => {
    const s = summaryOf(n);
    const text = t(SCHEDULE_EVENTS[s.event ?? ''] ?? 'homecare.notify_schedule_changed', {
      org: s.org_name ?? '',
      user: s.user_name ?? '',
      whose: whose(n),
    });
    return s.reason ? `${text} ${t('homecare.notify_reason', { reason: s.reason })}` : text;
  },
  target: (n) => section(n, 'schedule'),
});

registerNotificationKind({
  kind: 'homecare_post',
  message: (n) => {
    const s = summaryOf(n);
    const me = currentMe()?.user.id ?? '';
    const mentioned = s.mentions_org === true || (s.mentioned_users ?? []).includes(me);
    const key: MessageKey = s.urgent ? 'homecare.notify_post_urgent' : mentioned ? 'homecare.notify_post_mention' : 'homecare.notify_post';
    return t(key, {
      org: s.org_name ?? '',
      user: s.user_name ?? '',
      whose: whose(n),
      category: t(CATEGORIES[s.category ?? ''] ?? 'homecare.category_notice'),
    });
  },
  target: (n) => section(n, 'timeline'),
});

// ---- report: a monthly nursing report signed and sent to the physician's organisation (kind
// homecare_report), leading to the report in the 訪問看護報告書 section
registerNotificationKind({
  kind: 'homecare_report',
  message: (n) => {
    const s = n.summary as { event?: string; month?: string; version?: number; org_name?: string; user_name?: string };
    const [year, month] = (s.month ?? '').split('-').map(Number);
    const label = year && month ? (lang() === 'ja' ? `${year}年${month}月` : `${year}-${String(month).padStart(2, '0')}`) : '';
    return t(s.event === 'corrected' ? 'homecare.notify_report_corrected' : 'homecare.notify_report_signed', {
      org: s.org_name ?? '',
      user: s.user_name ?? '',
      whose: whose(n),
      month: label,
      version: s.version ?? 1,
    });
  },
  target: (n) => (n.patient && n.ref_id ? hashOf(['patients', n.patient.id, 'homecare', 'report', n.ref_id]) : section(n, 'report')),
});

const ALERT_RULES: Record<string, MessageKey> = {
  low: 'homecare.notify_alert_low',
  high: 'homecare.notify_alert_high',
  rise: 'homecare.notify_alert_rise',
  drop: 'homecare.notify_alert_drop',
};

const VITAL_NAMES: Record<string, MessageKey> = {
  bp_systolic: 'homecare.vital_bp_systolic',
  bp_diastolic: 'homecare.vital_bp_diastolic',
  pulse: 'homecare.vital_pulse',
  spo2: 'homecare.vital_spo2',
  temperature: 'homecare.vital_temperature',
  respiratory_rate: 'homecare.vital_respiratory_rate',
  weight: 'homecare.vital_weight',
  blood_glucose: 'homecare.vital_blood_glucose',
  pain_nrs: 'homecare.vital_pain_nrs',
  jcs: 'homecare.vital_jcs',
};

/** What an alert's notice says: the value and the rule it broke, and, for an escalation, to whom
 *  it went on and why. */
export function alertMessage(n: AppNotification): string {
  const s = summaryOf(n) as HomecareSummary & { role?: string };
  const vital = VITAL_NAMES[s.vital ?? ''];
  const text = t(ALERT_RULES[s.rule ?? ''] ?? 'homecare.notify_alert_high', {
    whose: whose(n),
    vital: vital ? t(vital) : (s.vital ?? ''),
    value: String(s.value ?? ''),
    limit: String(s.limit ?? ''),
    baseline: String(s.baseline ?? ''),
    user: s.user_name ?? '',
  });
  if (s.event !== 'escalated') return text;
  return t(s.role === 'backup' ? 'homecare.notify_alert_escalated_backup' : 'homecare.notify_alert_escalated_admins', { alert: text });
}

registerNotificationKind({
  kind: 'homecare_alert',
  message: alertMessage,
  target: (n) => section(n, 'timeline'),
});
