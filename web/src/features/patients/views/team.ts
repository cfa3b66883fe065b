// SPDX-License-Identifier: Apache-2.0
// The ケアチーム (care team) tab: who cares for the patient, adding and removing members.
import { api, getAll, seg } from '../../../api';
import { attempt, badge, empty, errorBox, loadInto } from '../../../common';
import { field, h, option, replace, table, td } from '../../../dom';
import { formatInstantDate } from '../../../format';
import { codeLabel, t, tCode, type CodeLabel } from '../../../i18n';
import { loadOrgs } from '../../../orgsCache';
import { currentMe, isOrgAdmin } from '../../../session';
import type { List, Org, User } from '../../../types';
import type { Patient, TeamMember } from '../types';

interface TeamAnswer extends List<TeamMember> {
  /** The coded roles with their labels. */
  roles: CodeLabel[];
}

/** The role of a member: its label (from the code) and the free-text note, either may be missing. */
function roleText(roles: CodeLabel[], member: TeamMember): string {
  const label = member.role_code ? codeLabel(roles, member.role_code) : '';
  return [label, member.role ?? ''].filter(Boolean).join(' — ');
}

/** The named members with a role, first the roles in the order of the code list: who to call. */
function keyPeople(roles: CodeLabel[], team: TeamMember[]): HTMLElement | null {
  const order = (code: string | null): number => roles.findIndex((r) => r.code === code);
  const people = team
    .filter((m) => m.user_name && m.role_code)
    .sort((a, b) => order(a.role_code) - order(b.role_code));
  if (people.length === 0) return null;
  return h(
    'section',
    { class: 'card', testid: 'team-people' },
    h('h3', null, t('team.key_people')),
    h(
      'dl',
      { class: 'dl' },
      people.map((m) => [
        h('dt', { testid: 'team-person-role' }, codeLabel(roles, m.role_code ?? '')),
        h(
          'dd',
          { testid: 'team-person', 'data-role': m.role_code ?? '' },
          h('strong', null, m.user_name),
          m.profession ? ` (${tCode('profession', m.profession)})` : '',
          h('div', { class: 'small muted' }, m.org_name),
        ),
      ]),
    ),
  );
}

export async function renderTeam(panel: HTMLElement, patient: Patient): Promise<void> {
  const loaded = await loadInto(panel, () =>
    Promise.all([api.get<TeamAnswer>(`/api/patients/${seg(patient.id)}/team`), loadOrgs()]),
  );
  if (!loaded) return;
  const [{ items: team, roles }, orgs] = loaded;
  const reload = (): void => void renderTeam(panel, patient);
  const errors = errorBox();
  replace(
    panel,
    h('h2', { class: 'visually-hidden' }, t('tab.team')),
    keyPeople(roles, team),
    addMemberForm(patient, orgs, roles, reload),
    errors,
    team.length === 0
      ? empty(t('team.none'), 'team-empty')
      : table(
          'team-table',
          [
            t('team.org'),
            t('team.staff'),
            t('team.role'),
            t('team.added'),
            t('team.consent'),
            '',
          ],
          team.map((member) => memberRow(patient, roles, member, errors, reload)),
        ),
  );
}

function memberRow(
  patient: Patient,
  roles: CodeLabel[],
  member: TeamMember,
  errors: HTMLElement,
  reload: () => void,
): HTMLTableRowElement {
  const remove = h('button', { type: 'button', class: 'secondary small', testid: 'team-remove' }, t('team.remove'));
  remove.addEventListener('click', () => {
    const who = member.user_name ? `${member.org_name} ${member.user_name}` : member.org_name;
    if (!window.confirm(t('team.remove_confirm', { who }))) return;
    void attempt(remove, errors, async () => {
      await api.del(`/api/patients/${seg(patient.id)}/team/${seg(member.id)}`);
      reload();
    });
  });
  return h(
    'tr',
    { testid: 'team-member', 'data-member-id': member.id },
    td(h('div', null, member.org_name), h('small', { class: 'muted' }, tCode('orgtype', member.org_type))),
    td(
      h('div', null, member.user_name ?? t('team.whole_org')),
      member.profession ? h('small', { class: 'muted' }, tCode('profession', member.profession)) : null,
    ),
    td(h('span', { testid: 'team-member-role' }, roleText(roles, member))),
    td(formatInstantDate(member.added_at)),
    td(
      member.consent_in_force
        ? badge(t('team.consent_yes'), 'ok')
        : badge(t('team.consent_no'), 'warn'),
    ),
    td(remove),
  );
}

function addMemberForm(patient: Patient, orgs: Org[], roles: CodeLabel[], reload: () => void): HTMLElement {
  const org = h(
    'select',
    { required: true, testid: 'team-org' },
    option('', t('team.choose_org'), true),
    orgs.map((o) => option(o.id, `${o.name}(${tCode('orgtype', o.type)})`)),
  );
  const staff = h('select', { testid: 'team-user' }, option('', t('team.whole_org'), true));
  const staffField = field(t('team.staff'), staff, t('team.staff_hint'));
  staffField.hidden = true;
  const roleCode = h(
    'select',
    { testid: 'team-role-code' },
    option('', t('team.role_none'), true),
    roles.map((r) => option(r.code, codeLabel(roles, r.code))),
  );
  const role = h('input', { maxlength: 64, placeholder: t('team.role_note_placeholder'), testid: 'team-role' });
  org.addEventListener('change', () => {
    staff.replaceChildren(option('', t('team.whole_org'), true));
    staffField.hidden = true;
    // Staff lists are for administrators (an org admin sees their own organisation's staff);
    // everyone else adds the organisation as a whole.
    if (!org.value || !(isOrgAdmin() && org.value === currentMe()?.org_id)) return;
    const wanted = org.value;
    getAll<User>('/api/users', { org_id: wanted })
      .then((users) => {
        if (org.value !== wanted) return; // the choice changed while loading
        const active = users.filter((u) => !u.disabled);
        staff.append(...active.map((u) => option(u.id, `${u.name}(${tCode('profession', u.profession)})`)));
        staffField.hidden = active.length === 0;
      })
      .catch(() => {
        staffField.hidden = true;
      });
  });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'team-add' }, t('team.add'));
  const form = h(
    'form',
    { class: 'stack', testid: 'team-form' },
    errors,
    h(
      'div',
      { class: 'grid3' },
      field(t('team.org'), org),
      staffField,
      field(t('team.role'), roleCode),
      field(t('team.role_note'), role),
    ),
    h('div', { class: 'row end' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await api.post(`/api/patients/${seg(patient.id)}/team`, {
        org_id: org.value,
        ...(staff.value ? { user_id: staff.value } : {}),
        ...(roleCode.value ? { role_code: roleCode.value } : {}),
        ...(role.value.trim() ? { role: role.value.trim() } : {}),
      });
      reload();
    });
  });
  return h(
    'details',
    { class: 'card form-card', testid: 'team-new' },
    h('summary', null, t('team.new')),
    h('p', { class: 'hint' }, t('team.consent_note')),
    form,
  );
}
