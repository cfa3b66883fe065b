// SPDX-License-Identifier: Apache-2.0
// Administration: user accounts (list, add with initial password and memberships, disable,
// reset password).
import { api, getAll, seg } from '../../../api';
import {
  attempt,
  badge,
  empty,
  errorBox,
  load,
  notice,
  openDialog,
  pageTitle,
} from '../../../common';
import { field, h, option, replace, table, td, tdWrap, uniqueId } from '../../../dom';
import { t, tCode } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { currentMe, currentMembership, isNetworkAdmin, isOrgAdmin } from '../../../session';
import type { Org, Role, User } from '../../../types';
import { PROFESSIONS } from '../types';
import { PASSWORD_MAX, PASSWORD_MIN } from './login';

export async function renderUsers(main: HTMLElement): Promise<void> {
  const list = h('div');
  const errors = errorBox();
  const network = isNetworkAdmin();
  const orgs = await loadOrgs().catch(() => [] as Org[]);
  let orgFilter = network ? '' : (currentMe()?.org_id ?? '');
  const refresh = (): void =>
    void load(
      list,
      () => getAll<User>('/api/users', { org_id: orgFilter }),
      (users) => usersTable(users, errors, refresh),
    );
  const filter = network
    ? h(
        'div',
        { class: 'toolbar' },
        field(
          t('users.filter_org'),
          h(
            'select',
            {
              testid: 'users-org-filter',
              onchange: (event: Event) => {
                orgFilter = (event.target as HTMLSelectElement).value;
                refresh();
              },
            },
            option('', t('users.all_orgs'), true),
            orgs.map((o) => option(o.id, o.name)),
          ),
        ),
      )
    : h('p', { class: 'muted' }, t('users.of_org', { org: currentMembership()?.org_name ?? '' }));
  replace(main, pageTitle(t('users.title')), userForm(orgs, refresh), filter, errors, list);
  refresh();
}

function statusBadges(user: User): HTMLElement[] {
  const out: HTMLElement[] = [];
  out.push(user.disabled ? badge(t('users.disabled'), 'muted') : badge(t('users.active'), 'ok'));
  if (user.network_admin) out.push(badge(t('users.network_admin'), 'info'));
  if (user.must_change_password) out.push(badge(t('users.must_change'), 'warn'));
  if (user.totp_enabled) out.push(badge(t('users.totp'), 'info'));
  if (pendingHere(user)) out.push(badge(t('users.pending'), 'warn'));
  return out;
}

/** The user's membership of the current organisation waits for its administrator. */
function pendingHere(user: User): boolean {
  const org = currentMembership()?.org_id;
  return user.memberships.some((m) => m.org_id === org && m.pending !== null);
}

function usersTable(users: User[], errors: HTMLElement, refresh: () => void): HTMLElement {
  if (users.length === 0) return empty(t('users.none'));
  return table(
    'users-table',
    [t('users.login'), t('users.name'), t('users.profession'), t('users.memberships'), t('users.status'), ''],
    users.map((user) => {
      const toggle = h(
        'button',
        { type: 'button', class: user.disabled ? 'secondary small' : 'danger small', testid: 'user-toggle' },
        user.disabled ? t('users.enable') : t('users.disable'),
      );
      toggle.addEventListener('click', () => {
        if (!user.disabled && !window.confirm(t('users.disable_confirm', { name: user.name }))) return;
        void attempt(toggle, errors, async () => {
          await api.patch(`/api/users/${seg(user.id)}`, { disabled: !user.disabled });
          refresh();
        });
      });
      const reset = h(
        'button',
        { type: 'button', class: 'secondary small', testid: 'user-reset', onclick: () => openReset(user) },
        t('users.reset'),
      );
      return h(
        'tr',
        { testid: 'user-row', 'data-login': user.login },
        td(h('code', null, user.login)),
        td(h('div', null, user.name), h('small', { class: 'muted' }, user.name_kana)),
        td(tCode('profession', user.profession)),
        tdWrap(
          h(
            'ul',
            { class: 'plain' },
            user.memberships.map((m) => h('li', null, `${m.org_name}(${tCode('role', m.role)})`)),
          ),
        ),
        tdWrap(h('div', { class: 'badges' }, statusBadges(user))),
        td(h('div', { class: 'row' }, toggle, reset, confirmButton(user, errors, refresh))),
      );
    }),
  );
}

/** 確認する: an administrator of the organisation confirms an account the network office created
 *  or reset (never one's own: the server refuses it too). */
function confirmButton(user: User, errors: HTMLElement, refresh: () => void): HTMLElement | null {
  if (!pendingHere(user) || user.id === currentMe()?.user.id || !isOrgAdmin()) return null;
  const button = h('button', { type: 'button', class: 'primary small', testid: 'user-confirm' }, t('users.confirm'));
  button.addEventListener('click', () => {
    if (!window.confirm(t('users.confirm_question', { name: user.name }))) return;
    void attempt(button, errors, async () => {
      await api.post(`/api/users/${seg(user.id)}/confirm`);
      refresh();
    });
  });
  return button;
}

function passwordInput(testid: string): HTMLInputElement {
  return h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: PASSWORD_MIN,
    maxlength: PASSWORD_MAX,
    testid,
  });
}

function openReset(user: User): void {
  const password = passwordInput('reset-password');
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'reset-submit' }, t('users.reset'));
  const form = h(
    'form',
    { class: 'stack' },
    h('p', null, t('users.reset_text', { name: user.name })),
    h('p', { class: 'muted' }, t('users.reset_effects')),
    errors,
    field(t('users.initial_password'), password, t('password.rule', { min: PASSWORD_MIN, max: PASSWORD_MAX })),
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post(`/api/users/${seg(user.id)}/password`, { initial_password: password.value });
      replace(form, notice(t('users.reset_done')));
    });
  });
  openDialog(t('users.reset'), form, 'reset-dialog');
}

interface MembershipRow {
  element: HTMLElement;
  value: () => { org_id: string; role: Role } | null;
}

function membershipRow(orgs: Org[], fixedOrg: string | null, remove: (row: MembershipRow) => void): MembershipRow {
  const org = h(
    'select',
    { required: true, testid: 'membership-org', disabled: fixedOrg !== null },
    fixedOrg ? null : option('', t('team.choose_org'), true),
    orgs.map((o) => option(o.id, o.name, o.id === fixedOrg)),
  );
  const role = h(
    'select',
    { testid: 'membership-role' },
    option('member', tCode('role', 'member'), true),
    option('org_admin', tCode('role', 'org_admin')),
  );
  const row: MembershipRow = {
    element: h(
      'div',
      { class: 'membership-row' },
      field(t('users.org'), org),
      field(t('users.role'), role),
      fixedOrg
        ? null
        : h('button', { type: 'button', class: 'secondary small', onclick: () => remove(row) }, t('common.remove')),
    ),
    value: () => (org.value ? { org_id: org.value, role: role.value as Role } : null),
  };
  return row;
}

function userForm(orgs: Org[], refresh: () => void): HTMLElement {
  const network = isNetworkAdmin();
  const login = h('input', { required: true, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off', testid: 'user-login' });
  const name = h('input', { required: true, testid: 'user-name-input' });
  const kana = h('input', { required: true, testid: 'user-kana' });
  const profession = h(
    'select',
    { required: true, testid: 'user-profession' },
    PROFESSIONS.map((p) => option(p, tCode('profession', p))),
  );
  const password = passwordInput('user-initial-password');
  const networkAdmin = h('input', { type: 'checkbox', id: uniqueId('user-network-admin'), testid: 'user-network-admin' });
  const rows: MembershipRow[] = [];
  const rowBox = h('div', { class: 'stack' });
  const removeRow = (row: MembershipRow): void => {
    rows.splice(rows.indexOf(row), 1);
    row.element.remove();
  };
  const addRow = (): void => {
    const fixed = network ? null : (currentMe()?.org_id ?? null);
    const row = membershipRow(orgs, fixed, removeRow);
    rows.push(row);
    rowBox.append(row.element);
  };
  addRow();
  const errors = errorBox();
  const result = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'user-submit' }, t('users.add'));
  const form = h(
    'form',
    { class: 'stack', testid: 'user-form' },
    errors,
    result,
    h(
      'div',
      { class: 'grid2' },
      field(t('users.login'), login),
      field(t('users.profession'), profession),
      field(t('users.name'), name),
      field(t('users.kana'), kana),
      field(t('users.initial_password'), password, t('users.initial_password_hint', { min: PASSWORD_MIN, max: PASSWORD_MAX })),
    ),
    network ? h('label', { class: 'check', for: networkAdmin.id }, networkAdmin, t('users.network_admin')) : null,
    h(
      'fieldset',
      null,
      h('legend', null, t('users.memberships')),
      rowBox,
      network
        ? h('button', { type: 'button', class: 'secondary small', onclick: addRow }, t('users.add_membership'))
        : null,
    ),
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(result);
    const memberships = rows.map((r) => r.value()).filter((m) => m !== null);
    void attempt(submit, errors, async () => {
      const user = await api.post<User>('/api/users', {
        login: login.value.trim(),
        name: name.value.trim(),
        name_kana: kana.value.trim(),
        profession: profession.value,
        initial_password: password.value,
        ...(network ? { network_admin: networkAdmin.checked } : {}),
        memberships,
      });
      form.reset();
      replace(result, notice(t('users.added', { login: user.login })));
      refresh();
    });
  });
  return h('details', { class: 'card form-card', testid: 'user-new' }, h('summary', null, t('users.new')), form);
}
