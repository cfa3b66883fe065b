// SPDX-License-Identifier: Apache-2.0
// Words for the audit records, from this feature's catalogs keyed by the server's codes (the event
// id, the object type, the action and outcome codes): the server's English details are for
// developers and shown only under "technical details".
import { t, tCode } from '../../i18n';

/** What happened, e.g. "患者情報の参照": by event id, else the object type and the action. */
export function eventLabel(eventId: string, objectType: string | null, action: string): string {
  const known = tCode('audit.event', eventId);
  if (known !== eventId) return known;
  const object = objectType ? objectLabel(objectType) : '';
  return object ? `${object}(${tCode('action', action)})` : eventId;
}

/** The kind of thing a record is about, e.g. "アレルギー". */
export function objectLabel(objectType: string | null): string {
  return objectType ? tCode('audit.object', objectType) : '';
}

export function outcomeLabel(outcome: number | string): string {
  return tCode('audit.outcome', String(outcome));
}

/** Whether a record was made through emergency (break-the-glass) access (request_emergency). */
export function isEmergencyDetail(detail: unknown): boolean {
  return typeof detail === 'string' && detail.startsWith('emergency access ');
}

/** What a person needs from a record's detail, in words of the catalog; '' when nothing. */
export function detailSummary(eventId: string, outcome: number | string, detail: unknown): string {
  if (typeof detail !== 'string' || detail === '') return '';
  if (Number(outcome) !== 0 && /^[a-z_]+\.[a-z_]+$/.test(detail)) return t('audit.error', { code: detail });
  if (detail === 'listed in search results') return t('audit.listed');
  const colon = detail.indexOf(': ');
  if ((eventId === 'emergency.start' || eventId === 'emergency.reuse') && colon > 0) {
    return t('audit.reason', { text: detail.slice(colon + 2) });
  }
  if (eventId === 'emergency.review' && colon > 0) return t('audit.comment', { text: detail.slice(colon + 2) });
  const results = /(?:^|[ ;])results=(\d+)/.exec(detail);
  return results ? t('audit.results', { n: results[1] ?? '0' }) : '';
}
