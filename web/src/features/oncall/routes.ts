// SPDX-License-Identifier: Apache-2.0
// On-call and backup (issue 17): 当番表 (the roster), 災害時の相互支援 (partnerships and
// declarations), the network office's disaster view, the patient page's 連絡先 tab (who to call
// now, and the patient's dependence), and the backup partners' notices in the inbox.
import { t, type MessageKey } from '../../i18n';
import { registerNav, registerRoute } from '../../registry';
import { currentMembership, isNetworkAdmin, isPending } from '../../session';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';
import { registerPatientTab } from '../patients/extensions';
import { renderBackup } from './views/backup';
import { renderDisaster } from './views/disaster';
import { renderPatientCall } from './views/patientCall';
import { renderRoster } from './views/roster';
import './types';
import './oncall.css';

/** A member of an organisation (confirmed): rosters and partnerships are the organisation's. */
const member = (): boolean => currentMembership() !== null && !isPending();

registerRoute({ path: 'oncall', guard: member, view: renderRoster });
registerRoute({ path: 'oncall/backup', guard: member, view: renderBackup });
registerRoute({ path: 'oncall/disaster', guard: isNetworkAdmin, view: renderDisaster });
registerNav({ hash: '#/oncall', label: 'oncall.nav_roster', testid: 'nav-oncall', order: 17, show: () => member() && !isNetworkAdmin() });
registerNav({ hash: '#/oncall/disaster', label: 'oncall.nav_disaster', testid: 'nav-disaster', order: 85, show: isNetworkAdmin });
registerPatientTab({ id: 'oncall', label: 'oncall.tab', order: 25, render: renderPatientCall });

const REASONS: Record<string, MessageKey> = {
  disaster: 'oncall.reason_disaster',
  illness: 'oncall.reason_illness',
  other: 'oncall.reason_other',
};

const reason = (n: AppNotification): string => t(REASONS[n.summary.reason ?? ''] ?? 'oncall.reason_other');

registerNotificationKind({ kind: 'oncall_declaration', message: (n) => t('oncall.notify_declared', { reason: reason(n) }), target: () => '#/oncall/backup' });
registerNotificationKind({ kind: 'oncall_declaration_end', message: () => t('oncall.notify_ended'), target: () => '#/oncall/backup' });
