// SPDX-License-Identifier: Apache-2.0
// Administration: API tokens for integrations (list, create and show once, revoke).
import { api, getAll, seg } from '../../../api';
import { attempt, badge, empty, errorBox, load, pageTitle } from '../../../common';
import { field, h, option, replace, table, td, tdTime } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import { currentMe, currentMembership, isOrgAdmin } from '../../../session';
import type { User } from '../../../types';
import type { ApiToken, NewApiToken } from '../types';

export function renderTokens(main: HTMLElement): void {
  const list = h('div');
  const errors = errorBox();
  const refresh = (): void =>
    void load(
      list,
      () => getAll<ApiToken>('/api/tokens'),
      (tokens) => tokensTable(tokens, errors, refresh),
    );
  replace(
    main,
    pageTitle(t('tokens.title')),
    h('p', { class: 'muted' }, t('tokens.explain')),
    h('p', { class: 'muted', testid: 'tokens-password-note' }, t('tokens.password_note')),
    isOrgAdmin() ? tokenForm(refresh) : null,
    errors,
    list,
  );
  refresh();
}

function tokensTable(tokens: ApiToken[], errors: HTMLElement, refresh: () => void): HTMLElement {
  if (tokens.length === 0) return empty(t('tokens.none'));
  return table(
    'tokens-table',
    [t('tokens.name'), t('tokens.prefix'), t('tokens.created'), t('tokens.last_used'), t('tokens.status'), ''],
    tokens.map((token) => {
      let action: HTMLElement | string = '';
      if (!token.revoked_at) {
        const revoke = h('button', { type: 'button', class: 'danger small', testid: 'token-revoke' }, t('tokens.revoke'));
        revoke.addEventListener('click', () => {
          if (!window.confirm(t('tokens.revoke_confirm', { name: token.name }))) return;
          void attempt(revoke, errors, async () => {
            await api.del(`/api/tokens/${seg(token.id)}`);
            refresh();
          });
        });
        action = revoke;
      }
      return h(
        'tr',
        { testid: 'token-row' },
        td(h('div', null, token.name), h('small', { class: 'muted' }, token.user_login)),
        td(h('code', null, `${token.prefix}…`)),
        tdTime(formatDateTime(token.created_at)),
        token.last_used_at ? tdTime(formatDateTime(token.last_used_at)) : td(t('tokens.never')),
        td(
          token.revoked_at
            ? badge(t('tokens.revoked_at', { time: formatDateTime(token.revoked_at) }), 'muted')
            : badge(t('tokens.active'), 'ok'),
        ),
        td(action),
      );
    }),
  );
}

function tokenForm(refresh: () => void): HTMLElement {
  const name = h('input', { required: true, maxlength: 100, testid: 'token-name', placeholder: t('tokens.name_placeholder') });
  const user = h('select', { required: true, testid: 'token-user' }, option('', t('tokens.choose_user'), true));
  const orgId = currentMe()?.org_id;
  if (orgId) {
    getAll<User>('/api/users', { org_id: orgId })
      .then((users) => user.append(...users.filter((u) => !u.disabled).map((u) => option(u.id, `${u.name}(${u.login})`))))
      .catch(() => {});
  }
  const errors = errorBox();
  const shown = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'token-submit' }, t('tokens.create'));
  const form = h(
    'form',
    { class: 'stack', testid: 'token-form' },
    h('p', { class: 'hint' }, t('tokens.for_org', { org: currentMembership()?.org_name ?? '' })),
    errors,
    h('div', { class: 'grid2' }, field(t('tokens.name'), name), field(t('tokens.user'), user)),
    h('div', { class: 'row end' }, submit),
    shown,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const created = await api.post<NewApiToken>('/api/tokens', { name: name.value.trim(), user_id: user.value });
      form.reset();
      replace(shown, tokenOnce(created.token));
      refresh();
    });
  });
  return h('details', { class: 'card form-card', testid: 'token-new' }, h('summary', null, t('tokens.new')), form);
}

function tokenOnce(token: string): HTMLElement {
  const value = h('input', { readonly: true, value: token, class: 'mono', testid: 'token-value', 'aria-label': t('tokens.value') });
  const copy = h('button', { type: 'button', class: 'secondary small' }, t('common.copy'));
  copy.addEventListener('click', () => {
    value.select();
    navigator.clipboard?.writeText(token).then(
      () => (copy.textContent = t('common.copied')),
      () => {},
    );
  });
  return h(
    'div',
    { class: 'alert warn stack', testid: 'token-once' },
    h('strong', null, t('tokens.shown_once')),
    h('div', { class: 'row' }, value, copy),
  );
}
