// SPDX-License-Identifier: Apache-2.0
// A dialog with a form for the conference screens: submit runs send, closes on success, and shows
// a refusal beside the field it names (controls are named as the API's fields) or above.
import { attempt, errorBox, openDialog } from '../../../common';
import { h, type Child } from '../../../dom';
import { t, type MessageKey } from '../../../i18n';

export function formDialog(title: MessageKey, testid: string, controls: Child[], send: () => Promise<void>, submitLabel: MessageKey = 'common.save'): void {
  const errors = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', testid: `${testid}-submit` }, t(submitLabel));
  const cancel = h('button', { type: 'button', class: 'secondary', testid: `${testid}-close` }, t('common.cancel'));
  const form = h('form', { class: 'stack conference-form', testid: `${testid}-form`, novalidate: true }, errors, controls, h('div', { class: 'row end' }, cancel, submit));
  const dialog = openDialog(t(title), form, `${testid}-dialog`);
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(submit, errors, async () => {
      await send();
      dialog.close();
    });
  });
}
