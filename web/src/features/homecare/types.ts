// SPDX-License-Identifier: Apache-2.0
// Home care (在宅): the messages of the feature, one fragment per part (i18n/<part>/{ja,en}.json
// beside the common i18n/{ja,en}.json), and the types the parts share.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';
import type alertsEn from './i18n/alerts/en.json';
import type alertsJa from './i18n/alerts/ja.json';
import type figuresEn from './i18n/figures/en.json';
import type figuresJa from './i18n/figures/ja.json';
import type recordsEn from './i18n/records/en.json';
import type recordsJa from './i18n/records/ja.json';
import type reportEn from './i18n/report/en.json';
import type reportJa from './i18n/report/ja.json';
import type scheduleEn from './i18n/schedule/en.json';
import type scheduleJa from './i18n/schedule/ja.json';
import type timelineEn from './i18n/timeline/en.json';
import type timelineJa from './i18n/timeline/ja.json';

declare module '../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
  interface Messages extends Fragment<typeof scheduleJa, typeof scheduleEn> {}
  interface Messages extends Fragment<typeof recordsJa, typeof recordsEn> {}
  interface Messages extends Fragment<typeof timelineJa, typeof timelineEn> {}
  interface Messages extends Fragment<typeof reportJa, typeof reportEn> {}
  interface Messages extends Fragment<typeof figuresJa, typeof figuresEn> {}
  interface Messages extends Fragment<typeof alertsJa, typeof alertsEn> {}
}

/** An organisation or a person as the home-care API names them. */
export interface IdName {
  id: string;
  name: string;
}
