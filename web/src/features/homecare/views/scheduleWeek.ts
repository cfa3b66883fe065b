// SPDX-License-Identifier: Apache-2.0
// The week grid of the 訪問予定 section: seven day columns (Monday to Sunday, Asia/Tokyo, today
// marked), each visit a block with its time, kind, organisation and staff, coloured per
// organisation with a legend. The flags are said in words on the visits themselves (重複 with
// the other visit named, 入院中の予定) and the gaps above the grid, so colour is never the only
// cue. A narrow screen stacks the days (homecare.css).
import { badge } from '../../../common';
import { h } from '../../../dom';
import { formatDate, formatDayShort } from '../../../format';
import { t } from '../../../i18n';
import type { IdName } from '../types';
import { addDays, kindName, type GapFlag, type Visit, type VisitKind, type Week } from './scheduleData';

/** What the grid offers on a visit of the user's own organisation. */
export interface VisitActions {
  mine: (visit: Visit) => boolean;
  change: (visit: Visit) => void;
  cancel: (visit: Visit) => void;
  /** The visit's weekly plan (visits of a plan only). */
  plan: (visit: Visit) => void;
}

const PALETTE = 8;

/** The organisations of the week by name, each with its colour class org-c1 … org-c8. */
function orgColours(visits: Visit[]): Map<string, { org: IdName; cls: string }> {
  const orgs = new Map<string, IdName>();
  for (const v of visits) orgs.set(v.org.id, v.org);
  const sorted = [...orgs.values()].sort((a, b) => a.name.localeCompare(b.name, 'ja'));
  return new Map(sorted.map((org, i) => [org.id, { org, cls: `org-c${(i % PALETTE) + 1}` }]));
}

function timeRange(visit: Visit): string {
  return `${visit.start}–${visit.end}`;
}

function flagNotes(visit: Visit, byId: Map<string, Visit>, kinds: VisitKind[]): HTMLElement[] {
  const notes: HTMLElement[] = [];
  for (const flag of visit.flags) {
    if (flag.type === 'overlap') {
      const other = byId.get(String(flag.with));
      const text = other
        ? t('homecare.schedule_overlap_with', { time: timeRange(other), kind: kindName(other.kind, kinds), org: other.org.name })
        : t('homecare.schedule_overlap');
      notes.push(h('p', { class: 'schedule-flag overlap', testid: 'schedule-flag-overlap', 'data-with': String(flag.with) }, text));
    } else if (flag.type === 'in_hospital') {
      notes.push(h('p', { class: 'schedule-flag hospital', testid: 'schedule-flag-hospital' }, t('homecare.schedule_in_hospital')));
    }
  }
  return notes;
}

function visitBlock(visit: Visit, cls: string, byId: Map<string, Visit>, kinds: VisitKind[], actions: VisitActions): HTMLElement {
  const cancelled = visit.status === 'cancelled';
  const flagged = visit.flags.length > 0;
  const mine = !cancelled && actions.mine(visit);
  return h(
    'li',
    {
      class: `schedule-visit ${cls}${cancelled ? ' cancelled' : ''}${flagged ? ' flagged' : ''}`,
      testid: 'schedule-visit',
      'data-visit-id': visit.id,
      'data-org-id': visit.org.id,
      'data-status': visit.status,
      'data-flags': visit.flags.map((f) => f.type).join(' '),
    },
    h('p', { class: 'schedule-time' }, h('time', { datetime: visit.starts_at }, timeRange(visit)), cancelled ? badge(t('homecare.schedule_cancelled'), 'muted') : null),
    h('p', { class: 'schedule-kind', testid: 'schedule-visit-kind' }, kindName(visit.kind, kinds)),
    h('p', { class: 'schedule-org', testid: 'schedule-visit-org' }, visit.org.name),
    h('p', { class: 'schedule-staff small' }, visit.staff ? visit.staff.name : t('homecare.schedule_no_staff')),
    cancelled && visit.cancel_reason ? h('p', { class: 'small muted' }, t('homecare.schedule_cancel_reason_shown', { reason: visit.cancel_reason })) : null,
    visit.note ? h('p', { class: 'small muted schedule-note' }, visit.note) : null,
    flagNotes(visit, byId, kinds),
    mine
      ? h(
          'div',
          { class: 'row schedule-visit-actions' },
          h('button', { type: 'button', class: 'secondary small', testid: 'schedule-visit-change', onclick: () => actions.change(visit) }, t('homecare.schedule_change')),
          h('button', { type: 'button', class: 'secondary small danger', testid: 'schedule-visit-cancel', onclick: () => actions.cancel(visit) }, t('homecare.schedule_cancel')),
          visit.plan_id ? h('button', { type: 'button', class: 'secondary small', testid: 'schedule-plan-change', onclick: () => actions.plan(visit) }, t('homecare.schedule_plan_change')) : null,
        )
      : null,
  );
}

function gapNotes(week: Week): HTMLElement | null {
  const gaps = week.flags.filter((f): f is GapFlag => f.type === 'gap');
  if (gaps.length === 0) return null;
  return h(
    'ul',
    { class: 'alert warn schedule-gaps', role: 'note', testid: 'schedule-gaps' },
    gaps.map((gap) =>
      h(
        'li',
        { testid: 'schedule-gap', 'data-plan-id': gap.plan_id },
        t('homecare.schedule_gap', { n: String(gap.gap_days) }),
        ' ',
        h('span', { class: 'small' }, t('homecare.schedule_gap_span', { from: formatDate(gap.from), to: formatDate(gap.to), days: String(gap.days) })),
      ),
    ),
  );
}

function legend(colours: Map<string, { org: IdName; cls: string }>): HTMLElement {
  return h(
    'ul',
    { class: 'schedule-legend', testid: 'schedule-legend', 'aria-label': t('homecare.schedule_legend') },
    [...colours.values()].map(({ org, cls }) => h('li', { 'data-org-id': org.id }, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), org.name)),
  );
}

/** The week's grid with its legend and gap notes. */
export function weekGrid(week: Week, today: string, kinds: VisitKind[], actions: VisitActions): HTMLElement {
  const colours = orgColours(week.visits);
  const byId = new Map(week.visits.map((v) => [v.id, v]));
  const days = Array.from({ length: 7 }, (_, i) => addDays(week.week_start, i));
  const columns = days.map((date) => {
    const visits = week.visits.filter((v) => v.date === date).sort((a, b) => a.start.localeCompare(b.start));
    const isToday = date === today;
    return h(
      'section',
      { class: `schedule-day${isToday ? ' today' : ''}`, testid: 'schedule-day', 'data-date': date, 'data-today': isToday ? 'true' : null, 'aria-current': isToday ? 'date' : null },
      h('h3', { class: 'schedule-day-head' }, formatDayShort(date), isToday ? badge(t('homecare.schedule_today'), 'info') : null),
      visits.length === 0
        ? h('p', { class: 'small muted schedule-none' }, t('homecare.schedule_day_none'))
        : h('ul', { class: 'schedule-visits' }, visits.map((v) => visitBlock(v, colours.get(v.org.id)?.cls ?? 'org-c1', byId, kinds, actions))),
    );
  });
  return h(
    'div',
    { class: 'stack', testid: 'schedule-week', 'data-week-start': week.week_start },
    gapNotes(week),
    colours.size > 0 ? legend(colours) : null,
    h('div', { class: 'schedule-grid' }, columns),
  );
}
