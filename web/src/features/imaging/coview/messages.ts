// SPDX-License-Identifier: Apache-2.0
// Co-viewing's messages (i18n/coview/), typed like every feature's.
import type { Fragment } from '../../../i18n';
import type en from '../i18n/coview/en.json';
import type ja from '../i18n/coview/ja.json';

declare module '../../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
