// SPDX-License-Identifier: Apache-2.0
// Notifications of the current organisation and the header link with the unread count.
import { registerNav, registerRoute } from '../../registry';
import { canSeePatients } from '../../session';
import { notificationsLink, renderNotifications } from './views/notifications';
import './notify.css';

registerRoute({ path: 'notifications/*', guard: canSeePatients, view: renderNotifications });
registerNav({
  hash: '#/notifications',
  label: 'nav.notifications',
  testid: 'nav-notifications',
  order: 90,
  show: canSeePatients,
  render: notificationsLink.render,
});
