// SPDX-License-Identifier: Apache-2.0
// A phone number as a link that dials in one tap (tel:), and a person with their phone.
import { h } from '../../../dom';
import { t } from '../../../i18n';

/** `tel:` with the digits and a leading + only (the number is shown as written). */
export function telLink(phone: string | null | undefined, testid = 'tel'): HTMLElement | null {
  if (!phone) return null;
  const digits = phone.replace(/[^\d+]/g, '');
  return h('a', { class: 'tel', href: `tel:${digits}`, testid, 'aria-label': t('oncall.call_phone', { phone }) }, phone);
}
