// SPDX-License-Identifier: Apache-2.0
// The searches of the 記録 tab. A patient into whom duplicates were merged (名寄せ) has records
// under each merged id too (a merge moves ids, consents and the team, never clinical records);
// the server decides those ids as this patient's, so the tab searches each and shows them all.
import type { Query } from '../../../api';
import { search, type Resource } from '../../../fhir';
import { fhirTime } from '../../../format';
import type { Patient } from '../types';

/** When a resource happened, for putting the results of several ids back in order. */
function when(resource: Resource): number {
  const r = resource as Record<string, unknown>;
  for (const key of ['effectiveDateTime', 'date', 'authoredOn', 'recordedDate', 'onsetDateTime']) {
    if (typeof r[key] === 'string') return fhirTime(r[key] as string);
  }
  return Number.NaN;
}

/** search(type, params) for the patient and every patient merged into it, in params' _sort. */
export async function searchRecord<T extends Resource = Resource>(
  type: string,
  patient: Patient,
  params: Query = {},
): Promise<T[]> {
  const ids = [patient.id, ...(patient.merged_from ?? [])];
  const found = (await Promise.all(ids.map((id) => search<T>(type, { ...params, patient: id })))).flat();
  const sort = params._sort;
  if (ids.length > 1 && (sort === 'date' || sort === '-date')) {
    const sign = sort === 'date' ? 1 : -1;
    found.sort((a, b) => sign * ((when(a) || 0) - (when(b) || 0)));
  }
  return found;
}
