// SPDX-License-Identifier: Apache-2.0
// The co-viewing API (src/coview/routes.def): a session on a study, its participants, the
// presenter's view state, pointers and messages, and its event stream.
import { api, seg } from '../../../api';
import type { Pointer, ViewState } from '../viewer/coviewHandle';

export interface Participant {
  user_id: string;
  org_id: string;
  name: string;
  org_name: string;
  presenter: boolean;
  pointer: Pointer | null;
}

export interface Message {
  seq: number;
  user_id: string;
  name: string;
  text: string;
  at: string;
}

/** The state the stream sends (event state, and ended when the session ends). */
export interface SessionState {
  id: string;
  study_uid: string;
  version: number;
  presenter?: string;
  participants: Participant[];
  ended: boolean;
  end_reason?: string;
  view: ViewState | null;
}

/** GET /api/coview/{sid}: the state, with the invitations and the last messages. */
export interface Session extends SessionState {
  patient_id: string;
  starter_user_id: string;
  invited: { org_id: string; user_id?: string | null }[];
  messages: Message[];
}

const base = (sid: string) => `/api/coview/${seg(sid)}`;

export const coviewApi = {
  start: (study: string) => api.post<Session>(`/api/imaging/studies/${seg(study)}/coview`, {}),
  read: (sid: string) => api.get<Session>(base(sid)),
  invite: (sid: string, orgId: string, userId: string | null) =>
    api.post<Session>(`${base(sid)}/invite`, userId ? { org_id: orgId, user_id: userId } : { org_id: orgId }),
  join: (sid: string) => api.post<Session>(`${base(sid)}/join`, {}),
  leave: (sid: string) => api.post<{ ended: boolean }>(`${base(sid)}/leave`, {}),
  view: (sid: string, view: ViewState) => api.put<void>(`${base(sid)}/view`, { view }),
  pointer: (sid: string, pointer: Pointer | null) => api.put<void>(`${base(sid)}/pointer`, { pointer }),
  message: (sid: string, text: string) => api.post<{ seq: number }>(`${base(sid)}/messages`, { text }),
  handOver: (sid: string, userId: string, orgId: string) =>
    api.post<Session>(`${base(sid)}/presenter`, { user_id: userId, org_id: orgId }),
};

export interface StreamHandlers {
  state: (s: SessionState) => void;
  message: (m: Message) => void;
  ended: (s: SessionState | null) => void;
}

/** Opens the session's stream; returns its close. The server ends it when the reader leaves,
 *  loses access or the session ends; a stream refused on reconnection (404) ends it too. */
export function openStream(sid: string, on: StreamHandlers): () => void {
  const source = new EventSource(`${base(sid)}/stream`);
  let done = false;
  const parse = <T>(event: Event): T | null => {
    try {
      return JSON.parse((event as MessageEvent<string>).data) as T;
    } catch {
      return null;
    }
  };
  const finish = (s: SessionState | null) => {
    if (done) return;
    done = true;
    source.close();
    on.ended(s);
  };
  source.addEventListener('state', (e) => {
    const s = parse<SessionState>(e);
    if (s) on.state(s);
  });
  source.addEventListener('message', (e) => {
    const m = parse<Message>(e);
    if (m) on.message(m);
  });
  source.addEventListener('ended', (e) => finish(parse<SessionState>(e)));
  // A stream the server ended is retried by EventSource; a retry refused (404: the session
  // ended, or the reader may no longer take part) leaves it closed.
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) finish(null);
  });
  return () => {
    done = true;
    source.close();
  };
}

/** Calls send with the latest value at most once every `ms` (the last value is always sent). */
export function throttle<T>(ms: number, send: (value: T) => Promise<unknown>): (value: T) => void {
  let last = 0;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  const flush = () => {
    timer = null;
    if (!pending || inFlight) return;
    const { value } = pending;
    pending = null;
    last = Date.now();
    inFlight = true;
    send(value)
      .catch(() => {
        // The next change sends the state again; the stream shows whether the session lives.
      })
      .finally(() => {
        inFlight = false;
        if (pending && !timer) timer = setTimeout(flush, Math.max(0, ms - (Date.now() - last)));
      });
  };
  return (value: T) => {
    pending = { value };
    if (timer || inFlight) return;
    timer = setTimeout(flush, Math.max(0, ms - (Date.now() - last)));
  };
}
