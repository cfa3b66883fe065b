// SPDX-License-Identifier: Apache-2.0
// The conference page's 資料 section: the resources of the patient's record attached as materials,
// each shown as it is stored now (or as deleted since); the organiser's side attaches one more,
// chosen from the patient's conditions, observations and documents.
import { api, seg } from '../../../api';
import { empty } from '../../../common';
import { field, h, option, replace } from '../../../dom';
import { formatFhirDate } from '../../../format';
import { search, type Resource } from '../../../fhir';
import { t } from '../../../i18n';
import { organises } from '../api';
import type { Conference, Material } from '../types';
import { formDialog } from './forms';

const TYPES = ['Condition', 'Observation', 'AllergyIntolerance', 'MedicationRequest', 'DocumentReference'] as const;

type Loose = Record<string, unknown>;

/** The resource in a few words: its code's text, its value and its date. */
function describe(resource: Loose | null): string {
  if (!resource) return t('conference.material_deleted');
  const code = (resource.code ?? resource.medicationCodeableConcept ?? resource.type) as Loose | undefined;
  const codings = (code?.coding as Loose[] | undefined) ?? [];
  const name = (code?.text as string | undefined) ?? (codings[0]?.display as string | undefined) ?? (resource.description as string | undefined) ?? '';
  const q = resource.valueQuantity as Loose | undefined;
  const value = q ? `${String(q.value ?? '')} ${String(q.unit ?? '')}`.trim() : ((resource.valueString as string | undefined) ?? '');
  const date = (resource.effectiveDateTime ?? resource.onsetDateTime ?? resource.recordedDate ?? resource.authoredOn ?? resource.date) as string | undefined;
  return [name, value, date ? formatFhirDate(date) : ''].filter((s) => s !== '').join(' / ');
}

function materialItem(m: Material): HTMLElement {
  return h(
    'li',
    { testid: 'material', 'data-resource': `${m.resource_type}/${m.resource_id}` },
    h('strong', null, t('conference.material_type', { type: m.resource_type })),
    ' ',
    describe(m.resource),
    m.note ? h('p', { class: 'small muted' }, m.note) : null,
  );
}

async function openMaterialForm(c: Conference, patientId: string, reload: () => void): Promise<void> {
  const resource = h('select', { name: 'resource', testid: 'material-resource' }, option('', t('common.loading')));
  const note = h('input', { type: 'text', name: 'note', maxlength: 500, testid: 'material-note' });
  formDialog('conference.material_add', 'material', [field(t('conference.material_resource'), resource), field(t('conference.material_note'), note)], async () => {
    await api.post(`/api/conferences/${seg(c.id)}/materials`, { resource: resource.value, note: note.value.trim() || undefined });
    reload();
  }, 'conference.material_attach');
  const found = await Promise.all(TYPES.map((type) => search<Resource>(type, { patient: patientId }).catch(() => [] as Resource[])));
  const attached = new Set((c.materials ?? []).map((m) => `${m.resource_type}/${m.resource_id}`));
  const options = found.flat().filter((r) => !attached.has(`${r.resourceType}/${r.id}`)).map((r) => option(`${r.resourceType}/${r.id}`, `${t('conference.material_type', { type: r.resourceType })} ${describe(r as unknown as Loose)}`));
  replace(resource, options.length ? options : option('', t('conference.material_none_left')));
}

export function materialsSection(c: Conference, reload: () => void): HTMLElement | null {
  if (!c.has_patient || !c.patient_visible) return null;
  const materials = c.materials ?? [];
  const add = organises(c) && c.status !== 'cancelled' && c.patient ? h('button', { type: 'button', class: 'secondary', testid: 'material-add', onclick: () => void openMaterialForm(c, c.patient?.id ?? '', reload) }, t('conference.material_add')) : null;
  return h(
    'section',
    { class: 'card stack', testid: 'materials' },
    h('div', { class: 'row' }, h('h2', { class: 'card-title' }, t('conference.materials_title')), add),
    materials.length === 0 ? empty(t('conference.materials_empty'), 'materials-empty') : h('ul', { class: 'plain-list stack' }, materials.map(materialItem)),
  );
}
