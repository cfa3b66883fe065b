// SPDX-License-Identifier: Apache-2.0
// Pieces shared by the sections of the 記録 tab: the source line every item carries and the
// message for a section the user may not read.
import { ApiError } from '../../../api';
import { h, tdWrap } from '../../../dom';
import { sourceOrg, type Resource } from '../../../fhir';
import { formatFhirDate } from '../../../format';
import { t } from '../../../i18n';

/** Turns a refusal into a message that says this part of the record is not open to the user. */
export async function guarded<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      throw new ApiError(403, error.problem, `${t('record.forbidden')} ${error.message}`.trim());
    }
    throw error;
  }
}

/** The clinical date of a resource (the first candidate given), else when it was last stored. */
export function itemDate(resource: Resource, ...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((value) => typeof value === 'string' && value !== '') ?? resource.meta?.lastUpdated;
}

/** The line "記録元: <org> <date>" every item carries. */
export function sourceLine(resource: Resource, date: string | undefined): HTMLElement {
  const org = sourceOrg(resource) || t('record.source_unknown');
  return h(
    'p',
    { class: 'record-source', testid: 'record-source' },
    h('span', { testid: 'record-org' }, t('record.source', { org })),
    date ? h('span', { class: 'record-date', testid: 'record-date' }, formatFhirDate(date)) : null,
  );
}

/** The source organisation as a table cell, for tables that have a date column of their own. */
export function sourceCell(resource: Resource): HTMLTableCellElement {
  const org = sourceOrg(resource) || t('record.source_unknown');
  return tdWrap(h('span', { class: 'record-org', testid: 'record-source' }, org));
}
