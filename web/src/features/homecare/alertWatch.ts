// SPDX-License-Identifier: Apache-2.0
// The alerts a logged-in clinician must act on, whatever page is open (issue 17): the vital-sign
// alerts addressed to them or their organisation (notifications of kind homecare_alert, unread)
// show as a badge and a banner over every page, with a sound when a new one arrives, and each
// can be acknowledged there with what was done (電話で指示, 臨時往診, 救急搬送, 経過観察). They come
// from the inbox, so none is lost while the user was away or the stream was reconnecting (the
// inbox is read again each time it opens); the live stream only says when to look again. An alert
// someone else has acted on can be put away.
import { api, ApiError, listen } from '../../api';
import { h, option, replace } from '../../dom';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { hashOf } from '../../router';
import type { AppNotification, NotificationList } from '../notify/types';
import { alertMessage } from './notifications';

const ACTIONS: [string, MessageKey][] = [
  ['phone_instruction', 'homecare.timeline_alert_action_phone_instruction'],
  ['house_call', 'homecare.timeline_alert_action_house_call'],
  ['ambulance', 'homecare.timeline_alert_action_ambulance'],
  ['observation', 'homecare.timeline_alert_action_observation'],
];

interface AlertState {
  id: string;
  state: 'open' | 'acknowledged';
}

/** Plays two short tones; browsers that refuse sound without a gesture stay silent. */
function chime(): void {
  try {
    const audio = new AudioContext();
    void audio.resume();
    [880, 660].forEach((frequency, i) => {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start(audio.currentTime + i * 0.25);
      tone.stop(audio.currentTime + i * 0.25 + 0.2);
    });
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // No audio here: the badge and the banner still show.
  }
}

/** The open alerts among the patients' alerts named by the notices (each list passes the access
 *  rule and is audited by the server). */
async function openAlertIds(notices: AppNotification[]): Promise<Set<string>> {
  const patients = [...new Set(notices.map((n) => n.patient?.id).filter((id): id is string => !!id))];
  const open = new Set<string>();
  await Promise.all(
    patients.map(async (patient) => {
      try {
        const list = await api.get<{ items: AlertState[] }>(`/api/patients/${patient}/homecare/alerts`, { state: 'open', limit: 100 });
        for (const a of list.items) open.add(a.id);
      } catch {
        // Alerts the reader may not list are none of theirs to act on.
      }
    }),
  );
  return open;
}

async function markRead(notice: AppNotification): Promise<void> {
  await api.post(`/api/notifications/${notice.id}/read`);
}

function banner(notice: AppNotification, open: boolean, refresh: () => void): HTMLElement {
  const errors = h('p', { class: 'error', testid: 'alert-banner-error', role: 'alert' });
  const action = h(
    'select',
    { testid: 'alert-ack-action', 'aria-label': t('homecare.alertwatch_action') },
    option('', t('homecare.alertwatch_action_choose'), true),
    ACTIONS.map(([code, label]) => option(code, t(label))),
  );
  const note = h('input', { type: 'text', maxlength: '1000', testid: 'alert-ack-note', 'aria-label': t('homecare.alertwatch_note'), placeholder: t('homecare.alertwatch_note') });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'alert-ack-submit' }, t('homecare.alertwatch_submit'));
  const patient = notice.patient?.id ?? '';
  const form = h('form', { class: 'alert-ack' }, action, note, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!action.value) {
      errors.textContent = t('homecare.alertwatch_need_action');
      return;
    }
    submit.disabled = true;
    const body = note.value.trim() ? { action: action.value, note: note.value.trim() } : { action: action.value };
    void api
      .post(`/api/patients/${patient}/homecare/alerts/${notice.ref_id}/acknowledge`, body)
      .then(() => markRead(notice))
      .then(refresh)
      .catch((e: unknown) => {
        submit.disabled = false;
        errors.textContent = e instanceof ApiError && e.code === 'homecare.alert_acknowledged' ? t('homecare.alertwatch_done_elsewhere') : e instanceof Error ? e.message : String(e);
      });
  });
  const dismiss = h('button', { type: 'button', testid: 'alert-dismiss' }, t('homecare.alertwatch_dismiss'));
  dismiss.addEventListener('click', () => void markRead(notice).then(refresh));
  const escalated = (notice.summary as { event?: string }).event === 'escalated';
  return h(
    'section',
    {
      class: escalated ? 'alert-banner escalated' : 'alert-banner',
      testid: 'alert-banner',
      'data-alert-id': notice.ref_id ?? '',
      'data-escalated': String(escalated),
      'data-state': open ? 'open' : 'acknowledged',
    },
    h('strong', null, escalated ? t('homecare.alertwatch_escalated') : t('homecare.alertwatch_title')),
    h('p', { testid: 'alert-banner-text' }, alertMessage(notice)),
    h('p', { class: 'muted' }, t('homecare.alertwatch_at', { time: formatDateTime(notice.created_at) })),
    h('a', { href: hashOf(['patients', patient, 'homecare', 'timeline']), testid: 'alert-open-patient' }, t('homecare.alertwatch_open_patient')),
    open ? form : h('p', null, t('homecare.alertwatch_done_elsewhere'), ' ', dismiss),
    errors,
  );
}

/** Starts the watch for the logged-in user (a session task); returns its stop. */
export function startAlertWatch(): () => void {
  const region = h('aside', { class: 'alert-watch', testid: 'alert-watch', 'aria-live': 'assertive', 'aria-label': t('homecare.alertwatch_region') });
  document.body.append(region);
  let seen = new Set<string>();
  let stopped = false;
  const refresh = async (): Promise<void> => {
    const list = await api.get<NotificationList>('/api/notifications');
    const notices = list.items.filter((n) => n.kind === 'homecare_alert' && !n.read_at && n.patient && n.ref_id);
    const open = await openAlertIds(notices);
    if (stopped) return;
    const fresh = notices.some((n) => !seen.has(n.id) && open.has(n.ref_id ?? ''));
    seen = new Set(notices.map((n) => n.id));
    const waiting = notices.filter((n) => open.has(n.ref_id ?? '')).length;
    replace(
      region,
      waiting > 0 ? h('p', { class: 'alert-badge', testid: 'alert-badge', 'data-count': String(waiting) }, t('homecare.alertwatch_badge', { count: waiting })) : null,
      notices.map((n) => banner(n, open.has(n.ref_id ?? ''), again)),
    );
    if (fresh) chime();
  };
  // One reading at a time: a reading that overlapped another could finish last with what it read
  // before (an alert acknowledged here would come back as acted on elsewhere). A request made while
  // one is running is served by one more reading after it.
  let running = false;
  let pending = false;
  const again = (): void => {
    if (running) {
      pending = true;
      return;
    }
    running = true;
    refresh()
      .catch(() => {
        // The inbox is read again at the next event; pages show their own errors.
      })
      .finally(() => {
        running = false;
        if (pending && !stopped) {
          pending = false;
          again();
        }
      });
  };
  const stop = listen(['notification', 'vitals.alert'], {
    onEvent: (data, topic) => {
      if (topic === 'vitals.alert' || (data as { kind?: string } | null)?.kind === 'homecare_alert') again();
    },
    onReset: again,
    // (re)connected: what arrived while the stream was not open is in the inbox
    onState: (state) => {
      region.dataset.state = state;
      if (state === 'open') again();
    },
  });
  again();
  return () => {
    stopped = true;
    stop();
    region.remove();
  };
}
