// SPDX-License-Identifier: Apache-2.0
// The viewer's messages (i18n/viewer/), typed like every feature's.
import type { Fragment } from '../../../i18n';
import type en from '../i18n/viewer/en.json';
import type ja from '../i18n/viewer/ja.json';

declare module '../../../i18n' {
  interface Messages extends Fragment<typeof ja, typeof en> {}
}
