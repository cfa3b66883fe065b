// SPDX-License-Identifier: Apache-2.0
// The 在宅 tab's section: the team timeline: posts, replies, read receipts, photos and the events of records, schedule and referrals, kept current by the event stream.
// The stream is GET …/homecare/timeline; any event of the home-care topics reads its first page
// again (events name no patient), keeping the older pages shown, what is typed in the post and
// reply boxes, and which read lists are open. A post is marked read when it is shown.
import { errorMessage, type Query } from '../../../api';
import { empty, errorBox, loadInto, showError } from '../../../common';
import { h, option, replace } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';
import { currentMe } from '../../../session';
import type { Patient } from '../../patients/types';
import { homecareStream } from '../api';
import { visitKinds, type VisitKind } from './recordsApi';
import type { SectionContext } from './room';
import { markRead, readTimeline, type OtherItem, type Post, type TeamOrg, type TimelineItem } from './timelineApi';
import { composer } from './timelineCompose';
import { renderItem, type ItemContext } from './timelineItems';

type Item = TimelineItem | OtherItem;

const itemKey = (item: Item): string => `${item.type}:${item.id}`;

const FILTERS = ['', 'post', 'visit_record', 'schedule_change', 'referral', 'alert'];

class TimelineView {
  private items: Item[] = [];
  private cursor: string | null = null;
  private readonly list = h('div', { class: 'homecare-stream', testid: 'tl-list', 'aria-live': 'polite' });
  private readonly more = h('div');
  private readonly errors = errorBox();
  private readonly replyBoxes = new Map<string, HTMLElement>();
  private readonly openReceipts = new Set<string>();
  private readonly marked = new Set<string>();
  private readonly observer: IntersectionObserver;
  private generation = 0;
  private types = '';
  /** How many of the items came with the first page (the rest were read with 「さらに表示」). */
  private firstPage = 0;
  private readonly itemContext: ItemContext;

  constructor(
    private readonly patient: Patient,
    context: SectionContext,
    kinds: VisitKind[],
    private readonly team: TeamOrg[],
  ) {
    this.itemContext = {
      patientId: patient.id,
      kinds,
      me: currentMe()?.user.id ?? '',
      replyBox: (thread) => this.replyBox(thread),
      openRecord: (id) => context.open('records', [id]),
    };
    this.observer = new IntersectionObserver((entries) => this.shown(entries));
    context.onLeave(() => this.observer.disconnect());
  }

  /** A thread's reply box, made once and kept, so that a re-read does not lose what is typed. */
  private replyBox(thread: Post): HTMLElement {
    let box = this.replyBoxes.get(thread.id);
    if (!box) {
      const form = composer({ patientId: this.patient.id, team: this.team, thread, posted: () => this.refresh() });
      form.hidden = true;
      const toggle = h('button', { type: 'button', class: 'secondary small', testid: 'tl-reply-open', 'aria-expanded': 'false' }, t('homecare.timeline_reply'));
      toggle.addEventListener('click', () => {
        form.hidden = !form.hidden;
        toggle.setAttribute('aria-expanded', String(!form.hidden));
        if (!form.hidden) form.querySelector('textarea')?.focus();
      });
      box = h('div', { class: 'homecare-reply-box' }, toggle, form);
      this.replyBoxes.set(thread.id, box);
    }
    return box;
  }

  /** Marks the posts shown that the user has not read yet, then reads the receipts again. */
  private shown(entries: IntersectionObserverEntry[]): void {
    const ids = entries
      .filter((e) => e.isIntersecting)
      .map((e) => (e.target as HTMLElement).dataset.postId ?? '')
      .filter((id) => id && !this.marked.has(id));
    if (!ids.length) return;
    for (const id of ids) this.marked.add(id);
    void Promise.allSettled(ids.map((id) => markRead(this.patient.id, id))).then(() => this.refresh());
  }

  private render(): void {
    this.observer.disconnect();
    if (!this.items.length) {
      replace(this.list, empty(t('homecare.timeline_none'), 'tl-empty'));
    } else {
      replace(this.list, this.items.map((item) => renderItem(this.itemContext, item)));
    }
    for (const details of Array.from(this.list.querySelectorAll<HTMLDetailsElement>('details[data-testid="tl-receipts"]'))) {
      const id = (details.parentElement as HTMLElement).dataset.postId ?? '';
      details.open = this.openReceipts.has(id);
      details.addEventListener('toggle', () => (details.open ? this.openReceipts.add(id) : this.openReceipts.delete(id)));
    }
    for (const el of Array.from(this.list.querySelectorAll<HTMLElement>('[data-unread="true"]'))) this.observer.observe(el);
    const more = h('button', { type: 'button', class: 'secondary', testid: 'tl-more', onclick: () => void this.next() }, t('homecare.timeline_more'));
    replace(this.more, this.cursor ? more : null);
    this.list.dataset.count = String(this.items.length);
  }

  private read(query: Query = {}): ReturnType<typeof readTimeline> {
    return readTimeline(this.patient.id, { types: this.types, ...query });
  }

  /** Which types of item are shown ('' every type): the stream is read again from its start. */
  private filter(): HTMLElement {
    const select = h(
      'select',
      { testid: 'tl-filter', 'aria-label': t('homecare.timeline_filter') },
      FILTERS.map((value) => option(value, t(`homecare.timeline_filter_${value || 'all'}` as MessageKey))),
    );
    select.addEventListener('change', () => {
      this.types = select.value;
      this.items = [];
      this.firstPage = 0;
      this.refresh();
    });
    return select;
  }

  /** Reads the first page again; older pages already shown stay below it. */
  refresh(): void {
    const mine = ++this.generation;
    this.read().then(
      (page) => {
        if (mine !== this.generation) return;
        const fresh = new Set(page.items.map(itemKey));
        const older = this.items.slice(this.firstPage).filter((i) => !fresh.has(itemKey(i)));
        if (!older.length) this.cursor = page.next_cursor;
        this.items = [...page.items, ...older];
        this.firstPage = page.items.length;
        this.render();
      },
      () => {
        // the list keeps what it showed; the next event or opening the section again reads it
      },
    );
  }

  private async next(): Promise<void> {
    if (!this.cursor) return;
    try {
      const page = await this.read({ cursor: this.cursor });
      const known = new Set(this.items.map(itemKey));
      this.items = [...this.items, ...page.items.filter((i) => !known.has(itemKey(i)))];
      this.cursor = page.next_cursor;
      this.render();
    } catch (error) {
      showError(this.errors, errorMessage(error));
    }
  }

  show(panel: HTMLElement, items: Item[], cursor: string | null, live: HTMLElement): void {
    this.items = items;
    this.firstPage = items.length;
    this.cursor = cursor;
    this.render();
    replace(
      panel,
      h('div', { class: 'card-title' }, h('h2', null, t('homecare.section_timeline')), this.filter()),
      live,
      composer({ patientId: this.patient.id, team: this.team, posted: () => this.refresh() }),
      this.errors,
      this.list,
      this.more,
    );
  }
}

export async function renderTimeline(panel: HTMLElement, patient: Patient, context: SectionContext): Promise<void> {
  const live = h('div', { class: 'homecare-live', testid: 'tl-live' }, h('p', { class: 'alert warn homecare-stream-lost', role: 'status' }, t('homecare.stream_lost')));
  let view: TimelineView | null = null;
  let missed = false;
  // Listen before the first read, so that nothing posted meanwhile is missed.
  homecareStream(
    ['homecare.timeline', 'homecare.record', 'homecare.schedule', 'vitals.alert'],
    () => {
      if (view) view.refresh();
      else missed = true;
    },
    context.onLeave,
    live,
  );
  const loaded = await loadInto(panel, () => Promise.all([readTimeline(patient.id), visitKinds()]));
  if (!loaded) return;
  const [page, kinds] = loaded;
  view = new TimelineView(patient, context, kinds, page.team);
  view.show(panel, page.items, page.next_cursor, live);
  if (missed) view.refresh();
}
