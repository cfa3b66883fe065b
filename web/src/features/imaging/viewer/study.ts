// SPDX-License-Identifier: Apache-2.0
// A study as the viewer reads it from our DICOMweb: the DICOM JSON of every instance
// (GET /dicom-web/studies/{study}/metadata, PS3.18 §10.4), grouped into series, each series' images
// ordered along the patient axis, and each frame named by a wadors: image id that the
// dicom-image-loader fetches from .../frames/{n} with the session cookie.
import { wadors } from '@cornerstonejs/dicom-image-loader';
import { ApiError, sendRaw, seg } from '../../../api';
import { t } from '../../../i18n';

/** One attribute of DICOM JSON (PS3.18 §F.2). */
interface JsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type Instance = Record<string, JsonAttribute>;

export interface Series {
  uid: string;
  number: number | null;
  modality: string;
  description: string;
  imageIds: string[];
}

export interface StudyInfo {
  uid: string;
  /** The patient's name as recorded: the ideographic group (漢字) when present, else the alphabetic. */
  patientName: string;
  patientNameAlphabetic: string;
  patientId: string;
  birthDate: string;
  sex: string;
  studyDate: string;
  description: string;
  institution: string;
  series: Series[];
}

const TAG = {
  patientName: '00100010',
  patientId: '00100020',
  birthDate: '00100030',
  sex: '00100040',
  studyDate: '00080020',
  studyDescription: '00081030',
  institution: '00080080',
  modality: '00080060',
  seriesUid: '0020000E',
  seriesNumber: '00200011',
  seriesDescription: '0008103E',
  sopUid: '00080018',
  instanceNumber: '00200013',
  position: '00200032',
  orientation: '00200037',
  frames: '00280008',
} as const;

export function first(instance: Instance, tag: string): unknown {
  return instance[tag]?.Value?.[0];
}

function text(instance: Instance, tag: string): string {
  const value = first(instance, tag);
  return value === undefined || value === null ? '' : String(value);
}

function numbers(instance: Instance, tag: string): number[] | null {
  const values = instance[tag]?.Value;
  return values && values.every((v) => typeof v === 'number') ? (values as number[]) : null;
}

/** A DICOM PN group (Family^Given^Middle^Prefix^Suffix) as one would write it: "鈴木 正雄". */
export function personName(group: string | undefined): string {
  return (group ?? '')
    .split('^')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}

function names(instance: Instance): { recorded: string; alphabetic: string } {
  const pn = first(instance, TAG.patientName) as { Alphabetic?: string; Ideographic?: string } | undefined;
  const alphabetic = personName(pn?.Alphabetic);
  return { recorded: personName(pn?.Ideographic) || alphabetic, alphabetic };
}

/** Where the image lies along the normal of its plane, to order a stack as the body is cut. */
function sliceKey(instance: Instance): number {
  const position = numbers(instance, TAG.position);
  const orientation = numbers(instance, TAG.orientation);
  if (position?.length === 3 && orientation?.length === 6) {
    const [a, b, c, d, e, f] = orientation as [number, number, number, number, number, number];
    const normal = [b * f - c * e, c * d - a * f, a * e - b * d] as const;
    return position[0]! * normal[0] + position[1]! * normal[1] + position[2]! * normal[2];
  }
  return Number(first(instance, TAG.instanceNumber) ?? 0);
}

function frameIds(studyUid: string, instance: Instance): string[] {
  const base = `${location.origin}/dicom-web/studies/${seg(studyUid)}/series/${seg(text(instance, TAG.seriesUid))}/instances/${seg(text(instance, TAG.sopUid))}/frames/`;
  const count = Math.max(1, Number(first(instance, TAG.frames) ?? 1) || 1);
  const ids: string[] = [];
  for (let frame = 1; frame <= count; frame++) {
    const imageId = `wadors:${base}${frame}`;
    // The loader reads the image's attributes from here, not from the frame's response.
    wadors.metaDataManager.add(imageId, instance as never);
    ids.push(imageId);
  }
  return ids;
}

function groupSeries(studyUid: string, instances: Instance[]): Series[] {
  const bySeries = new Map<string, Instance[]>();
  for (const instance of instances) {
    const uid = text(instance, TAG.seriesUid);
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), instance]);
  }
  const series = [...bySeries.entries()].map(([uid, members]): Series => {
    members.sort((a, b) => sliceKey(a) - sliceKey(b) || Number(first(a, TAG.instanceNumber) ?? 0) - Number(first(b, TAG.instanceNumber) ?? 0));
    const head = members[0]!;
    const number = Number(first(head, TAG.seriesNumber));
    return {
      uid,
      number: Number.isFinite(number) ? number : null,
      modality: text(head, TAG.modality),
      description: text(head, TAG.seriesDescription),
      imageIds: members.flatMap((instance) => frameIds(studyUid, instance)),
    };
  });
  return series.sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9));
}

/** Reads a study one may see; a study one may not see is an ApiError (404) like any other. */
export async function loadStudy(studyUid: string): Promise<StudyInfo> {
  const response = await sendRaw('GET', `/dicom-web/studies/${seg(studyUid)}/metadata`, { accept: 'application/dicom+json' });
  if (!response.ok) throw new ApiError(response.status, null, t('viewer.not_found'));
  const instances = (await response.json()) as Instance[];
  const head = instances[0];
  if (!head) throw new ApiError(404, null, t('viewer.not_found'));
  const { recorded, alphabetic } = names(head);
  return {
    uid: studyUid,
    patientName: recorded,
    patientNameAlphabetic: alphabetic,
    patientId: text(head, TAG.patientId),
    birthDate: text(head, TAG.birthDate),
    sex: text(head, TAG.sex),
    studyDate: text(head, TAG.studyDate),
    description: text(head, TAG.studyDescription),
    institution: text(head, TAG.institution),
    series: groupSeries(studyUid, instances),
  };
}

/** A DICOM DA (YYYYMMDD) as YYYY-MM-DD; anything else as it is. */
export function formatDicomDate(value: string): string {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : value;
}

export function seriesThumbnail(studyUid: string, seriesUid: string): string {
  return `/dicom-web/studies/${seg(studyUid)}/series/${seg(seriesUid)}/thumbnail`;
}

export function studyThumbnail(studyUid: string): string {
  return `/dicom-web/studies/${seg(studyUid)}/thumbnail`;
}
