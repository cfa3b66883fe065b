// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: the team timeline: posts, replies, read receipts, photos and the events of records, schedule and referrals, kept current by the event stream.
import { empty } from '../../../common';
import { replace } from '../../../dom';
import type { Patient } from '../../patients/types';
import type { SectionContext } from './room';

export function renderTimeline(panel: HTMLElement, _patient: Patient, _context: SectionContext): void {
  replace(panel, empty('…', 'homecare-timeline-empty'));
}
