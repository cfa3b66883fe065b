// SPDX-License-Identifier: Apache-2.0
// The messages of the referral figures (実績) in the catalog.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

declare module '../../i18n' {
  /** This feature's messages (i18n/ja.json, en.json), merged into the catalog. */
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
