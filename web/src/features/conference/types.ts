// SPDX-License-Identifier: Apache-2.0
// This feature's messages (i18n/ja.json, en.json), merged into the catalog.
import type { Fragment } from '../../i18n';
import type en from './i18n/en.json';
import type ja from './i18n/ja.json';

declare module '../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
