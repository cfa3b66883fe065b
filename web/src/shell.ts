// SPDX-License-Identifier: Apache-2.0
// The header bar: app name, current organisation (with a switch), navigation, language, user,
// logout.
import { api, errorMessage } from './api';
import { errorBox, langButton, showError } from './common';
import { h, option } from './dom';
import { t, type MessageKey } from './i18n';
import { findRoute, navEntries } from './registry';
import { go, parseHash, rerender } from './router';
import { currentMe, currentMembership, isPending, setMe } from './session';
import type { Me } from './types';

function navLink(hash: string, testid: string, label: MessageKey, active: boolean): HTMLAnchorElement {
  return h('a', { href: hash, testid, 'aria-current': active ? 'page' : undefined }, t(label));
}

/** A header link whose text carries a count when there is one (new referrals, unread notices). */
export interface CountLink {
  /** The link for the header bar; it reads its count at once. */
  render: (active: boolean) => HTMLElement;
  /** Reads the count again (after an event or a step), if the link is shown. */
  refresh: () => Promise<void>;
  /** Shows a count already known. */
  show: (count: number) => void;
}

export interface CountLinkSpec {
  hash: string;
  testid: string;
  label: MessageKey;
  /** The label with a `{count}`, when the count is above zero. */
  counted: MessageKey;
  /** The data attribute that carries the count, for the tests (`data-<name>`). */
  data: string;
  read: () => Promise<number>;
}

export function countLink(spec: CountLinkSpec): CountLink {
  let target: HTMLElement | null = null;
  const show = (count: number): void => {
    if (!target) return;
    target.textContent = count > 0 ? t(spec.counted, { count }) : t(spec.label);
    target.dataset[spec.data] = String(count);
    target.classList.toggle('has-unread', count > 0);
  };
  const refresh = async (): Promise<void> => {
    const link = target;
    if (!link) return;
    try {
      const count = await spec.read();
      if (target === link) show(count);
    } catch {
      // The count is a hint; the pages show errors.
    }
  };
  const render = (active: boolean): HTMLElement => {
    target = navLink(spec.hash, spec.testid, spec.label, active);
    void refresh();
    return target;
  };
  return { render, refresh, show };
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
    // A screen may belong to the organisation it was opened in (a patient page): it names where
    // to start again.
    const restart = findRoute(parseHash())?.orgSwitch;
    api
      .put<Me>('/api/me/org', { org_id: select.value })
      .then((next) => {
        setMe(next);
        if (restart) go(restart);
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
    navEntries()
      .filter((item) => item.show())
      .map((item) => {
        const active = activePath.startsWith(item.hash);
        return item.render ? item.render(active) : navLink(item.hash, item.testid, item.label, active);
      }),
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
  const header = h(
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
  followHeight(header);
  return header;
}

/**
 * Keeps --topbar-height (layout.css: scroll-padding-top) at the sticky header's height, which
 * changes when the menu wraps, so that scrolling a field into view never leaves it under the header.
 */
function followHeight(header: HTMLElement): void {
  new ResizeObserver(() => {
    if (header.isConnected) document.documentElement.style.setProperty('--topbar-height', `${header.offsetHeight}px`);
  }).observe(header);
}
