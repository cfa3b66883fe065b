// SPDX-License-Identifier: Apache-2.0
// The patient page's tab `#/patients/<id>/access`: who, from any organisation, opened this
// patient's record (GET /api/patients/{id}/access-log), emergency access included; the care
// team's organisations see it, and the patient portal will show the same.
import { api, seg } from '../../../api';
import { attempt, badge, empty, errorBox, loading } from '../../../common';
import { h, replace, table, td, tdTime, tdWrap } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t, tCode } from '../../../i18n';
import type { List } from '../../../types';
import type { Patient } from '../../patients/types';
import { eventLabel } from '../labels';
import type { AccessRecord } from '../types';

const PAGE_SIZE = 100;

export async function renderAccessLog(panel: HTMLElement, patient: Patient): Promise<void> {
  replace(panel, loading());
  const errors = errorBox();
  const more = h('button', { type: 'button', class: 'secondary', testid: 'access-more' }, t('common.more'));
  let cursor: string | null = null;
  const fetchPage = async (): Promise<AccessRecord[]> => {
    const page = await api.get<List<AccessRecord>>(`/api/patients/${seg(patient.id)}/access-log`, {
      limit: PAGE_SIZE,
      cursor: cursor ?? undefined,
    });
    cursor = page.next_cursor ?? null;
    more.hidden = !cursor;
    return page.items;
  };
  let first: AccessRecord[];
  try {
    first = await fetchPage();
  } catch (error) {
    errors.textContent = error instanceof Error ? error.message : String(error);
    errors.hidden = false;
    replace(panel, errors);
    return;
  }
  const intro = [h('h2', null, t('access.title')), h('p', { class: 'muted' }, t('access.explain'))];
  if (first.length === 0) {
    replace(panel, intro, empty(t('access.none'), 'access-empty'));
    return;
  }
  const list = table('access-table', [t('access.time'), t('access.org'), t('access.person'), t('access.what')], first.map(accessRow));
  const tbody = list.querySelector('tbody') as HTMLTableSectionElement;
  more.addEventListener('click', () => {
    void attempt(more, errors, async () => {
      tbody.append(...(await fetchPage()).map(accessRow));
    });
  });
  replace(panel, intro, list, errors, h('div', { class: 'more' }, more));
}

function accessRow(record: AccessRecord): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'access-row', 'data-seq': record.seq, 'data-emergency': String(record.emergency) },
    tdTime(formatDateTime(record.time)),
    tdWrap(record.org?.name ?? (record.user ? t('audit.network_office') : t('audit.system'))),
    td(
      h('div', null, record.user?.name ?? ''),
      record.user?.profession ? h('small', { class: 'muted' }, tCode('profession', record.user.profession)) : null,
    ),
    tdWrap(
      eventLabel(record.event_id, record.object_type, record.action),
      record.emergency ? [' ', badge(t('audit.emergency'), 'warn')] : null,
    ),
  );
}
