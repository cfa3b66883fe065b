// SPDX-License-Identifier: Apache-2.0
// My account: sessions, password change, two-factor authentication (TOTP).
import { api, seg } from '../../../api';
import { attempt, badge, clearError, errorBox, load, notice, pageTitle } from '../../../common';
import { base64Utf8, field, h, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t, tCode } from '../../../i18n';
import { redirect } from '../../../router';
import { currentMe, setMe } from '../../../session';
import type { AuthAnswer, List, Me } from '../../../types';
import type { Session, TotpEnrollment } from '../types';
import { passwordFields } from './login';

export function renderAccount(main: HTMLElement): void {
  const me = currentMe();
  if (!me) return;
  replace(
    main,
    pageTitle(t('account.title')),
    h(
      'section',
      { class: 'card', testid: 'account-profile' },
      h('h2', null, t('account.profile')),
      h(
        'dl',
        { class: 'facts' },
        h('div', { class: 'fact' }, h('dt', null, t('account.name')), h('dd', null, me.user.name)),
        h('div', { class: 'fact' }, h('dt', null, t('account.login')), h('dd', null, me.user.login)),
        h(
          'div',
          { class: 'fact' },
          h('dt', null, t('account.profession')),
          h('dd', null, tCode('profession', me.user.profession)),
        ),
        h(
          'div',
          { class: 'fact' },
          h('dt', null, t('account.memberships')),
          h(
            'dd',
            null,
            h(
              'ul',
              { class: 'plain' },
              me.memberships.map((m) => h('li', null, `${m.org_name}(${tCode('role', m.role)})`)),
            ),
          ),
        ),
      ),
    ),
    sessionsSection(),
    passwordSection(),
    totpSection(me),
  );
}

function sessionsSection(): HTMLElement {
  const body = h('div');
  const errors = errorBox();
  const refresh = (): void =>
    void load(
      body,
      () => api.get<List<Session>>('/api/me/sessions').then((l) => l.items),
      (sessions) => sessionsTable(sessions, errors, refresh),
    );
  const endOthers = h(
    'button',
    { type: 'button', class: 'secondary', testid: 'sessions-end-others' },
    t('sessions.end_others'),
  );
  const result = h('div');
  endOthers.addEventListener('click', () => {
    void attempt(endOthers, errors, async () => {
      const answer = await api.post<{ ended: number }>('/api/me/sessions/end-others');
      replace(result, notice(t('sessions.ended', { n: answer?.ended ?? 0 })));
      refresh();
    });
  });
  refresh();
  return h(
    'section',
    { class: 'card', testid: 'sessions' },
    h('div', { class: 'card-title' }, h('h2', null, t('sessions.title')), endOthers),
    errors,
    result,
    body,
  );
}

function sessionsTable(sessions: Session[], errors: HTMLElement, refresh: () => void): HTMLElement {
  return table(
    'sessions-table',
    [t('sessions.started'), t('sessions.last_seen'), t('sessions.client'), ''],
    sessions.map((s) => {
      const end = h(
        'button',
        { type: 'button', class: 'secondary small', testid: 'session-end' },
        s.current ? t('sessions.end_current') : t('sessions.end'),
      );
      end.addEventListener('click', () => {
        void attempt(end, errors, async () => {
          await api.del(`/api/me/sessions/${seg(s.id)}`);
          if (s.current) {
            setMe(null);
            redirect('#/login');
          } else {
            refresh();
          }
        });
      });
      return h(
        'tr',
        { testid: 'session-row' },
        tdTime(formatDateTime(s.created_at), s.current ? badge(t('sessions.current'), 'ok') : null),
        tdTime(formatDateTime(s.last_seen_at)),
        tdWrap(h('span', { class: 'ua' }, [s.client, s.user_agent].filter(Boolean).join(' · '))),
        td(end),
      );
    }),
  );
}

function passwordSection(): HTMLElement {
  const { fields, check, current, fresh } = passwordFields();
  const errors = errorBox();
  const result = h('div');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'password-submit' }, t('password.submit'));
  const form = h('form', { class: 'stack', testid: 'account-password-form' }, errors, result, fields, h('div', { class: 'row end' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(result);
    const problem = check();
    if (problem) {
      errors.textContent = problem;
      errors.hidden = false;
      return;
    }
    void attempt(submit, errors, async () => {
      const answer = await api.post<AuthAnswer>('/api/auth/password', {
        current_password: current.value,
        new_password: fresh.value,
      });
      setMe({ ...answer.me, state: answer.state }, answer.csrf_token);
      form.reset();
      replace(result, notice(t('password.changed')));
    });
  });
  return h('section', { class: 'card', testid: 'account-password' }, h('h2', null, t('password.title')), form);
}

function totpSection(me: Me): HTMLElement {
  const body = h('div', { class: 'stack' });
  const section = h('section', { class: 'card', testid: 'account-totp' }, h('h2', null, t('totp.title')), body);
  if (me.user.totp_enabled) showTotpEnabled(body);
  else showTotpStart(body, me);
  return section;
}

function showTotpStart(body: HTMLElement, me: Me): void {
  const errors = errorBox();
  const start = h('button', { type: 'button', class: 'primary', testid: 'totp-enroll' }, t('totp.start'));
  start.addEventListener('click', () => {
    void attempt(start, errors, async () => {
      showTotpConfirm(body, await api.post<TotpEnrollment>('/api/me/totp/enroll'));
    });
  });
  replace(
    body,
    h('p', null, badge(t('totp.off'), 'muted'), ' ', t('totp.explain')),
    me.totp_required ? h('p', { class: 'alert warn' }, t('totp.required_by_org')) : null,
    errors,
    h('div', { class: 'row' }, start),
  );
}

function showTotpConfirm(body: HTMLElement, enrollment: TotpEnrollment): void {
  // The QR code arrives as SVG text; shown as an image (data: URL) so it can never run script.
  const qr = h('img', {
    class: 'qr',
    alt: t('totp.qr_alt'),
    width: 200,
    height: 200,
    testid: 'totp-qr',
    src: `data:image/svg+xml;base64,${base64Utf8(enrollment.qr_svg)}`,
  });
  const code = h('input', {
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: 6,
    required: true,
    testid: 'totp-confirm-code',
  });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'totp-confirm' }, t('totp.confirm'));
  const form = h('form', { class: 'stack' }, errors, field(t('totp.code'), code), h('div', { class: 'row' }, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const answer = await api.post<{ recovery_codes: string[] }>('/api/me/totp/confirm', {
        code: code.value.replace(/\s/g, ''),
      });
      const me = currentMe();
      if (me) setMe({ ...me, user: { ...me.user, totp_enabled: true } });
      showRecoveryCodes(body, answer.recovery_codes);
    });
  });
  replace(
    body,
    h('ol', { class: 'steps' }, h('li', null, t('totp.step_scan')), h('li', null, t('totp.step_code'))),
    h(
      'div',
      { class: 'totp-enroll' },
      qr,
      h(
        'div',
        { class: 'stack' },
        h('p', { class: 'hint' }, t('totp.secret_hint')),
        h('code', { class: 'secret', testid: 'totp-secret' }, enrollment.secret.replace(/(.{4})/g, '$1 ').trim()),
        form,
      ),
    ),
  );
  queueMicrotask(() => code.focus());
}

function showRecoveryCodes(body: HTMLElement, codes: string[]): void {
  replace(
    body,
    notice(t('totp.enabled_now')),
    h('p', { class: 'alert warn' }, t('totp.recovery_once')),
    h('ol', { class: 'recovery-codes', testid: 'recovery-codes' }, codes.map((c) => h('li', null, h('code', null, c)))),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'primary', onclick: () => showTotpEnabled(body) }, t('totp.saved_codes')),
    ),
  );
}

function showTotpEnabled(body: HTMLElement): void {
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true, testid: 'totp-disable-password' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'danger', testid: 'totp-disable' }, t('totp.disable'));
  const form = h('form', { class: 'stack' }, errors, field(t('login.password'), password), h('div', { class: 'row' }, submit));
  form.hidden = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post('/api/me/totp/disable', { password: password.value });
      const me = await api.get<Me>('/api/me');
      setMe(me);
      showTotpStart(body, me);
    });
  });
  const open = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        clearError(errors);
        form.hidden = !form.hidden;
        if (!form.hidden) password.focus();
      },
    },
    t('totp.disable_open'),
  );
  replace(body, h('p', null, badge(t('totp.on'), 'ok'), ' ', t('totp.on_explain')), h('div', { class: 'row' }, open), form);
}
