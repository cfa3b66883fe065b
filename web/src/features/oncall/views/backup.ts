// SPDX-License-Identifier: Apache-2.0
// 災害時の相互支援 (`#/oncall/backup`): the current organisation's declaration (対応不能の宣言:
// declare with a reason and a planned end, end it), its backup partnerships both ways (name a
// partner, accept being named), and, while a partner has declared itself unavailable, the notice
// that this organisation backs it up. The API lists no patients for a partner (searches leave them
// out by design): the partner opens each one by the id the declaring organisation hands over.
import { api, seg } from '../../../api';
import { badge, empty, errorBox, loadInto, pageTitle } from '../../../common';
import { field, h, option, replace, table, td } from '../../../dom';
import { formatDateTime, tokyoLocalToIso } from '../../../format';
import { t } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { go, hashOf } from '../../../router';
import { currentMembership, isOrgAdmin } from '../../../session';
import { loadDeclarations, loadPartners } from '../api';
import type { Declaration, Partnership } from '../types';
import { localValue } from './dates';
import { formDialog } from './rosterForms';

const REASONS = ['disaster', 'illness', 'other'] as const;

function openDeclareForm(saved: () => void): void {
  const reason = h('select', { name: 'reason', testid: 'declare-reason' }, REASONS.map((r) => option(r, t(`oncall.reason_${r}`))));
  const end = h('input', { type: 'datetime-local', name: 'planned_end_at', testid: 'declare-end', required: true, value: localValue(new Date(Date.now() + 3 * 86_400_000)) });
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 500, testid: 'declare-note' });
  const controls = [
    h('p', { class: 'alert warn' }, t('oncall.declare_explain')),
    h('div', { class: 'grid2' }, field(t('oncall.declare_reason'), reason), field(t('oncall.declare_end'), end, t('oncall.declare_end_hint'))),
    field(t('oncall.declare_note'), note),
  ];
  formDialog('oncall.declare_title', 'declare', controls, async () => {
    await api.post('/api/oncall/declarations', { reason: reason.value, note: note.value.trim() || undefined, planned_end_at: tokyoLocalToIso(end.value) });
  }, saved, 'oncall.declare_submit');
}

function openProposeForm(orgId: string, saved: () => void): void {
  const select = h('select', { name: 'partner_org_id', testid: 'partner-org' });
  void loadOrgs().then((orgs) => replace(select, orgs.filter((o) => o.id !== orgId).map((o) => option(o.id, o.name))));
  formDialog('oncall.partner_propose', 'partner', [h('p', { class: 'small muted' }, t('oncall.partner_explain')), field(t('oncall.partner_org'), select)], async () => {
    await api.post('/api/oncall/partners', { partner_org_id: select.value });
  }, saved, 'oncall.partner_propose_submit');
}

/** The other organisation of a partnership, seen from orgId. */
const other = (p: Partnership, orgId: string) => (p.org.id === orgId ? p.partner : p.org);

function declarationSection(own: Declaration | null, orgId: string, reload: () => void): HTMLElement {
  const errors = errorBox();
  const admin = isOrgAdmin();
  const end = h('button', { type: 'button', class: 'primary', testid: 'declaration-end' }, t('oncall.declaration_end'));
  end.addEventListener('click', () =>
    formDialog('oncall.declaration_end', 'declaration-end', [h('p', null, t('oncall.declaration_end_confirm'))], async () => {
      await api.post(`/api/oncall/declarations/${seg(own?.id ?? '')}/end`);
    }, reload, 'oncall.declaration_end'),
  );
  const declare = h('button', { type: 'button', class: 'danger', testid: 'declare', onclick: () => openDeclareForm(reload) }, t('oncall.declare_title'));
  return h(
    'section',
    { class: 'card stack', testid: 'declaration', 'data-in-force': own ? 'true' : 'false', 'data-org-id': orgId },
    h('h2', { class: 'card-title' }, t('oncall.declaration_title')),
    errors,
    own
      ? h(
          'div',
          { class: 'alert warn', testid: 'declaration-status' },
          h('p', null, t('oncall.declaration_in_force')),
          h('p', { testid: 'declaration-until' }, t('oncall.declaration_until', { reason: t(`oncall.reason_${own.reason}`), start: formatDateTime(own.started_at), end: formatDateTime(own.planned_end_at) })),
        )
      : h('p', { testid: 'declaration-status' }, t('oncall.declaration_none')),
    admin ? h('div', { class: 'row' }, own ? end : declare) : h('p', { class: 'small muted' }, t('oncall.admin_only')),
  );
}

function partnerRow(p: Partnership, orgId: string, reload: () => void): HTMLTableRowElement {
  const named = p.partner.id === orgId;
  const end = isOrgAdmin()
    ? h('button', { type: 'button', class: 'secondary small', testid: 'partner-end', onclick: () => formDialog('oncall.partner_end', 'partner-end', [h('p', null, t('oncall.partner_end_confirm', { org: other(p, orgId).name }))], async () => { await api.post(`/api/oncall/partners/${seg(p.id)}/end`); }, reload, 'oncall.partner_end') }, t('oncall.partner_end'))
    : null;
  const accept = named && !p.accepted_at && isOrgAdmin()
    ? h('button', { type: 'button', class: 'primary small', testid: 'partner-accept', onclick: () => formDialog('oncall.partner_accept', 'partner-accept', [h('p', null, t('oncall.partner_accept_confirm', { org: p.org.name }))], async () => { await api.post(`/api/oncall/partners/${seg(p.id)}/accept`); }, reload, 'oncall.partner_accept') }, t('oncall.partner_accept'))
    : null;
  const declared = p.declaration_in_force ? (p.declared_org === orgId ? t('oncall.partner_we_declared') : t('oncall.partner_they_declared', { org: other(p, orgId).name })) : '';
  return h(
    'tr',
    { testid: 'partner', 'data-partner-id': p.id, 'data-org-id': other(p, orgId).id, 'data-accepted': p.accepted_at ? 'true' : 'false' },
    td(h('strong', null, other(p, orgId).name)),
    td(named ? t('oncall.partner_named_us') : t('oncall.partner_we_named')),
    td(p.accepted_at ? badge(t('oncall.partner_accepted'), 'ok') : badge(t('oncall.partner_pending'), 'muted'), ' ', h('span', { class: 'small muted' }, formatDateTime(p.accepted_at ?? p.proposed_at))),
    td(declared ? badge(declared, 'warn') : ''),
    td(accept, ' ', end),
  );
}

/** For each partner that declared itself unavailable: we back it up; open its patients by id. */
function standbySection(declared: Partnership[], orgId: string): HTMLElement | null {
  if (declared.length === 0) return null;
  const id = h('input', { type: 'text', name: 'patient_id', testid: 'standby-patient-id', autocomplete: 'off', inputmode: 'latin' });
  const open = h('button', { type: 'submit', class: 'primary', testid: 'standby-open' }, t('oncall.standby_open'));
  const form = h('form', { class: 'row', testid: 'standby-form' }, field(t('oncall.standby_patient_id'), id), open);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (id.value.trim()) go(hashOf(['patients', id.value.trim()]));
  });
  return h(
    'section',
    { class: 'card stack oncall-standby', testid: 'standby' },
    h('h2', { class: 'card-title' }, t('oncall.standby_title')),
    declared.map((p) => h('p', { class: 'alert warn', testid: 'standby-org', 'data-org-id': other(p, orgId).id }, t('oncall.standby_for', { org: other(p, orgId).name }))),
    h('p', { class: 'small' }, t('oncall.standby_explain')),
    form,
  );
}

export async function renderBackup(main: HTMLElement): Promise<void> {
  const org = currentMembership();
  if (!org) return;
  const body = h('div', { class: 'stack', testid: 'backup-body' });
  const propose = isOrgAdmin() ? h('button', { type: 'button', class: 'primary', testid: 'partner-propose' }, t('oncall.partner_propose')) : null;
  replace(main, pageTitle(t('oncall.backup_title'), propose, h('a', { class: 'button secondary', href: '#/oncall' }, t('oncall.nav_roster'))), body);
  const reload = (): void => go('#/oncall/backup');
  propose?.addEventListener('click', () => openProposeForm(org.org_id, reload));
  const loaded = await loadInto(body, () => Promise.all([loadPartners(), loadDeclarations()]));
  if (!loaded) return;
  const [partners, declarations] = loaded;
  const own = declarations.find((d) => d.ended_at === null) ?? null;
  const theirs = partners.filter((p) => p.accepted_at && p.declaration_in_force && p.declared_org !== org.org_id);
  const headers = [t('oncall.partner_org'), t('oncall.partner_direction'), t('oncall.partner_state'), t('oncall.partner_declaration'), ''];
  replace(
    body,
    standbySection(theirs, org.org_id),
    declarationSection(own, org.org_id, reload),
    h(
      'section',
      { class: 'stack' },
      h('h2', null, t('oncall.partners_title')),
      h('p', { class: 'small muted' }, t('oncall.partners_hint')),
      partners.length === 0 ? empty(t('oncall.partners_empty'), 'partners-empty') : table('partners', headers, partners.map((p) => partnerRow(p, org.org_id, reload))),
    ),
  );
}
