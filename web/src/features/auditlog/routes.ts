// SPDX-License-Identifier: Apache-2.0
// The audit trail for administrators `#/admin/audit`, and the patient page's access history.
import { registerNav, registerRoute } from '../../registry';
import { isAnyAdmin } from '../../session';
import { registerPatientTab } from '../patients/extensions';
import { renderAccessLog } from './views/access';
import { renderAudit } from './views/audit';
import './auditlog.css';

registerRoute({ path: 'admin/audit/*', guard: isAnyAdmin, view: renderAudit });
registerNav({ hash: '#/admin/audit', label: 'nav.audit', testid: 'nav-admin-audit', order: 83, show: isAnyAdmin });
registerPatientTab({ id: 'access', label: 'access.tab', order: 80, render: renderAccessLog });
