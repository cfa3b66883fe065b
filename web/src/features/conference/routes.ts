// SPDX-License-Identifier: Apache-2.0
// Case conferences (カンファレンス, issue 17): for now their notices in the inbox (a conference
// scheduled, its minutes shared, an action item); the screens are still to come.
import { t, type MessageKey } from '../../i18n';
import { hashOf } from '../../router';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';
import './types';

interface ConferenceSummary {
  event?: string;
  kind?: string;
  due_date?: string;
}

const EVENTS: Record<string, MessageKey> = {
  scheduled: 'conference.notify_scheduled',
  minutes_shared: 'conference.notify_minutes_shared',
  action_item: 'conference.notify_action_item',
};

const KINDS: Record<string, MessageKey> = {
  discharge: 'conference.kind_discharge',
  service: 'conference.kind_service',
  case_study: 'conference.kind_case_study',
};

registerNotificationKind({
  kind: 'conference',
  message: (n: AppNotification) => {
    const s = n.summary as ConferenceSummary;
    return t(EVENTS[s.event ?? ''] ?? 'conference.notify_scheduled', {
      whose: n.patient?.name ? t('conference.notify_whose', { patient: n.patient.name }) : '',
      kind: t(KINDS[s.kind ?? ''] ?? 'conference.kind_case_study'),
      due: s.due_date ?? '',
    });
  },
  target: (n) => (n.patient ? hashOf(['patients', n.patient.id]) : null),
});
