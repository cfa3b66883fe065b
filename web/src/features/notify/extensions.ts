// SPDX-License-Identifier: Apache-2.0
// What other features add to the notifications page: the message and the target of the kinds of
// notification they send. Registered by the features' routes.ts; the page knows none of them.
import type { AppNotification } from './types';

export interface NotificationKind {
  kind: string;
  /** The sentence shown, e.g. 「みなみ訪問看護ステーション(佐藤)が…」. */
  message: (n: AppNotification) => string;
  /** Where the notification leads (a hash), or null for the patient page (if any). */
  target?: (n: AppNotification) => string | null;
}

const kinds = new Map<string, NotificationKind>();

export function registerNotificationKind(entry: NotificationKind): void {
  if (kinds.has(entry.kind)) throw new Error(`notification kind ${entry.kind} is registered twice`);
  kinds.set(entry.kind, entry);
}

export function notificationKind(kind: string): NotificationKind | undefined {
  return kinds.get(kind);
}
