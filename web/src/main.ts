// SPDX-License-Identifier: Apache-2.0
// Entry point: restores the session, then renders the screen for the URL hash.
import { api, onUnauthorized } from './api';
import { h, replace } from './dom';
import { applyLang, t } from './i18n';
import { findRoute, homeRoute, loginView, runSessionTasks, type View } from './registry';
import { leavePage, parseHash, redirect, setRenderHook } from './router';
import { currentMe, setMe } from './session';
import { renderHeader } from './shell';
import type { AuthAnswer, Me } from './types';

// Every feature registers its screens, header links and patient tabs when its routes.ts loads.
import.meta.glob('./features/*/routes.ts', { eager: true });

const root = document.getElementById('app') as HTMLElement;
let returnTo = '';

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
    runSessionTasks(null);
    if (route.path[0] !== 'login') {
      returnTo = location.hash;
      history.replaceState(null, '', '#/login');
    }
    loginView()(root, authenticated, () => void logout());
    return;
  }
  if (route.path.length === 0 || route.path[0] === 'login') {
    redirect(homeRoute());
    return;
  }
  runSessionTasks(`${me.user.id}/${me.org_id ?? ''}`);
  const main = h('main', { id: 'main', class: 'main' });
  replace(root, renderHeader(`#/${route.path.join('/')}`, () => void logout()), main);
  const view: View = findRoute(route)?.view ?? notFound;
  void view(main, route);
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
