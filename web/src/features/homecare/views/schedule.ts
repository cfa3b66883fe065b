// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: the week view across organisations, with the flags, and the forms to plan, change and cancel visits.
import { empty } from '../../../common';
import { replace } from '../../../dom';
import type { Patient } from '../../patients/types';
import type { SectionContext } from './room';

export function renderSchedule(panel: HTMLElement, _patient: Patient, _context: SectionContext): void {
  replace(panel, empty('…', 'homecare-schedule-empty'));
}
