// SPDX-License-Identifier: Apache-2.0
// Shared-equipment booking (共同利用): the 共同利用 page and the 共同利用検査 tab of the patient page.
import { registerNav, registerRoute } from '../../registry';
import { canSeePatients } from '../../session';
import { registerPatientTab } from '../patients/extensions';
import { renderPatientBookings } from './views/bookingForm';
import { renderEquipment } from './views/equipment';
import './booking.css';

registerRoute({ path: 'equipment/*', guard: canSeePatients, view: renderEquipment });
registerNav({ hash: '#/equipment', label: 'nav.equipment', testid: 'nav-equipment', order: 30, show: canSeePatients });
registerPatientTab({ id: 'bookings', label: 'tab.bookings', order: 50, render: renderPatientBookings });
