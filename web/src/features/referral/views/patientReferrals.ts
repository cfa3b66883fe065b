// SPDX-License-Identifier: Apache-2.0
// The 紹介・逆紹介 tab of the patient page: the patient's referrals (both directions, every
// organisation the current one may see) with their status, kept current by the "referral" event
// stream while the tab is shown, and the way to write a new one.
import { api, seg } from '../../../api';
import { empty, loadInto } from '../../../common';
import { h, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import { hashOf } from '../../../router';
import type { Patient } from '../../patients/types';
import type { TabContext } from '../../patients/extensions';
import { referralCodes, referralStream } from '../api';
import type { ReferralCodes, ReferralSummary } from '../types';
import { codeText, kindText, orgName, statusBadge, urgencyBadge } from './referralCommon';

function newReferralHash(patient: Patient): string {
  return hashOf(['referrals', 'new'], { patient: patient.id });
}

/** 「紹介状を作成」 in the header of the patient page. */
export function newReferralButton(patient: Patient): HTMLElement {
  return h('a', { href: newReferralHash(patient), class: 'button secondary small', testid: 'patient-new-referral' }, t('referral.create'));
}

function referralTable(items: ReferralSummary[], codes: ReferralCodes): HTMLElement {
  return items.length === 0
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
      );
}

export async function renderPatientReferrals(panel: HTMLElement, patient: Patient, context: TabContext): Promise<void> {
  const fetchList = (): Promise<{ items: ReferralSummary[] }> => api.get(`/api/patients/${seg(patient.id)}/referrals`);
  const live = h('span', { class: 'visually-hidden', testid: 'patient-referrals-live' });
  let missed = false;
  let refresh: () => Promise<void> = async () => {
    missed = true;
  };
  // Listen before the first read, so that a step taken meanwhile is not lost. An event does not
  // say whose referral it is: any one may concern this patient, so the list is read again.
  referralStream(() => void refresh(), live, context.onLeave);
  const loaded = await loadInto(panel, () => Promise.all([fetchList(), referralCodes()]));
  if (!loaded) return;
  const [answer, codes] = loaded;
  const list = h('div', { testid: 'patient-referrals-list', 'aria-live': 'polite' }, referralTable(answer.items ?? [], codes));
  let generation = 0;
  refresh = async () => {
    const mine = ++generation;
    try {
      const fresh = await fetchList();
      // Only the latest read counts; an older answer arriving late is dropped.
      if (mine === generation) replace(list, referralTable(fresh.items ?? [], codes));
    } catch {
      // The list keeps what it showed; the next event or a reload brings it up to date.
    }
  };
  replace(
    panel,
    h(
      'div',
      { class: 'card-title' },
      h('h2', null, t('tab.referrals')),
      live,
      h('a', { href: newReferralHash(patient), class: 'button primary small', testid: 'patient-referrals-new' }, t('referral.create')),
    ),
    list,
  );
  if (missed) await refresh();
}
