// SPDX-License-Identifier: Apache-2.0
// Accounts: the login screen, my account, and the administration of organisations, users and
// API tokens.
import { registerHome, registerLogin, registerNav, registerRoute } from '../../registry';
import { isAnyAdmin } from '../../session';
import { renderAccount } from './views/account';
import { renderLogin } from './views/login';
import { renderOrgs } from './views/orgs';
import { renderTokens } from './views/tokens';
import { renderUsers } from './views/users';
import './accounts.css';

const always = (): boolean => true;

registerLogin(renderLogin);
registerRoute({ path: 'account/*', view: renderAccount });
registerRoute({ path: 'admin/orgs/*', guard: isAnyAdmin, view: renderOrgs });
registerRoute({ path: 'admin/users/*', guard: isAnyAdmin, view: renderUsers });
registerRoute({ path: 'admin/tokens/*', guard: isAnyAdmin, view: renderTokens });

// Network admins only manage accounts; a member who sees no patients (pending) has the account page.
registerHome({ hash: '#/admin/users', order: 20, when: isAnyAdmin });
registerHome({ hash: '#/account', order: 90, when: always });

registerNav({ hash: '#/account', label: 'nav.account', testid: 'nav-account', order: 70, show: always });
registerNav({ hash: '#/admin/orgs', label: 'nav.orgs', testid: 'nav-admin-orgs', order: 80, show: isAnyAdmin });
registerNav({ hash: '#/admin/users', label: 'nav.users', testid: 'nav-admin-users', order: 81, show: isAnyAdmin });
registerNav({ hash: '#/admin/tokens', label: 'nav.tokens', testid: 'nav-admin-tokens', order: 82, show: isAnyAdmin });
