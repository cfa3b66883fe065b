// SPDX-License-Identifier: Apache-2.0
// Shared-equipment slots (GET /api/equipment/slots).
import { getAll, type Query } from '../../api';
import type { Slot } from './types';

/** Free and booked slots of the query (all pages). */
export function loadSlots(query: Query): Promise<Slot[]> {
  return getAll<Slot>('/api/equipment/slots', query);
}
