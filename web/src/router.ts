// SPDX-License-Identifier: Apache-2.0
// Hash routing: `#/patients?q=…`, `#/patients/<id>/team`, `#/admin/audit`.

export interface Route {
  /** Path segments, decoded: `#/patients/abc` → ['patients', 'abc']. */
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string = location.hash): Route {
  const body = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = body.split('?', 2);
  const path = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { path, query: new URLSearchParams(queryPart) };
}

/** Builds `#/a/b?x=1` from segments and query values (empty values are left out). */
export function hashOf(path: string[], query?: Record<string, string | undefined>): string {
  const base = `#/${path.map(encodeURIComponent).join('/')}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

let renderHook: () => void = () => {};

export function setRenderHook(hook: () => void): void {
  renderHook = hook;
}

/** Goes to a route; renders again even when the hash does not change. */
export function go(hash: string): void {
  if (location.hash === hash) renderHook();
  else location.hash = hash;
}

/** Replaces the current history entry (no extra Back step) and renders. */
export function redirect(hash: string): void {
  history.replaceState(null, '', hash);
  renderHook();
}

/** Renders the current route again (after a language or organisation switch). */
export function rerender(): void {
  renderHook();
}

let leaveHooks: (() => void)[] = [];

/** Runs `hook` when the current page is left (the next render), e.g. to close an EventSource. */
export function onLeave(hook: () => void): void {
  leaveHooks.push(hook);
}

/** Registers a hook to run when something shown for a while (a page, a tab) is left. */
export type LeaveHook = (hook: () => void) => void;

export interface LeaveScope {
  onLeave: LeaveHook;
  /** Runs the hooks now; a hook registered afterwards (by a late render) runs at once. */
  end: () => void;
}

/** Hooks for a part of the page (a tab): run when the part is left, and at the latest with the page. */
export function leaveScope(): LeaveScope {
  let hooks: (() => void)[] | null = [];
  const end = (): void => {
    const run = hooks ?? [];
    hooks = null;
    for (const hook of run) hook();
  };
  onLeave(end);
  return { onLeave: (hook) => (hooks ? void hooks.push(hook) : hook()), end };
}

/** Called by the renderer before it shows the next page. */
export function leavePage(): void {
  const hooks = leaveHooks;
  leaveHooks = [];
  for (const hook of hooks) hook();
}
