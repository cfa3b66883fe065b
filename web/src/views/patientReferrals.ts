// SPDX-License-Identifier: Apache-2.0
// The 紹介・逆紹介 tab of the patient page: the patient's referrals (both directions, every
// organisation the current one may see) with their status, and the way to write a new one.
import { api, seg } from '../api';
import { h, replace, table, td, tdTime, tdWrap } from '../dom';
import { formatDateTime } from '../format';
import { t } from '../i18n';
import { hashOf } from '../router';
import type { Patient } from '../types';
import { empty, loadInto } from './common';
import {
  codeText,
  kindText,
  orgName,
  referralCodes,
  statusBadge,
  urgencyBadge,
  type ReferralSummary,
} from './referralCommon';

export function newReferralHash(patient: Patient): string {
  return hashOf(['referrals', 'new'], { patient: patient.id });
}

export async function renderPatientReferrals(panel: HTMLElement, patient: Patient): Promise<void> {
  const loaded = await loadInto(panel, () =>
    Promise.all([
      api.get<{ items: ReferralSummary[] }>(`/api/patients/${seg(patient.id)}/referrals`),
      referralCodes(),
    ]),
  );
  if (!loaded) return;
  const [answer, codes] = loaded;
  const items = answer.items ?? [];
  replace(
    panel,
    h(
      'div',
      { class: 'card-title' },
      h('h2', null, t('tab.referrals')),
      h('a', { href: newReferralHash(patient), class: 'button primary small', testid: 'patient-referrals-new' }, t('referral.create')),
    ),
    items.length === 0
      ? empty(t('referral.patient_none'), 'patient-referrals-empty')
      : table(
          'patient-referrals',
          [t('referral.kind'), t('referral.from_to'), t('referral.urgency'), t('referral.purpose'), t('referral.sent_at'), t('referral.status')],
          items.map((ref) =>
            h(
              'tr',
              { testid: 'patient-referral', 'data-referral-id': ref.id, 'data-status': ref.status },
              td(h('a', { href: hashOf(['referrals', ref.id]), testid: 'patient-referral-link' }, kindText(ref.kind))),
              tdWrap(`${orgName(ref.from_org)} → ${orgName(ref.to_org)}`),
              td(urgencyBadge(ref.urgency)),
              tdWrap(codeText('purpose', ref.purpose, codes.purposes)),
              tdTime(formatDateTime(ref.sent_at)),
              td(statusBadge(ref.status)),
            ),
          ),
        ),
  );
}
