// SPDX-License-Identifier: Apache-2.0
// The header bar: app name, current organisation (with a switch), navigation, language, user,
// logout.
import { api, errorMessage } from './api';
import { h, option } from './dom';
import { t, type MessageKey } from './i18n';
import { go, parseHash, rerender } from './router';
import {
  canSeePatients,
  currentMe,
  currentMembership,
  isAnyAdmin,
  isOrgAdmin,
  isPending,
  setMe,
} from './session';
import type { Me } from './types';
import { errorBox, langButton, showError } from './common';
import { notificationsLink } from './features/notify/views/notifications';
import { referralsLink } from './features/referral/views/referrals';

interface NavItem {
  hash: string;
  label: MessageKey;
  testid: string;
  show: boolean;
  /** A link that fills in a count of its own. */
  render?: (active: boolean) => HTMLElement;
}

function navItems(): NavItem[] {
  const admin = isAnyAdmin();
  return [
    { hash: '#/patients', label: 'nav.patients', testid: 'nav-patients', show: canSeePatients() },
    {
      hash: '#/referrals',
      label: 'nav.referrals',
      testid: 'nav-referrals',
      show: canSeePatients(),
      render: referralsLink,
    },
    { hash: '#/equipment', label: 'nav.equipment', testid: 'nav-equipment', show: canSeePatients() },
    { hash: '#/directory', label: 'nav.directory', testid: 'nav-directory', show: true },
    { hash: '#/board', label: 'nav.board', testid: 'nav-board', show: true },
    { hash: '#/stats', label: 'nav.stats', testid: 'nav-stats', show: currentMembership() !== null },
    { hash: '#/account', label: 'nav.account', testid: 'nav-account', show: true },
    { hash: '#/admin/orgs', label: 'nav.orgs', testid: 'nav-admin-orgs', show: admin },
    { hash: '#/admin/users', label: 'nav.users', testid: 'nav-admin-users', show: admin },
    { hash: '#/admin/tokens', label: 'nav.tokens', testid: 'nav-admin-tokens', show: admin },
    { hash: '#/admin/audit', label: 'nav.audit', testid: 'nav-admin-audit', show: admin },
    {
      hash: '#/admin/emergency',
      label: 'nav.emergency_reviews',
      testid: 'nav-admin-emergency',
      show: isOrgAdmin(),
    },
  ];
}

function orgSwitch(me: Me, errors: HTMLElement): HTMLElement {
  const current = currentMembership();
  if (me.memberships.length <= 1) {
    return h(
      'span',
      { class: 'org-name', testid: 'current-org' },
      current?.org_name ?? (me.user.network_admin ? t('header.network_office') : ''),
    );
  }
  const select = h(
    'select',
    { testid: 'org-switch', 'aria-label': t('header.switch_org') },
    me.org_id ? null : option('', t('header.choose_org'), true),
    me.memberships.map((m) => option(m.org_id, m.org_name, m.org_id === me.org_id)),
  );
  select.addEventListener('change', () => {
    select.disabled = true;
    api
      .put<Me>('/api/me/org', { org_id: select.value })
      .then((next) => {
        setMe(next);
        // A patient page belongs to the organisation it was opened in: start again from search.
        if (parseHash().path[0] === 'patients') go('#/patients');
        else rerender();
      })
      .catch((error: unknown) => {
        select.disabled = false;
        select.value = me.org_id ?? '';
        showError(errors, errorMessage(error));
      });
  });
  return select;
}

export function renderHeader(activePath: string, logout: () => void): HTMLElement {
  const me = currentMe();
  if (!me) return h('header');
  const errors = errorBox();
  const nav = h(
    'nav',
    { class: 'nav', 'aria-label': t('nav.label') },
    navItems()
      .filter((item) => item.show)
      .map((item) =>
        item.render ? item.render(activePath.startsWith(item.hash)) : h(
          'a',
          {
            href: item.hash,
            testid: item.testid,
            'aria-current': activePath.startsWith(item.hash) ? 'page' : undefined,
          },
          t(item.label),
        ),
      ),
    canSeePatients() ? notificationsLink(activePath.startsWith('#/notifications')) : null,
  );
  const banner = isPending()
    ? h('div', { class: 'alert warn banner', testid: 'pending-banner' }, t('header.account_pending'))
    : me.totp_required && !me.user.totp_enabled
      ? h(
          'div',
          { class: 'alert warn banner', testid: 'totp-banner' },
          t('header.totp_needed'),
          ' ',
          h('a', { href: '#/account' }, t('header.totp_setup')),
        )
      : null;
  return h(
    'header',
    { class: 'topbar', testid: 'header' },
    h(
      'div',
      { class: 'topbar-row' },
      h('a', { class: 'brand', href: '#/', testid: 'brand', lang: 'ja', 'aria-label': t('app.name') }, 'つなぐ'),
      h('div', { class: 'org' }, orgSwitch(me, errors)),
      h(
        'div',
        { class: 'user' },
        langButton(),
        h('span', { class: 'user-name', testid: 'user-name' }, me.user.name),
        h(
          'button',
          { type: 'button', class: 'secondary', testid: 'logout', onclick: logout },
          t('header.logout'),
        ),
      ),
    ),
    nav,
    errors,
    banner,
  );
}
