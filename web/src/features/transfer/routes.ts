// SPDX-License-Identifier: Apache-2.0
// Emergency transfers (救急画像送信): the ER inbox 救急受入 `#/transfers` (live), the send form
// `#/transfers/new?patient=<id>`, the button on the patient page, and its notifications.
import { h } from '../../dom';
import { t } from '../../i18n';
import { registerNav, registerRoute } from '../../registry';
import { hashOf } from '../../router';
import { canSeePatients } from '../../session';
import { registerNotificationKind } from '../notify/extensions';
import type { AppNotification } from '../notify/types';
import { registerPatientAction } from '../patients/extensions';
import { renderTransfers } from './views/er';
import { renderTransferForm } from './views/send';
import './types';
import './transfer.css';

registerRoute({ path: 'transfers', guard: canSeePatients, view: renderTransfers });
registerRoute({ path: 'transfers/new/*', guard: canSeePatients, view: renderTransferForm });
registerNav({ hash: '#/transfers', label: 'nav.transfers', testid: 'nav-transfers', order: 25, show: canSeePatients });
registerPatientAction({
  order: 60,
  render: (patient) =>
    h(
      'a',
      { href: hashOf(['transfers', 'new'], { patient: patient.id }), class: 'button danger small', testid: 'patient-new-transfer' },
      t('transfer.create'),
    ),
});
registerNotificationKind({
  kind: 'transfer',
  message: (n: AppNotification) => {
    const s = n.summary as { by_org_name?: string; by_user_name?: string; consent_free?: boolean };
    return t('transfer.notify', {
      from: s.by_user_name ?? '',
      consent: t(s.consent_free ? 'transfer.consent_free' : 'transfer.with_consent'),
    });
  },
  target: () => '#/transfers',
});
