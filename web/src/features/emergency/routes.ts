// SPDX-License-Identifier: Apache-2.0
// Emergency (break-the-glass) access: the search page, the limited patient page with its banner,
// and the administrators' reviews.
import { h } from '../../dom';
import { t } from '../../i18n';
import { registerNav, registerRoute } from '../../registry';
import { go } from '../../router';
import { isOrgAdmin } from '../../session';
import { registerPatientLimit, registerSearchAction } from '../patients/extensions';
import { activeGrant, canUseEmergency } from './api';
import { emergencyBanner, renderEmergency } from './views/emergency';
import { renderEmergencyReviews } from './views/reviews';
import './emergency.css';

registerRoute({ path: 'emergency/*', guard: canUseEmergency, view: renderEmergency });
registerRoute({ path: 'admin/emergency/*', guard: isOrgAdmin, view: renderEmergencyReviews });
registerNav({
  hash: '#/admin/emergency',
  label: 'nav.emergency_reviews',
  testid: 'nav-admin-emergency',
  order: 84,
  show: isOrgAdmin,
});

registerSearchAction({
  order: 10,
  render: () =>
    canUseEmergency()
      ? h('a', { href: '#/emergency', class: 'button danger', testid: 'emergency-open' }, t('emergency.open'))
      : null,
});

// A patient seen through the caller's grant: the emergency view only, under a banner. Once the
// access ends (the button, or the time limit) the patient is no longer visible: back to search.
registerPatientLimit(async (patient) => {
  if (!canUseEmergency()) return undefined;
  const grant = await activeGrant(patient.id).catch(() => undefined);
  return grant ? emergencyBanner(grant, () => go('#/patients')) : undefined;
});
