// SPDX-License-Identifier: Apache-2.0
// Entry point: restores the session, then renders the screen for the URL hash.
import './styles/app.css';
import { api, onUnauthorized } from './api';
import { h, replace } from './dom';
import { applyLang, t } from './i18n';
import { leavePage, parseHash, redirect, setRenderHook, type Route } from './router';
import {
  canSeePatients,
  canUseEmergency,
  currentMe,
  currentMembership,
  homeRoute,
  isAnyAdmin,
  isOrgAdmin,
  setMe,
} from './session';
import type { AuthAnswer, Me } from './types';
import { renderAccount } from './features/accounts/views/account';
import { renderAudit } from './features/auditlog/views/audit';
import { renderEmergencyReviews } from './features/emergency/views/reviews';
import { renderOrgs } from './features/accounts/views/orgs';
import { renderTokens } from './features/accounts/views/tokens';
import { renderUsers } from './features/accounts/views/users';
import { renderBoard } from './features/directory/views/board';
import { renderDirectory } from './features/directory/views/directory';
import { renderDirectoryOrg } from './features/directory/views/directoryOrg';
import { renderEmergency } from './features/emergency/views/emergency';
import { renderEquipment } from './features/booking/views/equipment';
import { renderLogin } from './features/accounts/views/login';
import { renderNotifications } from './features/notify/views/notifications';
import { renderPatient } from './features/patients/views/patient';
import { renderPatients } from './features/patients/views/patients';
import { renderReferral } from './features/referral/views/referral';
import { renderReferralForm } from './features/referral/views/referralForm';
import { renderReferrals } from './features/referral/views/referrals';
import { renderHeader } from './shell';
import { renderStats } from './features/stats/views/stats';

const root = document.getElementById('app') as HTMLElement;
let returnTo = '';

type View = (main: HTMLElement, route: Route) => void | Promise<void>;

function notFound(main: HTMLElement): void {
  replace(
    main,
    h(
      'section',
      { class: 'notfound', testid: 'page-not-found' },
      h('h1', null, t('notfound.title')),
      h('p', null, h('a', { href: homeRoute() }, t('notfound.home'))),
    ),
  );
}

function pickView(route: Route): View {
  const [first, second] = route.path;
  if (first === 'patients' && canSeePatients()) return second ? renderPatient : renderPatients;
  if (first === 'emergency' && canUseEmergency()) return renderEmergency;
  if (first === 'notifications' && canSeePatients()) return renderNotifications;
  if (first === 'referrals' && canSeePatients()) {
    if (second === 'new') return renderReferralForm;
    return second ? renderReferral : renderReferrals;
  }
  if (first === 'equipment' && canSeePatients()) return renderEquipment;
  if (first === 'account') return renderAccount;
  if (first === 'directory') {
    const orgId = route.path[2];
    if (second === 'orgs' && orgId) return (main) => renderDirectoryOrg(main, orgId);
    if (!second) return renderDirectory;
  }
  if (first === 'board') return renderBoard;
  if (first === 'stats' && currentMembership()) return renderStats;
  if (first === 'admin' && isAnyAdmin()) {
    if (second === 'orgs') return renderOrgs;
    if (second === 'users') return renderUsers;
    if (second === 'tokens') return renderTokens;
    if (second === 'audit') return renderAudit;
    if (second === 'emergency' && isOrgAdmin()) return renderEmergencyReviews;
  }
  return notFound;
}

async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', undefined, { allow401: true });
  } catch {
    // The session may already be gone; the login screen is shown either way.
  }
  setMe(null);
  returnTo = '';
  redirect('#/login');
}

function authenticated(answer: AuthAnswer): void {
  setMe({ ...answer.me, state: answer.state }, answer.csrf_token);
  const target = returnTo && returnTo !== '#/login' ? returnTo : homeRoute();
  returnTo = '';
  redirect(target);
}

function render(): void {
  leavePage();
  const route = parseHash();
  const me = currentMe();
  if (!me || me.state !== 'active') {
    if (route.path[0] !== 'login') {
      returnTo = location.hash;
      history.replaceState(null, '', '#/login');
    }
    renderLogin(root, authenticated, () => void logout());
    return;
  }
  if (route.path.length === 0 || route.path[0] === 'login') {
    redirect(homeRoute());
    return;
  }
  const main = h('main', { id: 'main', class: 'main' });
  replace(root, renderHeader(`#/${route.path.join('/')}`, () => void logout()), main);
  void pickView(route)(main, route);
}

onUnauthorized(() => {
  if (currentMe()) returnTo = location.hash;
  setMe(null);
  redirect('#/login');
});

async function boot(): Promise<void> {
  applyLang();
  try {
    setMe(await api.get<Me>('/api/me', undefined, { allow401: true }));
  } catch {
    setMe(null);
  }
  setRenderHook(render);
  window.addEventListener('hashchange', render);
  render();
}

void boot();
