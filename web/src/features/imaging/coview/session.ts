// SPDX-License-Identifier: Apache-2.0
// One consultation, joined: the presenter's view is applied here (the others follow it), the
// presenter's own changes go out at most every 50 ms, everyone's pointer shows with their name,
// messages sit beside the image, the presenter hands the role over, and leaving ends one's part.
import { errorMessage } from '../../../api';
import { h, replace } from '../../../dom';
import { formatDateTime } from '../../../format';
import { t } from '../../../i18n';
import { currentMe } from '../../../session';
import type { Pointer, ViewerHandle, ViewState } from '../viewer/coviewHandle';
import { coviewApi, openStream, throttle, type Message, type Participant, type Session, type SessionState } from './api';
import { invitePicker } from './picker';

const SEND_EVERY_MS = 50;

interface Me {
  user: string;
  org: string;
}

function who(): Me {
  const me = currentMe();
  return { user: me?.user.id ?? '', org: me?.org_id ?? '' };
}

const isMe = (p: Participant, me: Me) => p.user_id === me.user && p.org_id === me.org;

/** The messages beside the image: the list, the form that posts one, and how one is added. */
function messagePanel(sid: string, fail: (e: unknown) => void): { list: HTMLElement; form: HTMLElement; add: (m: Message) => void } {
  const list = h('ol', { class: 'coview-messages', testid: 'coview-messages', 'aria-live': 'polite' });
  const input = h('input', { type: 'text', maxlength: 500, testid: 'coview-message-input', 'aria-label': t('coview.message'), placeholder: t('coview.message_placeholder') });
  const form = h('form', { class: 'coview-message-form' }, input, h('button', { type: 'submit', class: 'secondary', testid: 'coview-message-send' }, t('coview.send')));
  const add = (m: Message) => {
    if (list.querySelector(`[data-seq="${m.seq}"]`)) return;
    list.append(
      h('li', { 'data-seq': String(m.seq), testid: 'coview-message' }, h('span', { class: 'coview-message-who' }, m.name), ' ', h('time', null, formatDateTime(m.at)), h('p', null, m.text)),
    );
    list.scrollTop = list.scrollHeight;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    coviewApi
      .message(sid, text)
      .then(() => {
        input.value = '';
      })
      .catch(fail);
  });
  return { list, form, add };
}

/** The others' pointers on the viewer, with their names: show follows a state, clear takes
 *  them all off. */
function pointers(handle: ViewerHandle, me: Me): { show: (state: SessionState) => void; clear: () => void } {
  const shown = new Set<string>();
  const show = (state: SessionState) => {
    const now = new Set<string>();
    for (const p of state.participants) {
      if (isMe(p, me)) continue;
      now.add(p.user_id);
      handle.showPointer(p.user_id, p.name, p.pointer);
    }
    for (const id of shown) if (!now.has(id)) handle.showPointer(id, '', null);
    shown.clear();
    for (const id of now) shown.add(id);
  };
  const clear = () => {
    for (const id of shown) handle.showPointer(id, '', null);
    shown.clear();
  };
  return { show, clear };
}

/**
 * Following the presenter's view: only the newest is applied, and only when it changed (a state
 * also comes for pointers and people); a slow apply never builds a queue. reset makes the next
 * view apply afresh (after one has presented).
 */
function follower(handle: ViewerHandle, fail: (e: unknown) => void): { want: (view: unknown) => void; reset: () => void } {
  let wanted = '';
  let applied = '';
  let applying = false;
  const follow = async () => {
    applying = true;
    while (wanted && wanted !== applied) {
      applied = wanted;
      try {
        await handle.apply(JSON.parse(applied) as ViewState);
      } catch (e) {
        fail(e);
      }
    }
    applying = false;
  };
  return {
    want: (view) => {
      wanted = JSON.stringify(view);
      if (!applying) void follow();
    },
    reset: () => {
      applied = '';
    },
  };
}

/** Runs session s in root (the viewer's panel section); returns the stop (leaves the session). */
export function runSession(handle: ViewerHandle, s: Session, root: HTMLElement, onEnd: (left: boolean) => void): () => void {
  const me = who();
  const status = h('p', { class: 'coview-status', testid: 'coview-status', 'aria-live': 'polite' });
  const people = h('ul', { class: 'coview-participants', testid: 'coview-participants' });
  const error = h('p', { class: 'coview-error', testid: 'coview-error', role: 'alert' });
  const leave = h('button', { type: 'button', class: 'secondary', testid: 'coview-leave' }, t('coview.leave'));
  const fail = (e: unknown) => replace(error, errorMessage(e));
  const messages = messagePanel(s.id, fail);
  replace(root, h('h3', null, t('coview.title')), status, people, invitePicker(s.id, s.patient_id), messages.list, messages.form, error, leave);

  let presenter = false;
  let version = 0;
  const others = pointers(handle, me);
  const follow = follower(handle, fail);
  const sendView = throttle<ViewState>(SEND_EVERY_MS, (v) => coviewApi.view(s.id, v));
  const sendPointer = throttle<Pointer | null>(SEND_EVERY_MS, (p) => coviewApi.pointer(s.id, p));

  const renderPeople = (state: SessionState) => {
    const items = state.participants.map((p) =>
      h(
        'li',
        { testid: 'coview-participant', 'data-user': p.user_id },
        p.name,
        h('span', { class: 'coview-org' }, ` (${p.org_name})`),
        p.presenter ? h('span', { class: 'coview-presenter-badge', testid: 'coview-presenter-badge' }, t('coview.presenter')) : null,
        presenter && !isMe(p, me)
          ? h('button', { type: 'button', class: 'secondary small', testid: 'coview-handover', onclick: () => coviewApi.handOver(s.id, p.user_id, p.org_id).catch(fail) }, t('coview.hand_over'))
          : null,
      ),
    );
    replace(people, ...items);
    const lead = state.participants.find((p) => p.presenter);
    replace(status, presenter ? t('coview.you_present') : t('coview.following', { name: lead?.name ?? '' }));
  };

  const onState = (state: SessionState) => {
    if (state.version <= version) return;
    version = state.version;
    const wasPresenter = presenter;
    presenter = state.presenter === me.user && state.participants.some((p) => p.presenter && isMe(p, me));
    root.dataset.presenter = String(presenter);
    renderPeople(state);
    others.show(state);
    if (presenter && !wasPresenter) sendView(handle.state()); // the others follow from here
    if (presenter) follow.reset(); // following again later applies the presenter's view afresh
    else if (state.view) follow.want(state.view);
  };

  const stopChange = handle.onChange((v) => {
    if (presenter) sendView(v);
  });
  const stopPointer = handle.onPointer((p) => sendPointer(p));
  for (const m of s.messages) messages.add(m);
  const closeStream = openStream(s.id, {
    state: onState,
    message: messages.add,
    ended: () => finish(false),
  });

  let finished = false;
  function finish(leaving: boolean): void {
    if (finished) return;
    finished = true;
    stopChange();
    stopPointer();
    closeStream();
    others.clear();
    if (leaving) coviewApi.leave(s.id).catch(() => undefined);
    onEnd(leaving);
  }
  leave.addEventListener('click', () => finish(true));
  return () => finish(true);
}
