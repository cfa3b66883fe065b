// SPDX-License-Identifier: Apache-2.0
// The network office's page of the region's default sharing rules: list, add (team roles only),
// delete.
import { api, seg } from '../../../api';
import { attempt, errorBox, loadInto, notice, pageTitle, showError } from '../../../common';
import { h, replace } from '../../../dom';
import { t } from '../../../i18n';
import type { Rule } from '../types';
import { ruleForm, rulesTable, vocabulary } from './common';

export async function renderRegionRules(main: HTMLElement): Promise<void> {
  const data = await loadInto(main, () => Promise.all([vocabulary(), api.get<{ items: Rule[] }>('/api/sharing/rules')]));
  if (!data) return;
  const [v, rules] = data;
  const errors = errorBox();
  const form = ruleForm(v, null);
  const add = h('button', { type: 'submit', testid: 'sharing-add' }, t('sharing.add'));
  const addForm = h('form', { class: 'stack', testid: 'sharing-add-form' }, form.controls, add);
  addForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void attempt(add, errors, async () => {
      const body = form.body();
      if (!body) return showError(errors, t('sharing.need_recipient'));
      await api.post('/api/sharing/rules', body);
      await renderRegionRules(main);
      main.prepend(notice(t('sharing.added')));
    });
  });
  const onDelete = (rule: Rule, button: HTMLButtonElement): void => {
    if (!window.confirm(t('sharing.delete_confirm'))) return;
    void attempt(button, errors, async () => {
      await api.del(`/api/sharing/rules/${seg(rule.id)}`);
      await renderRegionRules(main);
    });
  };
  replace(
    main,
    pageTitle(t('sharing.region_title')),
    h('p', { class: 'hint' }, t('sharing.region_hint')),
    errors,
    rulesTable('sharing-region-rules', v, rules.items, onDelete),
    h('h2', null, t('sharing.add_title')),
    addForm,
  );
}
