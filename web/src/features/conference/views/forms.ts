// SPDX-License-Identifier: Apache-2.0
// A dialog with a form for the conference screens: submit runs send, closes on success, and shows
// a refusal beside the field it names (controls are named as the API's fields) or above.
import { formDialog as sharedFormDialog } from '../../../common';
import type { Child } from '../../../dom';
import type { MessageKey } from '../../../i18n';

export function formDialog(title: MessageKey, testid: string, controls: Child[], send: () => Promise<void>, submitLabel: MessageKey = 'common.save'): void {
  sharedFormDialog(title, testid, controls, send, { submitLabel, className: 'conference-form' });
}
