// SPDX-License-Identifier: Apache-2.0
// The audit trail for administrators `#/admin/audit`.
import { registerNav, registerRoute } from '../../registry';
import { isAnyAdmin } from '../../session';
import { renderAudit } from './views/audit';
import './auditlog.css';

registerRoute({ path: 'admin/audit/*', guard: isAnyAdmin, view: renderAudit });
registerNav({ hash: '#/admin/audit', label: 'nav.audit', testid: 'nav-admin-audit', order: 83, show: isAnyAdmin });
