// SPDX-License-Identifier: Apache-2.0
// Co-viewing (相談, issue 15) in the viewer's side panel: a 相談 button starts a session on the
// open study (the caller presents; the others are invited from the patient's care team and told
// at once), and `?coview=<id>` joins one. The viewer calls mountCoview once it is open.
import { errorMessage } from '../../../api';
import { h, replace } from '../../../dom';
import { t } from '../../../i18n';
import { onLeave } from '../../../router';
import type { ViewerHandle } from '../viewer/coviewHandle';
import { coviewApi, type Session } from './api';
import './coview.css';
import './messages';
import { runSession } from './session';

/** Puts ?coview=<id> in the address (without a new render), so that a reload joins again. */
function remember(sid: string | null): void {
  const [path, query = ''] = location.hash.split('?');
  const params = new URLSearchParams(query);
  if (sid) params.set('coview', sid);
  else params.delete('coview');
  const text = params.toString();
  history.replaceState(history.state, '', text ? `${path}?${text}` : path);
}

export function mountCoview(handle: ViewerHandle, sessionId: string | null): void {
  const root = h('section', { class: 'coview', testid: 'coview-panel' });
  handle.panel.append(root);
  let stop: (() => void) | null = null;
  onLeave(() => stop?.());

  const idle = (note?: string) => {
    stop = null;
    const start = h('button', { type: 'button', class: 'primary', testid: 'coview-start', title: t('coview.start_hint') }, t('coview.start'));
    const error = h('p', { class: 'coview-error', role: 'alert', testid: 'coview-error' });
    start.addEventListener('click', () => {
      start.disabled = true;
      coviewApi
        .start(handle.studyUid)
        .then(enter)
        .catch((e) => {
          start.disabled = false;
          replace(error, errorMessage(e));
        });
    });
    replace(root, h('h3', null, t('coview.title')), note ? h('p', { testid: 'coview-ended' }, note) : null, start, error);
  };

  const enter = (s: Session) => {
    remember(s.id);
    stop = runSession(handle, s, root, (left) => {
      remember(null);
      idle(t(left ? 'coview.left' : 'coview.ended'));
    });
  };

  if (!sessionId) {
    idle();
    return;
  }
  replace(root, h('h3', null, t('coview.title')), h('p', null, t('coview.joining')));
  coviewApi
    .join(sessionId)
    .then(enter)
    .catch((e) => {
      remember(null);
      idle(errorMessage(e));
    });
}
