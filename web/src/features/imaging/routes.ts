// SPDX-License-Identifier: Apache-2.0
// Imaging (the DICOM archive): the 画像 tab of the patient page, and the organisation's
// 未照合の検査 page (the CD import for unknown patients and the reconciliation queue), reached
// from the patient search page; and the image viewer (#/imaging/view/<studyUID>), whose code and
// Cornerstone3D load only when it opens.
import { h } from '../../dom';
import { t } from '../../i18n';
import { registerRoute } from '../../registry';
import { canSeePatients } from '../../session';
import { registerPatientTab, registerSearchAction } from '../patients/extensions';
import { renderPatientImages } from './views/studies';
import { renderUnmatched } from './views/unmatched';
import './coview/notice';
import './imaging.css';

registerPatientTab({ id: 'images', label: 'tab.images', order: 60, render: renderPatientImages });
registerRoute({ path: 'imaging/unmatched', guard: canSeePatients, view: renderUnmatched, orgSwitch: '#/imaging/unmatched' });
registerRoute({
  path: 'imaging/view/:study',
  guard: canSeePatients,
  view: async (main, route) => (await import('./viewer/viewer')).renderViewer(main, route),
});
registerSearchAction({
  order: 20,
  render: () =>
    canSeePatients() ? h('a', { href: '#/imaging/unmatched', class: 'button secondary', testid: 'imaging-unmatched-open' }, t('imaging.unmatched_open')) : null,
});
