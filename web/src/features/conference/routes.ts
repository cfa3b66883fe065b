// SPDX-License-Identifier: Apache-2.0
// Case conferences (カンファレンス, issue 17): the カンファレンス page (the organisation's
// conferences, one's own action items, scheduling one without a patient), a conference's page
// (agenda, materials, minutes with versions and sharing, action items, the anonymised export),
// the patient page's カンファレンス tab (scheduling one about the patient), and their notices in
// the inbox (leading to the conference).
import { t, type MessageKey } from '../../i18n';
import { registerNav, registerRoute } from '../../registry';
import { hashOf } from '../../router';
import { canSeePatients } from '../../session';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';
import { registerPatientTab } from '../patients/extensions';
import { renderConference } from './views/detail';
import { renderConferences } from './views/list';
import { renderPatientConferences } from './views/patientTab';
import './types';
import './conference.css';

registerRoute({ path: 'conferences', guard: canSeePatients, view: renderConferences });
registerRoute({ path: 'conferences/:id', guard: canSeePatients, view: renderConference, orgSwitch: '#/conferences' });
registerNav({ hash: '#/conferences', label: 'conference.nav', testid: 'nav-conferences', order: 18, show: canSeePatients });
registerPatientTab({ id: 'conferences', label: 'conference.tab', order: 75, render: renderPatientConferences });

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
  target: (n) => (n.ref_id ? hashOf(['conferences', n.ref_id]) : n.patient ? hashOf(['patients', n.patient.id]) : null),
});
