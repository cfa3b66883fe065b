// SPDX-License-Identifier: Apache-2.0
// Referrals (紹介・逆紹介): the list with the header link's count, a referral's page, the form,
// and on the patient page the 紹介・逆紹介 tab and the button to write one.
import { registerNav, registerRoute } from '../../registry';
import { canSeePatients } from '../../session';
import { registerPatientAction, registerPatientTab } from '../patients/extensions';
import { newReferralButton, renderPatientReferrals } from './views/patientReferrals';
import { renderReferral } from './views/referral';
import { renderReferralForm } from './views/referralForm';
import { referralsLink, renderReferrals } from './views/referrals';
import './referral.css';

registerRoute({ path: 'referrals', guard: canSeePatients, view: renderReferrals });
registerRoute({ path: 'referrals/new/*', guard: canSeePatients, view: renderReferralForm });
registerRoute({ path: 'referrals/:id/*', guard: canSeePatients, view: renderReferral });
registerNav({
  hash: '#/referrals',
  label: 'nav.referrals',
  testid: 'nav-referrals',
  order: 20,
  show: canSeePatients,
  render: referralsLink.render,
});
registerPatientTab({ id: 'referrals', label: 'tab.referrals', order: 40, render: renderPatientReferrals });
registerPatientAction({ order: 50, render: newReferralButton });
