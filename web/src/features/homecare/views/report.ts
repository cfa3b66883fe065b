// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: 訪問看護報告書, the monthly report from the nursing station to the physician.
import { empty } from '../../../common';
import { replace } from '../../../dom';
import type { Patient } from '../../patients/types';
import type { SectionContext } from './room';

export function renderReports(panel: HTMLElement, _patient: Patient, _context: SectionContext): void {
  replace(panel, empty('…', 'homecare-report-empty'));
}
