// SPDX-License-Identifier: Apache-2.0
// Referral figures (実績) `#/stats`.
import { registerNav, registerRoute } from '../../registry';
import { currentMembership } from '../../session';
import { renderStats } from './views/stats';
import './stats.css';

const member = (): boolean => currentMembership() !== null;

registerRoute({ path: 'stats/*', guard: member, view: renderStats });
registerNav({ hash: '#/stats', label: 'nav.stats', testid: 'nav-stats', order: 60, show: member });
