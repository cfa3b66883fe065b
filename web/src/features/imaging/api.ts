// SPDX-License-Identifier: Apache-2.0
// The imaging API: a patient's studies, the reconciliation queue, and the CD import.
import { api, getAll, seg, uploadWithProgress, type UploadProgress } from '../../api';
import type { ImportResult, QueuedStudy, Study } from './types';

export function loadStudies(patientId: string): Promise<Study[]> {
  return getAll<Study>(`/api/patients/${seg(patientId)}/studies`);
}

export function loadQueue(state: 'waiting' | 'rejected' = 'waiting'): Promise<QueuedStudy[]> {
  return getAll<QueuedStudy>('/api/imaging/reconciliation', { state });
}

export function assignStudy(studyUid: string, patientId: string): Promise<unknown> {
  return api.post(`/api/imaging/studies/${seg(studyUid)}/assign`, { patient_id: patientId });
}

export function rejectStudy(studyUid: string, reason: string): Promise<unknown> {
  return api.post(`/api/imaging/studies/${seg(studyUid)}/reject`, { reason });
}

/** Where an import goes: on a patient's page, or the organisation's. */
export function importPath(patientId?: string): string {
  return patientId ? `/api/imaging/imports/patients/${seg(patientId)}` : '/api/imaging/imports';
}

export function uploadZip(path: string, zip: Blob, progress: UploadProgress): Promise<ImportResult> {
  return uploadWithProgress<ImportResult>(path, zip, 'application/zip', progress);
}
