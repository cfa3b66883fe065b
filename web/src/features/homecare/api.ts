// SPDX-License-Identifier: Apache-2.0
// The home-care event stream: the topics homecare.schedule, homecare.record and homecare.timeline
// of /api/events, on one connection while a section is shown. Events name no patient (only ids
// of visits, records and posts): a section reads its list again through the API, which applies
// the access rule, whatever the event.
import { listen } from '../../api';
import type { LeaveHook } from '../../router';

export type HomecareTopic = 'homecare.schedule' | 'homecare.record' | 'homecare.timeline' | 'vitals.alert' | 'homecare.report';

/**
 * Calls changed(topic, data) for each event of the topics, and changed(null, null) after a reset
 * (events were missed: read everything again). state (if given) gets data-state="open"|"error".
 * Closed by leave (the tab's onLeave).
 */
export function homecareStream(
  topics: HomecareTopic[],
  changed: (topic: HomecareTopic | null, data: unknown) => void,
  leave: LeaveHook,
  state?: HTMLElement,
): void {
  const close = listen(topics, {
    onEvent: (data, topic) => changed(topic as HomecareTopic, data),
    onReset: () => changed(null, null),
    onState: (next) => {
      if (state) state.dataset.state = next;
    },
  });
  leave(close);
}
