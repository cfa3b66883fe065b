// SPDX-License-Identifier: Apache-2.0
// The facility directory's code lists (functions, departments, equipment, services, bed kinds,
// emergency answers), shared by every screen that shows organisations.
import { api, readOnce } from '../../api';
import type { DirCodes } from './types';

/** The code lists, read once per page load. */
export const directoryCodes = readOnce(() => api.get<DirCodes>('/api/directory/codes'));
