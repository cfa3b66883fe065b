// SPDX-License-Identifier: Apache-2.0
// Sharing rules (issue 17): the 共有ルール tab of a patient (the team's rules, the preview, the
// log), the network office's page of the region's rules, and the notices in the inbox.
import { t, type MessageKey } from '../../i18n';
import { registerNav, registerRoute } from '../../registry';
import { isNetworkAdmin } from '../../session';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';
import { registerPatientTab } from '../patients/extensions';
import './types';
import { renderSharing } from './views/patient';
import { renderRegionRules } from './views/region';

registerPatientTab({ id: 'sharing', label: 'sharing.tab', order: 75, careTeam: true, render: renderSharing });
registerRoute({ path: 'sharing/rules', guard: isNetworkAdmin, view: renderRegionRules });
registerNav({ hash: '#/sharing/rules', label: 'sharing.nav_region', testid: 'nav-sharing-rules', order: 85, show: isNetworkAdmin });

const KINDS = ['vitals_abnormal', 'visit_record', 'medication_change', 'admission', 'discharge', 'death', 'end_of_care'];
const kindText = (code: string): string =>
  KINDS.includes(code) ? t(`sharing.kind_${code}` as MessageKey) : code;
const summary = (n: AppNotification): Record<string, unknown> => n.summary as unknown as Record<string, unknown>;

registerNotificationKind({
  kind: 'sharing',
  message: (n) => t('sharing.notify_event', { event: kindText(String(summary(n).event ?? '')) }),
});
registerNotificationKind({
  kind: 'sharing_digest',
  message: (n) => t('sharing.notify_digest', { count: Number(summary(n).count ?? 0) }),
});
