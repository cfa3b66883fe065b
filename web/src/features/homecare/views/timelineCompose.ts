// SPDX-License-Identifier: Apache-2.0
// Writing to the team timeline: a new post (category, 至急, text, mentions of the team's people and
// organisations, photos from the tablet's camera) or a reply to a thread. The post goes with an
// Idempotency-Key kept until everything is stored, so a tap repeated after a dropout stores it
// once; its photos are uploaded after it.
import { newIdempotencyKey } from '../../../api';
import { attempt, errorBox } from '../../../common';
import { field, h, option, replace, uniqueId } from '../../../dom';
import { t } from '../../../i18n';
import { categoryLabel } from './timelineItems';
import { createPost, uploadPhoto, type Category, type NewPost, type Post, type TeamOrg } from './timelineApi';

const CATEGORIES: Category[] = ['report', 'consult', 'request', 'notice'];

function categorySelect(selected: Category): HTMLSelectElement {
  return h('select', { name: 'category', testid: 'tl-category-select' }, CATEGORIES.map((c) => option(c, categoryLabel(c), c === selected)));
}

/** The team's organisations and people as checkboxes; read() gives the chosen mentions. */
function mentionPicker(team: TeamOrg[]): { element: HTMLElement; read: () => NewPost['mentions']; clear: () => void } {
  const boxes: { box: HTMLInputElement; mention: { user_id: string; org_id: string } | { org_id: string } }[] = [];
  const check = (label: string, testid: string, data: Record<string, string>, mention: { user_id: string; org_id: string } | { org_id: string }): HTMLElement => {
    const id = uniqueId('mention');
    const box = h('input', { type: 'checkbox', id, testid, ...data });
    boxes.push({ box, mention });
    return h('label', { for: id, class: 'homecare-check' }, box, ` ${label}`);
  };
  const orgs = team.map((org) =>
    h('li', { class: 'homecare-mention-org' },
      check(t('homecare.timeline_mention_whole', { org: org.name }), 'tl-mention-org', { 'data-org-id': org.id }, { org_id: org.id }),
      h('ul', null, org.members.map((m) =>
        h('li', null, check(m.name, 'tl-mention-user', { 'data-user-id': m.id, 'data-org-id': org.id }, { user_id: m.id, org_id: org.id })),
      )),
    ),
  );
  const summary = h('summary', { testid: 'tl-mentions-toggle' }, t('homecare.timeline_mentions'));
  const element = h('details', { class: 'homecare-mention-picker', testid: 'tl-mention-picker' }, summary, h('ul', { class: 'homecare-mention-list' }, orgs));
  element.addEventListener('change', () => {
    const n = boxes.filter((b) => b.box.checked).length;
    summary.textContent = n ? t('homecare.timeline_mentions_n', { n }) : t('homecare.timeline_mentions');
  });
  return {
    element,
    read: () => {
      const chosen = boxes.filter((b) => b.box.checked).map((b) => b.mention);
      return chosen.length ? chosen : undefined;
    },
    clear: () => {
      for (const b of boxes) b.box.checked = false;
      summary.textContent = t('homecare.timeline_mentions');
    },
  };
}

/** The photos chosen, shown small (data: URLs: the page's policy allows no blob: images). */
function photoPicker(): { element: HTMLElement; files: () => File[]; clear: () => void } {
  const input = h('input', { type: 'file', accept: 'image/*', capture: 'environment', multiple: true, testid: 'tl-photos' });
  const previews = h('div', { class: 'homecare-photos', testid: 'tl-photo-previews' });
  input.addEventListener('change', () => {
    replace(previews);
    for (const file of Array.from(input.files ?? [])) {
      const img = h('img', { alt: file.name, class: 'homecare-preview', testid: 'tl-photo-preview' });
      const reader = new FileReader();
      reader.addEventListener('load', () => {
        if (typeof reader.result === 'string') img.src = reader.result;
      });
      reader.readAsDataURL(file);
      previews.append(img);
    }
  });
  return {
    element: h('div', null, field(t('homecare.timeline_photos'), input, t('homecare.timeline_photos_hint')), previews),
    files: () => Array.from(input.files ?? []),
    clear: () => {
      input.value = '';
      replace(previews);
    },
  };
}

export interface ComposerOptions {
  patientId: string;
  team: TeamOrg[];
  /** Replying to this thread (a smaller box: no photos). */
  thread?: Post;
  posted: () => void;
}

/** The box that writes a post or a reply. */
export function composer(options: ComposerOptions): HTMLElement {
  const reply = options.thread !== undefined;
  const text = h('textarea', { name: 'text', testid: reply ? 'tl-reply-text' : 'tl-text', rows: reply ? 2 : 3, maxlength: 4000, required: true });
  const category = categorySelect(reply ? (options.thread?.category ?? 'report') : 'report');
  const urgent = h('input', { type: 'checkbox', name: 'urgency', testid: 'tl-urgent', id: uniqueId('urgent') });
  const mentions = mentionPicker(options.team);
  const photos = reply ? null : photoPicker();
  const progress = h('p', { class: 'small muted', testid: 'tl-upload-progress', role: 'status' });
  const errors = errorBox();
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', testid: reply ? 'tl-reply-submit' : 'tl-submit' },
    reply ? t('homecare.timeline_reply') : t('homecare.timeline_post'),
  );
  let key: string | null = null;
  let uploaded = 0;
  const form = h(
    'form',
    { class: reply ? 'homecare-reply-form' : 'homecare-compose', testid: reply ? 'tl-reply-form' : 'tl-compose', novalidate: true },
    h('div', { class: 'homecare-compose-row' },
      field(t('homecare.timeline_category'), category),
      h('label', { for: urgent.id, class: 'homecare-check homecare-urgent-check' }, urgent, ` ${t('homecare.timeline_urgent')}`),
    ),
    field(reply ? t('homecare.timeline_reply_text') : t('homecare.timeline_text'), text),
    h('div', { class: 'homecare-compose-extras' }, mentions.element, photos?.element),
    errors,
    progress,
    h('div', { class: 'actions homecare-actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      const body: NewPost = { category: category.value as Category, text: text.value, urgency: urgent.checked ? 'urgent' : 'normal', mentions: mentions.read() };
      if (options.thread) body.parent_id = options.thread.id;
      key ??= newIdempotencyKey();
      const post = await createPost(options.patientId, body, key);
      const files = photos?.files() ?? [];
      for (; uploaded < files.length; uploaded++) {
        const file = files[uploaded] as File;
        await uploadPhoto(options.patientId, post.id, file, (sent, total) => {
          progress.textContent = t('homecare.timeline_uploading', { n: uploaded + 1, of: files.length, pct: total ? Math.round((100 * sent) / total) : 0 });
        });
      }
      key = null;
      uploaded = 0;
      progress.textContent = '';
      text.value = '';
      urgent.checked = false;
      mentions.clear();
      photos?.clear();
      options.posted();
    });
  });
  return form;
}
