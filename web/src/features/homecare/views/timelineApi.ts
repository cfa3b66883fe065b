// SPDX-License-Identifier: Apache-2.0
// The team timeline as the API answers it (docs/api/homecare.md "Team timeline"): the one stream
// of posts (threads with their replies) and the events of visit records, schedule changes and
// referrals; posting, read receipts and photos.
import { api, seg, uploadWithProgress, type Query } from '../../../api';
import type { IdName } from '../types';

export type Category = 'report' | 'consult' | 'request' | 'notice';

export interface Mention {
  kind: 'user' | 'org';
  user: IdName | null;
  org: IdName;
}

export interface ReadState {
  people: { user: IdName; org: IdName; read_at: string }[];
  unread_people: { user: IdName; org: IdName }[];
  orgs: { org: IdName; read: boolean; read_count: number; member_count: number }[];
}

export interface Post {
  type: 'post';
  id: string;
  at: string;
  parent_id: string | null;
  category: Category;
  urgency: 'normal' | 'urgent';
  text: string;
  author: IdName;
  org: IdName;
  mentions: Mention[];
  attachments: { n: number; media_type: string; width: number; height: number; size: number }[];
  read: ReadState;
  replies?: Post[];
}

export interface RecordEvent {
  type: 'visit_record';
  id: string;
  at: string;
  org: IdName;
  author: IdName;
  kind: string;
  form: string;
  visit_start: string;
  visit_end: string;
  status: 'draft' | 'signed';
  version: number;
  handover: string | null;
  vitals: Record<string, number> | null;
}

export interface ScheduleEvent {
  type: 'schedule_change';
  id: string;
  at: string;
  what: 'created' | 'changed' | 'cancelled' | 'plan_created' | 'plan_changed';
  reason: string | null;
  user: IdName;
  org: IdName;
  visit_id: string | null;
  plan_id: string | null;
  kind: string;
  starts_at: string | null;
  ends_at: string | null;
}

export interface ReferralEvent {
  type: 'referral';
  id: string;
  at: string;
  kind: 'referral' | 'reverse';
  status: string;
  from_org: IdName;
  to_org: IdName;
  urgency: string;
  purpose: string;
}

export interface AlertEvent {
  type: 'alert';
  id: string;
  at: string;
  vital: string;
  ja: string;
  unit: string | null;
  value: number;
  rule: 'low' | 'high' | 'rise' | 'drop';
  limit: number;
  baseline: number | null;
  state: 'open' | 'acknowledged';
  raised_by: IdName;
  acknowledged: { by: IdName; org: IdName; at: string; action: string; note: string | null } | null;
  /** The alert's life: raised, notified, escalated, acknowledged (docs/api/homecare.md). */
  steps?: AlertStep[];
}

export interface AlertStep {
  at: string;
  step: string;
  detail: { users?: { name?: string; role?: string }[]; level?: number; role?: string; name?: string };
}

/** An item of a type this client does not know: shown as a plain line. */
export interface OtherItem {
  type: string;
  id: string;
  at: string;
}

export type TimelineItem = Post | RecordEvent | ScheduleEvent | ReferralEvent | AlertEvent;

export interface TeamOrg {
  id: string;
  name: string;
  members: IdName[];
}

export interface TimelinePage {
  items: (TimelineItem | OtherItem)[];
  next_cursor: string | null;
  team: TeamOrg[];
}

export interface NewPost {
  category: Category;
  text: string;
  urgency?: 'normal' | 'urgent';
  parent_id?: string;
  mentions?: ({ user_id: string; org_id?: string } | { org_id: string })[];
}

function base(patientId: string): string {
  return `/api/patients/${seg(patientId)}/homecare`;
}

export function readTimeline(patientId: string, query: Query = {}): Promise<TimelinePage> {
  return api.get<TimelinePage>(`${base(patientId)}/timeline`, { limit: 30, ...query });
}

export function createPost(patientId: string, post: NewPost, key: string): Promise<Post> {
  return api.post<Post>(`${base(patientId)}/posts`, post, { headers: { 'Idempotency-Key': key } });
}

export function markRead(patientId: string, postId: string): Promise<unknown> {
  return api.post(`${base(patientId)}/posts/${seg(postId)}/read`, {});
}

export function attachmentUrl(patientId: string, postId: string, n: number): string {
  return `${base(patientId)}/posts/${seg(postId)}/attachments/${n}`;
}

export function uploadPhoto(patientId: string, postId: string, file: File, progress: (sent: number, total: number) => void): Promise<unknown> {
  return uploadWithProgress(`${base(patientId)}/posts/${seg(postId)}/attachments`, file, file.type || 'application/octet-stream', progress);
}
