// SPDX-License-Identifier: Apache-2.0
// Co-viewing (相談): a stub until the co-viewing part replaces it. The viewer calls it once it is
// open, with the session of `?coview=` (or null).
import type { ViewerHandle } from '../viewer/coviewHandle';

export function mountCoview(_handle: ViewerHandle, _sessionId: string | null): void {
  // Nothing yet.
}
