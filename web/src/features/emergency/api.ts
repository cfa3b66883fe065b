// SPDX-License-Identifier: Apache-2.0
// Who may use emergency access, and the caller's grants in force.
import { api } from '../../api';
import { currentMe, currentMembership, canSeePatients } from '../../session';
import type { List } from '../../types';
import type { EmergencyGrant } from './types';

const HOSPITAL_TYPES = ['advanced_acute_hospital', 'acute_hospital', 'recovery_hospital', 'chronic_hospital'];

/** Emergency (break-the-glass) access: physicians and nurses acting for a hospital (the server
 *  decides; this only decides whether to offer it). */
export function canUseEmergency(): boolean {
  const profession = currentMe()?.user.profession;
  return (
    canSeePatients() &&
    (profession === 'physician' || profession === 'nurse') &&
    HOSPITAL_TYPES.includes(currentMembership()?.org_type ?? '')
  );
}

/** The caller's grant for this patient in force, if any (the patient page is then limited). */
export async function activeGrant(patientId: string): Promise<EmergencyGrant | undefined> {
  const answer = await api.get<List<EmergencyGrant>>('/api/emergency/active');
  return answer.items.find((g) => g.patient.id === patientId && g.status === 'active');
}
