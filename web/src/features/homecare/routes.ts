// SPDX-License-Identifier: Apache-2.0
// Home care (在宅医療の多職種連携): the 在宅 tab of the patient page (the team's room: schedule,
// visit records, timeline, monthly nursing report), and its notifications in the inbox.
import { registerPatientTab } from '../patients/extensions';
import { renderHomecare } from './views/room';
import './notifications';
import './homecare.css';
import { registerNav, registerRoute, registerSessionTask } from '../../registry';
import { canSeePatients, currentMembership } from '../../session';
import { registerStatsSection } from '../stats/extensions';
import { renderFigures } from './views/figures';
import { renderMyDay } from './views/scheduleMyDay';
import { startAlertWatch } from './alertWatch';

registerPatientTab({ id: 'homecare', label: 'tab.homecare', order: 70, render: renderHomecare });
// ---- schedule (part: schedule): the staff member's day list ----
registerRoute({ path: 'homecare/my-day', guard: canSeePatients, view: renderMyDay });
registerNav({ hash: '#/homecare/my-day', label: 'homecare.nav_my_day', testid: 'nav-my-day', order: 15, show: canSeePatients });
// ---- figures (part: figures, with the schedule): 訪問実績 beside the referral figures ----
registerStatsSection({ id: 'homecare', label: 'homecare.figures_tab', order: 10, show: () => currentMembership() !== null, render: renderFigures });

// The alerts to act on, over every page, for whoever works in an organisation and sees patients.
registerSessionTask({ id: 'homecare-alerts', start: () => (canSeePatients() && currentMembership() !== null ? startAlertWatch() : () => undefined) });
