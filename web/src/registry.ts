// SPDX-License-Identifier: Apache-2.0
// What the features add to the app: their screens (routes), the links of the header bar and the
// login screen and home screens. Each feature's routes.ts registers its own when main.ts loads it; the boot code
// and the header read them from here and know no feature by name.
//
// The shared stylesheets are imported here: a feature's routes.ts imports this module before its
// own stylesheet, so they come first in the page whatever order the features load in (the
// import.meta.glob in main.ts runs before main.ts's own imports).
import type { MessageKey } from './i18n';
import type { Route } from './router';
import type { AuthAnswer } from './types';
import './styles/base.css';
import './styles/layout.css';

/** Renders a screen into the main area. */
export type View = (main: HTMLElement, route: Route) => void | Promise<void>;

export interface RouteSpec {
  /**
   * Path segments after `#/`, split by `/`: a word matches itself, `:name` any one segment, and a
   * last `*` any further segments (none too). `referrals/:id/*` matches `#/referrals/r1/x`.
   */
  path: string;
  /** Who may open it; for anyone else the screen does not exist ("not found"). */
  guard?: () => boolean;
  view: View;
  /** Where to start again when the user switches organisation on this screen (else it is shown again). */
  orgSwitch?: string;
}

type Segment = { kind: 'word'; word: string } | { kind: 'param' } | { kind: 'rest' };

interface RouteEntry extends RouteSpec {
  segments: Segment[];
}

const routes: RouteEntry[] = [];

function parsePattern(path: string): Segment[] {
  const parts = path.split('/').filter((part) => part !== '');
  return parts.map((part, index): Segment => {
    if (part === '*') {
      if (index !== parts.length - 1) throw new Error(`route ${path}: * must come last`);
      return { kind: 'rest' };
    }
    return part.startsWith(':') ? { kind: 'param' } : { kind: 'word', word: part };
  });
}

/** A word before `:name` before the end of the pattern before `*`. */
function rank(segment: Segment | undefined): number {
  if (!segment) return 0.5;
  return segment.kind === 'word' ? 2 : segment.kind === 'param' ? 1 : 0;
}

/** Orders more specific routes first, comparing them segment by segment. */
function specificity(a: RouteEntry, b: RouteEntry): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const difference = rank(b.segments[i]) - rank(a.segments[i]);
    if (difference !== 0) return difference;
  }
  return 0;
}

function shape(segments: Segment[]): string {
  return segments.map((s) => (s.kind === 'word' ? s.word : s.kind === 'param' ? ':' : '*')).join('/');
}

/** Adds a screen; two routes of the same shape are a programming error and refused at load. */
export function registerRoute(spec: RouteSpec): void {
  const entry: RouteEntry = { ...spec, segments: parsePattern(spec.path) };
  if (routes.some((other) => shape(other.segments) === shape(entry.segments))) {
    throw new Error(`route ${spec.path} is registered twice`);
  }
  routes.push(entry);
  routes.sort(specificity);
}

function matches(segments: Segment[], path: string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'rest') return true;
    const value = path[i];
    if (value === undefined) return false;
    if (segment.kind === 'word' && segment.word !== value) return false;
  }
  return path.length === segments.length;
}

/** The most specific route that matches and lets the current user in, if any. */
export function findRoute(route: Route): RouteSpec | null {
  return routes.find((entry) => matches(entry.segments, route.path) && (entry.guard?.() ?? true)) ?? null;
}

export interface NavEntry {
  hash: string;
  label: MessageKey;
  testid: string;
  /** Place in the header bar, from left to right. */
  order: number;
  /** Whether the current user sees the link. */
  show: () => boolean;
  /** A link that renders itself (e.g. with a count); active: the current page is below hash. */
  render?: (active: boolean) => HTMLElement;
}

/** Things that features add in any order, kept sorted by their `order`. */
export interface OrderedList<T extends { order: number }> {
  add: (item: T) => void;
  items: () => readonly T[];
}

export function orderedList<T extends { order: number }>(): OrderedList<T> {
  const list: T[] = [];
  return {
    add: (item) => {
      list.push(item);
      list.sort((a, b) => a.order - b.order);
    },
    items: () => list,
  };
}

const nav = orderedList<NavEntry>();

export const registerNav = nav.add;

/** The header links in their order, shown or not. */
export const navEntries = nav.items;

export interface HomeEntry {
  hash: string;
  /** Tried in this order; the first whose `when` holds is the user's home screen. */
  order: number;
  when: () => boolean;
}

const homes = orderedList<HomeEntry>();

/** Offers a home screen: where `#/` and a completed login lead. */
export const registerHome = homes.add;

/** The current user's home screen (a hash no route has when none applies: "not found"). */
export function homeRoute(): string {
  return homes.items().find((entry) => entry.when())?.hash ?? '#/home';
}

/** Shows the login screen in root; done receives the answer of a completed login. */
export type LoginView = (root: HTMLElement, done: (answer: AuthAnswer) => void, logout: () => void) => void;

let login: LoginView | null = null;

export function registerLogin(view: LoginView): void {
  if (login) throw new Error('a login screen is registered twice');
  login = view;
}

export function loginView(): LoginView {
  if (!login) throw new Error('no login screen is registered');
  return login;
}

/** Work that runs for as long as a user is logged in, whatever the page (a live watch of their
 *  alerts): start returns its stop. Started after login and again when the user or organisation
 *  changes; stopped at logout. */
export interface SessionTask {
  id: string;
  start: () => () => void;
}

const sessionTasks: SessionTask[] = [];
let running: { key: string; stops: (() => void)[] } | null = null;

export function registerSessionTask(task: SessionTask): void {
  if (sessionTasks.some((other) => other.id === task.id)) throw new Error(`session task ${task.id} is registered twice`);
  sessionTasks.push(task);
}

/** Runs the session tasks for key (user and organisation), or stops them (key null). */
export function runSessionTasks(key: string | null): void {
  if (running?.key === key) return;
  for (const stop of running?.stops ?? []) stop();
  running = key === null ? null : { key, stops: sessionTasks.map((task) => task.start()) };
}
