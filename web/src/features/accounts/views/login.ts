// SPDX-License-Identifier: Apache-2.0
// Login in up to three steps: id + password, then the TOTP or recovery code, then a forced
// password change.
import { api, errorMessage } from '../../../api';
import { busy, errorBox, langButton, showError } from '../../../common';
import { h, field, replace } from '../../../dom';
import { t } from '../../../i18n';
import { currentMe } from '../../../session';
import type { AuthAnswer, AuthState } from '../../../types';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

type Done = (answer: AuthAnswer) => void;

export function renderLogin(root: HTMLElement, done: Done, logout: () => void): void {
  const state: AuthState | 'credentials' =
    currentMe()?.state === 'totp_required' || currentMe()?.state === 'password_change_required'
      ? (currentMe()?.state as AuthState)
      : 'credentials';
  const card = h('section', { class: 'login-card', testid: 'login' });
  const page = h(
    'div',
    { class: 'login-page' },
    h('div', { class: 'login-lang' }, langButton()),
    h(
      'div',
      { class: 'login-brand' },
      h('h1', { lang: 'ja' }, 'つなぐ'),
      h('p', { class: 'muted' }, t('app.tagline')),
    ),
    card,
  );
  replace(root, page);
  const next = (answer: AuthAnswer): void => {
    if (answer.state === 'totp_required') replace(card, totpStep(next, logout));
    else if (answer.state === 'password_change_required') replace(card, passwordStep(next, logout));
    else done(answer);
  };
  if (state === 'totp_required') replace(card, totpStep(next, logout));
  else if (state === 'password_change_required') replace(card, passwordStep(next, logout));
  else replace(card, credentialsStep(next));
}

function credentialsStep(next: Done): HTMLElement {
  const login = h('input', {
    name: 'login',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: 'false',
    testid: 'login-id',
  });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    testid: 'login-password',
  });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'login-submit' }, t('login.submit'));
  const form = h(
    'form',
    { class: 'stack', testid: 'login-form' },
    h('h2', null, t('login.title')),
    errors,
    field(t('login.id'), login),
    field(t('login.password'), password),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      try {
        const answer = await api.post<AuthAnswer>(
          '/api/auth/login',
          { login: login.value.trim(), password: password.value },
          { allow401: true },
        );
        next(answer);
      } catch (error) {
        password.value = '';
        showError(errors, errorMessage(error));
        password.focus();
      }
    });
  });
  queueMicrotask(() => login.focus());
  return form;
}

function totpStep(next: Done, logout: () => void): HTMLElement {
  let useRecovery = false;
  const code = h('input', {
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: 6,
    required: true,
    testid: 'totp-code',
  });
  const recovery = h('input', {
    name: 'recovery_code',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    testid: 'recovery-code',
  });
  const codeField = field(t('login.totp_code'), code, t('login.totp_hint'));
  const recoveryField = field(t('login.recovery_code'), recovery, t('login.recovery_hint'));
  recoveryField.hidden = true;
  const toggle = h('button', { type: 'button', class: 'link' }, t('login.use_recovery'));
  toggle.addEventListener('click', () => {
    useRecovery = !useRecovery;
    codeField.hidden = useRecovery;
    recoveryField.hidden = !useRecovery;
    code.required = !useRecovery;
    recovery.required = useRecovery;
    toggle.textContent = useRecovery ? t('login.use_totp') : t('login.use_recovery');
    (useRecovery ? recovery : code).focus();
  });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'totp-submit' }, t('login.verify'));
  const form = h(
    'form',
    { class: 'stack', testid: 'totp-form' },
    h('h2', null, t('login.totp_title')),
    errors,
    codeField,
    recoveryField,
    submit,
    h('div', { class: 'row' }, toggle, cancelButton(logout)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = useRecovery
      ? { recovery_code: recovery.value.trim() }
      : { code: code.value.replace(/\s/g, '') };
    void busy(submit, async () => {
      try {
        next(await api.post<AuthAnswer>('/api/auth/totp', body, { allow401: true }));
      } catch (error) {
        code.value = '';
        showError(errors, errorMessage(error));
      }
    });
  });
  queueMicrotask(() => code.focus());
  return form;
}

/** The password-change fields with the 12–128 character and "same twice" checks. */
export function passwordFields(): {
  fields: HTMLElement[];
  check: () => string | null;
  current: HTMLInputElement;
  fresh: HTMLInputElement;
} {
  const current = h('input', {
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    testid: 'password-current',
  });
  const fresh = h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    maxlength: PASSWORD_MAX,
    testid: 'password-new',
  });
  const again = h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    testid: 'password-again',
  });
  const check = (): string | null => {
    const length = [...fresh.value].length;
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      return t('password.length', { min: PASSWORD_MIN, max: PASSWORD_MAX });
    }
    if (fresh.value !== again.value) return t('password.mismatch');
    if (fresh.value === current.value) return t('password.same');
    return null;
  };
  return {
    fields: [
      field(t('password.current'), current),
      field(t('password.new'), fresh, t('password.rule', { min: PASSWORD_MIN, max: PASSWORD_MAX })),
      field(t('password.again'), again),
    ],
    check,
    current,
    fresh,
  };
}

function passwordStep(next: Done, logout: () => void): HTMLElement {
  const { fields, check, current, fresh } = passwordFields();
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'password-submit' }, t('password.submit'));
  const form = h(
    'form',
    { class: 'stack', testid: 'password-change-form' },
    h('h2', null, t('password.required_title')),
    h('p', null, t('password.required_text')),
    errors,
    fields,
    submit,
    h('div', { class: 'row' }, cancelButton(logout)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = check();
    if (problem) {
      showError(errors, problem);
      return;
    }
    void busy(submit, async () => {
      try {
        next(
          await api.post<AuthAnswer>(
            '/api/auth/password',
            { current_password: current.value, new_password: fresh.value },
            { allow401: true },
          ),
        );
      } catch (error) {
        showError(errors, errorMessage(error));
      }
    });
  });
  queueMicrotask(() => current.focus());
  return form;
}

function cancelButton(logout: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'link', onclick: logout }, t('login.cancel'));
}
