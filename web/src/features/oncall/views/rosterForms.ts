// SPDX-License-Identifier: Apache-2.0
// The roster's forms: a new shift (the administrator), handing a role over (the holder or the
// administrator) and cancelling a shift (the administrator). Each is a dialog whose controls are
// named as the API's fields, so a refusal shows beside the field it names.
import { api, seg } from '../../../api';
import { formDialog as sharedFormDialog } from '../../../common';
import { field, h, option, type Child } from '../../../dom';
import { tokyoLocalToIso } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import { currentMe, isOrgAdmin } from '../../../session';
import type { IdName, Role, Shift } from '../types';
import { formatSpan, localValue } from './dates';

/** A dialog with a form of on-call (common.ts formDialog). */
export function formDialog(title: MessageKey, testid: string, controls: Child[], send: () => Promise<void>, saved: () => void, submitLabel: MessageKey = 'common.save'): void {
  sharedFormDialog(title, testid, controls, send, { saved, submitLabel, className: 'oncall-form' });
}

function personSelect(name: string, testid: string, people: IdName[], selected: string | null, none?: MessageKey): HTMLSelectElement {
  return h('select', { name, testid }, none ? option('', t(none), selected === null) : null, people.map((p) => option(p.id, p.name, p.id === selected)));
}

function input(name: string, type: string, testid: string, value = '', extra: Record<string, unknown> = {}): HTMLInputElement {
  return h('input', { name, type, testid, value, ...extra });
}

/** シフトを追加: start and end in Tokyo time, the phones, the primary and the backup. */
export function openShiftForm(members: IdName[], start: Date, saved: () => void): void {
  const startsAt = input('starts_at', 'datetime-local', 'shift-start', localValue(start), { required: true });
  const endsAt = input('ends_at', 'datetime-local', 'shift-end', localValue(new Date(start.getTime() + 15 * 3_600_000)), { required: true });
  const phone = input('phone', 'tel', 'shift-phone', '', { required: true, autocomplete: 'off', maxlength: 30 });
  const primary = personSelect('primary_user_id', 'shift-primary', members, currentMe()?.user.id ?? null);
  const backup = personSelect('backup_user_id', 'shift-backup', members, null, 'oncall.roster_no_backup');
  const backupPhone = input('backup_phone', 'tel', 'shift-backup-phone', '', { autocomplete: 'off', maxlength: 30 });
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 500, testid: 'shift-note' });
  const controls = h(
    'div',
    { class: 'grid2' },
    field(t('oncall.roster_start'), startsAt),
    field(t('oncall.roster_end'), endsAt, t('oncall.roster_end_hint')),
    field(t('oncall.roster_primary'), primary),
    field(t('oncall.roster_phone'), phone, t('oncall.roster_phone_hint')),
    field(t('oncall.roster_backup'), backup),
    field(t('oncall.roster_backup_phone'), backupPhone),
    field(t('oncall.roster_note'), note),
  );
  formDialog('oncall.roster_add', 'shift', [controls], async () => {
    await api.post('/api/oncall/shifts', {
      starts_at: tokyoLocalToIso(startsAt.value),
      ends_at: tokyoLocalToIso(endsAt.value),
      phone: phone.value.trim(),
      primary_user_id: primary.value,
      backup_user_id: backup.value || undefined,
      backup_phone: backupPhone.value.trim() || undefined,
      note: note.value.trim() || undefined,
    });
  }, saved);
}

/** The roles the user may hand over on this shift: those held, or both for the administrator. */
export function swappableRoles(shift: Shift): Role[] {
  if (isOrgAdmin()) return shift.backup ? ['primary', 'backup'] : ['primary'];
  const me = currentMe()?.user.id;
  return (['primary', 'backup'] as Role[]).filter((r) => shift[r]?.id === me);
}

/** 交代: hand the primary or the backup role to another member. */
export function openSwapForm(shift: Shift, members: IdName[], saved: () => void): void {
  const roles = swappableRoles(shift);
  const role = h('select', { name: 'role', testid: 'swap-role' }, roles.map((r) => option(r, t(`oncall.role_${r}` as MessageKey))));
  const holder = (): string | undefined => shift[role.value as Role]?.id;
  const to = personSelect('to_user_id', 'swap-to', members, null);
  const pickOther = (): void => {
    const other = members.find((m) => m.id !== holder());
    if (other) to.value = other.id;
  };
  role.addEventListener('change', pickOther);
  pickOther();
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500, testid: 'swap-reason' });
  const controls = [
    h('p', { class: 'muted' }, formatSpan(shift.starts_at, shift.ends_at)),
    h('div', { class: 'grid2' }, field(t('oncall.swap_role'), role), field(t('oncall.swap_to'), to, t('oncall.swap_to_hint'))),
    field(t('oncall.swap_reason'), reason),
  ];
  formDialog('oncall.swap_title', 'swap', controls, async () => {
    await api.post(`/api/oncall/shifts/${seg(shift.id)}/swap`, { role: role.value, to_user_id: to.value, reason: reason.value.trim() || undefined });
  }, saved);
}

/** シフトを取り消す: the shift is kept, marked cancelled, and no longer answers. */
export function openCancelShift(shift: Shift, saved: () => void): void {
  const text = h('p', null, t('oncall.cancel_confirm', { span: formatSpan(shift.starts_at, shift.ends_at), name: shift.primary.name }));
  formDialog('oncall.cancel_title', 'shift-cancel', [text], async () => {
    await api.del(`/api/oncall/shifts/${seg(shift.id)}`);
  }, saved, 'oncall.cancel_submit');
}
