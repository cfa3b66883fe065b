// SPDX-License-Identifier: Apache-2.0
// Patients: search and registration, and the patient page with its own tabs (consent, care team,
// 記録); other features add tabs through extensions.ts.
import { registerHome, registerNav, registerRoute } from '../../registry';
import { canSeePatients, isNetworkAdmin } from '../../session';
import { registerPatientTab } from './extensions';
import { renderConsents } from './views/consents';
import { renderDuplicates } from './views/duplicates';
import { renderPatient } from './views/patient';
import { renderPatients } from './views/patients';
import { renderRecord } from './views/record';
import { renderTeam } from './views/team';
import './patients.css';

// A patient is seen through the current organisation: after a switch, start again from search.
const orgSwitch = '#/patients';

registerRoute({ path: 'patients', guard: canSeePatients, view: renderPatients, orgSwitch });
registerRoute({ path: 'patients/:id/*', guard: canSeePatients, view: renderPatient, orgSwitch });
registerHome({ hash: '#/patients', order: 10, when: canSeePatients });
registerNav({ hash: '#/patients', label: 'nav.patients', testid: 'nav-patients', order: 10, show: canSeePatients });
// The network office reviews possible duplicates (名寄せ): names and local ids only.
registerRoute({ path: 'admin/duplicates', guard: isNetworkAdmin, view: renderDuplicates });
registerNav({ hash: '#/admin/duplicates', label: 'nav.duplicates', testid: 'nav-duplicates', order: 84, show: isNetworkAdmin });

registerPatientTab({ id: 'consents', label: 'tab.consents', order: 10, render: renderConsents });
registerPatientTab({ id: 'team', label: 'tab.team', order: 20, render: renderTeam });
registerPatientTab({ id: 'record', label: 'tab.record', order: 30, render: renderRecord, emergency: true });
