// SPDX-License-Identifier: Apache-2.0
// Administration: organisations (list; add for network admins; edit for them and org admins).
import { api } from '../../../api';
import {
  attempt,
  badge,
  empty,
  errorBox,
  load,
  loadInto,
  openDialog,
  pageTitle,
} from '../../../common';
import { field, h, option, replace, table, td, tdWrap, uniqueId } from '../../../dom';
import { codeLabel, labelOf, t } from '../../../i18n';
import { loadOrgs, loadOrgTypes } from '../../../orgsCache';
import { currentMe, isNetworkAdmin } from '../../../session';
import type { Org, OrgType } from '../../../types';

export async function renderOrgs(main: HTMLElement): Promise<void> {
  const types = await loadInto(main, () => loadOrgTypes());
  if (!types) return;
  const list = h('div');
  const refresh = (): void =>
    void load(list, () => loadOrgs(true), (orgs) => orgsTable(orgs, types, refresh));
  replace(main, pageTitle(t('orgs.title')), isNetworkAdmin() ? orgForm(null, types, refresh) : null, list);
  refresh();
}

function canEdit(org: Org): boolean {
  if (isNetworkAdmin()) return true;
  return (currentMe()?.memberships ?? []).some((m) => m.org_id === org.id && m.role === 'org_admin');
}

function orgsTable(orgs: Org[], types: OrgType[], refresh: () => void): HTMLElement {
  if (orgs.length === 0) return empty(t('orgs.none'));
  return table(
    'orgs-table',
    [t('orgs.name'), t('orgs.type'), t('orgs.contact'), t('orgs.totp'), ''],
    orgs.map((org) =>
      h(
        'tr',
        { testid: 'org-row' },
        tdWrap(
          h('div', null, org.name),
          h('small', { class: 'muted' }, org.name_kana),
          h('div', null, h('code', { class: 'small' }, org.code)),
        ),
        td(codeLabel(types, org.type)),
        tdWrap(h('div', null, org.address), h('small', { class: 'muted' }, org.phone)),
        td(org.totp_required ? badge(t('orgs.totp_yes'), 'info') : ''),
        td(
          canEdit(org)
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  testid: 'org-edit',
                  onclick: () => {
                    const dialog = openDialog(
                      t('orgs.edit'),
                      orgForm(org, types, () => {
                        dialog.close();
                        refresh();
                      }),
                      'org-edit-dialog',
                    );
                  },
                },
                t('common.edit'),
              )
            : '',
        ),
      ),
    ),
  );
}

/** The add form (org null) or the edit form (PATCH with changed fields only). */
function orgForm(org: Org | null, types: OrgType[], done: () => void): HTMLElement {
  const code = h('input', { required: true, value: org?.code ?? '', disabled: org !== null, testid: 'org-code' });
  const name = h('input', { required: true, value: org?.name ?? '', testid: 'org-name' });
  const kana = h('input', { value: org?.name_kana ?? '', testid: 'org-kana' });
  const type = h(
    'select',
    { required: true, testid: 'org-type', disabled: org !== null && !isNetworkAdmin() },
    org ? null : option('', t('orgs.choose_type'), true),
    types.map((type) => option(type.code, labelOf(type), org?.type === type.code)),
  );
  const address = h('input', { value: org?.address ?? '', testid: 'org-address' });
  const phone = h('input', { type: 'tel', value: org?.phone ?? '', name: 'phone', testid: 'org-phone' });
  const totp = h('input', { type: 'checkbox', checked: org?.totp_required ?? false, id: uniqueId('org-totp'), testid: 'org-totp' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'org-submit' }, org ? t('common.save') : t('orgs.add'));
  const form = h(
    'form',
    { class: 'stack', testid: 'org-form' },
    errors,
    h(
      'div',
      { class: 'grid2' },
      field(t('orgs.code'), code, org ? undefined : t('orgs.code_hint')),
      field(t('orgs.type'), type),
      field(t('orgs.name'), name),
      field(t('orgs.kana'), kana),
      field(t('orgs.address'), address),
      field(t('orgs.phone'), phone),
    ),
    h('label', { class: 'check', for: totp.id }, totp, t('orgs.totp_required')),
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: Record<string, unknown> = {
      name: name.value.trim(),
      name_kana: kana.value.trim(),
      type: type.value,
      address: address.value.trim(),
      phone: phone.value.trim(),
      totp_required: totp.checked,
    };
    void attempt(submit, errors, async () => {
      if (org) {
        const changed = Object.fromEntries(
          Object.entries(values).filter(([key, value]) => (org as unknown as Record<string, unknown>)[key] !== value),
        );
        if (Object.keys(changed).length > 0) await api.patch(`/api/orgs/${encodeURIComponent(org.id)}`, changed);
      } else {
        await api.post('/api/orgs', { code: code.value.trim(), ...values });
        form.reset();
      }
      done();
    });
  });
  if (org) return form;
  return h('details', { class: 'card form-card', testid: 'org-new' }, h('summary', null, t('orgs.new')), form);
}
