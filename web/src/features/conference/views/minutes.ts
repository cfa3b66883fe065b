// SPDX-License-Identifier: Apache-2.0
// The conference page's 議事録 section: the current minutes; for the organiser's side an editor
// that saves a new version (stating the version edited, so another writer's version since is
// refused rather than overwritten), every earlier version with who and when, and 共有 — which
// tells exactly the participants and the care team the access rule admits.
import { api, seg } from '../../../api';
import { attempt, errorBox, notice } from '../../../common';
import { h, replace } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import { organises } from '../api';
import type { Conference, Minutes } from '../types';

function versionItem(m: Minutes): HTMLElement {
  return h(
    'details',
    { class: 'conference-version', testid: 'minutes-version', 'data-version': String(m.version) },
    h('summary', null, t('conference.minutes_version_line', { version: m.version, name: m.by?.name ?? '', org: m.org?.name ?? '', at: formatDateTime(m.at) })),
    h('p', { class: 'pre' }, m.text),
  );
}

function editor(c: Conference, reload: () => void): HTMLElement {
  const current = c.minutes ?? null;
  const text = h('textarea', { name: 'text', rows: 12, testid: 'minutes-text', 'aria-label': t('conference.minutes_title') });
  text.value = current?.text ?? '';
  const errors = errorBox();
  const done = h('div');
  const save = h('button', { type: 'submit', class: 'primary', testid: 'minutes-save' }, t('conference.minutes_save'));
  const share = h('button', { type: 'button', class: 'secondary', testid: 'minutes-share', disabled: !current }, t('conference.minutes_share'));
  const form = h('form', { class: 'stack', testid: 'minutes-form', novalidate: true }, text, errors, done, h('div', { class: 'row' }, save, share));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(done);
    void attempt(save, errors, async () => {
      await api.put(`/api/conferences/${seg(c.id)}/minutes`, { text: text.value, version: current?.version });
      reload();
    });
  });
  share.addEventListener('click', () => {
    replace(done);
    void attempt(share, errors, async () => {
      const told = await api.post<{ organisations_told: number }>(`/api/conferences/${seg(c.id)}/minutes/share`);
      replace(done, notice(t('conference.minutes_shared_to', { count: told.organisations_told }), 'minutes-shared'));
    });
  });
  return form;
}

export function minutesSection(c: Conference, reload: () => void): HTMLElement {
  const versions = c.minutes_versions ?? [];
  const writable = organises(c) && c.status !== 'cancelled';
  const current = c.minutes;
  return h(
    'section',
    { class: 'card stack', testid: 'minutes', 'data-version': String(current?.version ?? 0) },
    h('h2', { class: 'card-title' }, t('conference.minutes_title')),
    c.minutes_shared_at ? h('p', { class: 'small muted', testid: 'minutes-shared-at' }, t('conference.minutes_shared_at', { at: formatDateTime(c.minutes_shared_at) })) : null,
    writable
      ? editor(c, reload)
      : current
        ? h('div', { class: 'pre conference-minutes', testid: 'minutes-current' }, current.text)
        : h('p', { class: 'muted', testid: 'minutes-none' }, t('conference.minutes_none')),
    versions.length > 0 ? h('div', { class: 'stack', testid: 'minutes-versions' }, h('h3', null, t('conference.minutes_versions')), [...versions].reverse().map(versionItem)) : null,
  );
}
