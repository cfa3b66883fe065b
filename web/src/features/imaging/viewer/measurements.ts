// SPDX-License-Identifier: Apache-2.0
// The list of measurements beside the image: each length (mm), angle (°) and elliptical ROI
// (mean and SD, in HU for CT) that Cornerstone's tools computed, with a button to delete it.
import { eventTarget } from '@cornerstonejs/core';
import { annotation as annotations, Enums as ToolEnums, type Types as ToolTypes } from '@cornerstonejs/tools';
import { h, replace } from '../../../dom';
import { t } from '../../../i18n';
import { TOOLS } from './cornerstone';

type Stats = Record<string, number | string | null | undefined>;

function fixed(value: unknown, digits: number): string | null {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : null;
}

/** The text of one measurement, or null while its figures are not computed yet. */
function describe(item: ToolTypes.Annotation): { kind: string; text: string } | null {
  const stats = Object.values((item.data as { cachedStats?: Record<string, Stats> }).cachedStats ?? {})[0];
  if (!stats) return null;
  switch (item.metadata?.toolName) {
    case TOOLS.length: {
      const length = fixed(stats.length, 1);
      return length ? { kind: 'length', text: t('viewer.m_length', { value: length, unit: String(stats.unit ?? 'mm') }) } : null;
    }
    case TOOLS.angle: {
      const angle = fixed(stats.angle, 1);
      return angle ? { kind: 'angle', text: t('viewer.m_angle', { value: angle }) } : null;
    }
    case TOOLS.roi: {
      const mean = fixed(stats.mean, 1);
      const sd = fixed(stats.stdDev, 1);
      const unit = String(stats.modalityUnit ?? '');
      return mean && sd ? { kind: 'roi', text: t('viewer.m_roi', { mean, sd, unit, area: fixed(stats.area, 1) ?? '-', areaUnit: String(stats.areaUnit ?? '') }) } : null;
    }
    default:
      return null;
  }
}

/** Keeps list showing the measurements of the page; returns the function that stops it. */
export function watchMeasurements(list: HTMLElement, changed: () => void): () => void {
  const render = (): void => {
    const items = annotations.state.getAllAnnotations().flatMap((item) => {
      const shown = describe(item);
      return shown ? [{ item, ...shown }] : [];
    });
    replace(
      list,
      items.length === 0
        ? h('p', { class: 'hint', testid: 'viewer-no-measurements' }, t('viewer.no_measurements'))
        : h(
            'ul',
            { class: 'viewer-measurements' },
            items.map(({ item, kind, text }) =>
              h(
                'li',
                { testid: 'viewer-measurement', 'data-kind': kind },
                h('span', null, text),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    onClick: () => {
                      if (item.annotationUID) annotations.state.removeAnnotation(item.annotationUID);
                      render();
                      changed();
                    },
                  },
                  t('viewer.delete'),
                ),
              ),
            ),
          ),
    );
  };
  const events = [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_MODIFIED, ToolEnums.Events.ANNOTATION_REMOVED];
  for (const name of events) eventTarget.addEventListener(name, render);
  render();
  return () => {
    for (const name of events) eventTarget.removeEventListener(name, render);
    annotations.state.removeAllAnnotations();
  };
}
