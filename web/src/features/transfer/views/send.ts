// SPDX-License-Identifier: Apache-2.0
// 救急画像送信 `#/transfers/new?patient=<id>`: the receiving hospital (from the directory, with
// its emergency acceptance and free beds), the patient's studies, a short note, and the reason
// when the patient's consent does not name the receiver (the server says so).
import { api, ApiError, seg } from '../../../api';
import { attempt, errorBox, loadInto, pageTitle } from '../../../common';
import { field, h, replace } from '../../../dom';
import { formatDate } from '../../../format';
import { t, type MessageKey } from '../../../i18n';
import { go, hashOf, type Route } from '../../../router';
import { currentMembership } from '../../../session';
import type { Patient } from '../../patients/types';
import type { Transfer } from '../types';

const HOSPITALS = ['advanced_acute_hospital', 'acute_hospital', 'recovery_hospital', 'chronic_hospital'];

interface DirectoryEntry {
  id: string;
  name: string;
  type: string;
  beds: Record<string, number> | null;
  emergency: string | null;
  distance_km: number | null;
}

interface PatientStudy {
  study_uid: string;
  study_date: string | null;
  modalities: string[];
  description: string;
  org: { id: string; name: string };
  number_of_instances: number;
}

async function receivers(): Promise<DirectoryEntry[]> {
  const own = currentMembership()?.org_id ?? '';
  const page = await api.get<{ items: DirectoryEntry[] }>('/api/directory/search', { near_org: own, limit: 100 });
  const order = (e: DirectoryEntry): number => (e.emergency === 'yes' ? 0 : e.emergency === 'conditional' ? 1 : 2);
  return page.items.filter((e) => HOSPITALS.includes(e.type) && e.id !== own).sort((a, b) => order(a) - order(b));
}

async function studies(patientId: string): Promise<PatientStudy[]> {
  try {
    return (await api.get<{ items: PatientStudy[] }>(`/api/patients/${seg(patientId)}/studies`, { limit: 100 })).items;
  } catch {
    return [];
  }
}

function receiverChoice(entries: DirectoryEntry[]): { root: HTMLElement; value: () => string } {
  const radios = entries.map((e, i) => {
    const radio = h('input', { type: 'radio', name: 'transfer-to', value: e.id, checked: i === 0, testid: 'transfer-receiver' });
    const beds = t('transfer.beds_free', { general: String(e.beds?.general ?? '-'), icu: String(e.beds?.icu_hcu ?? '-') });
    const emergency = e.emergency ? t(`transfer.emergency.${e.emergency}` as MessageKey) : '';
    return { radio, label: h('label', { class: 'check', 'data-org-id': e.id }, radio, ` ${e.name} — ${emergency} ${beds}`) };
  });
  const root = h(
    'fieldset',
    { class: 'transfer-receivers', testid: 'transfer-receivers' },
    h('legend', null, t('transfer.receiver')),
    h('p', { class: 'hint' }, t('transfer.receiver_hint')),
    radios.map((r) => r.label),
  );
  return { root, value: () => radios.find((r) => r.radio.checked)?.radio.value ?? '' };
}

function studyChoice(list: PatientStudy[]): { root: HTMLElement; value: () => string[] } {
  const boxes = list.map((s) => {
    const box = h('input', { type: 'checkbox', checked: true, testid: 'transfer-study-check' });
    box.dataset.studyUid = s.study_uid;
    const text = [s.study_date ?? '', s.modalities.join('/'), s.description, `(${s.org.name})`].filter((x) => x).join(' ');
    return { box, label: h('label', { class: 'check' }, box, ` ${text}`) };
  });
  const root = h(
    'fieldset',
    { testid: 'transfer-studies-choice' },
    h('legend', null, t('transfer.choose_studies')),
    boxes.length ? boxes.map((b) => b.label) : h('p', { class: 'muted' }, t('transfer.no_studies')),
  );
  return { root, value: () => boxes.filter((b) => b.box.checked).map((b) => b.box.dataset.studyUid ?? '') };
}

export async function renderTransferForm(main: HTMLElement, route: Route): Promise<void> {
  const patientId = route.query.get('patient') ?? '';
  const body = h('div', { class: 'stack' });
  const back = h('a', { href: hashOf(['patients', patientId]), class: 'button secondary small' }, t('transfer.back_to_patient'));
  replace(main, pageTitle(t('transfer.send_title'), back), body);
  const loaded = await loadInto(body, () =>
    Promise.all([api.get<Patient>(`/api/patients/${seg(patientId)}`), receivers(), studies(patientId)]),
  );
  if (!loaded) return;
  const [patient, entries, list] = loaded;
  const to = receiverChoice(entries);
  const chosen = studyChoice(list);
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 500, testid: 'transfer-note-input' });
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 500, testid: 'transfer-reason-input' });
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'transfer-send' }, t('transfer.send'));
  const form = h(
    'form',
    { class: 'stack', testid: 'transfer-form' },
    h('p', { class: 'card', testid: 'transfer-form-patient' }, h('strong', null, patient.name), ` (${patient.name_kana}) ${formatDate(patient.birth_date)}`),
    to.root,
    chosen.root,
    field(t('transfer.note'), note, t('transfer.note_hint')),
    field(t('transfer.reason'), reason, t('transfer.reason_hint')),
    errors,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const payload: Record<string, unknown> = { to_org_id: to.value(), study_uids: chosen.value(), note: note.value.trim() };
      if (reason.value.trim()) payload.reason = reason.value.trim();
      try {
        const sent = await api.post<Transfer>(`/api/patients/${seg(patient.id)}/transfers`, payload);
        go(hashOf(['transfers'], { box: 'outgoing', sent: sent.id }));
      } catch (error) {
        if (error instanceof ApiError && error.problem?.code === 'transfer.reason_required') reason.focus();
        throw error;
      }
    });
  });
  replace(body, form);
}
