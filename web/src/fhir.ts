// SPDX-License-Identifier: Apache-2.0
// A small typed client for the FHIR R4 REST API under /fhir, on the session conventions of api.ts
// (cookie session, X-CSRF-Token on writes, Accept-Language). Errors are OperationOutcomes whose
// diagnostics the server has already put in the user's language; they become FhirError.
import { ApiError, sendRaw, type Query } from './api';
import { t } from './i18n';
import type { Problem } from './types';

export const FHIR_BASE = '/fhir/';
const FHIR_JSON = 'application/fhir+json';
/** Pages followed for one search at most (with _count=1000 that is far beyond one patient). */
const MAX_PAGES = 20;

/** Our own category system: `infection` puts a Condition under 感染症. */
export const RECORD_CATEGORY = 'https://tsunagu.example.jp/fhir/CodeSystem/record-category';
export const SOURCE_ORG_URL = 'https://tsunagu.example.jp/fhir/StructureDefinition/source-organization';
/** The reason of a correction, withdrawal or stop: required on every update of a record entry. */
export const CHANGE_REASON_URL = 'https://tsunagu.example.jp/fhir/StructureDefinition/change-reason';

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference?: string;
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Extension {
  url: string;
  valueReference?: Reference;
  valueString?: string;
  [key: string]: unknown;
}

export interface Meta {
  versionId?: string;
  lastUpdated?: string;
  extension?: Extension[];
}

export interface Annotation {
  text: string;
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
  [key: string]: unknown;
}

export interface OperationOutcomeIssue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome extends Resource {
  resourceType: 'OperationOutcome';
  issue?: OperationOutcomeIssue[];
}

export interface BundleEntry<T extends Resource = Resource> {
  fullUrl?: string;
  resource?: T;
  search?: { mode?: string };
}

export interface Bundle<T extends Resource = Resource> extends Resource {
  resourceType: 'Bundle';
  type?: string;
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: BundleEntry<T>[];
}

/** An error answer of /fhir: the OperationOutcome when the server sent one. */
export class FhirError extends ApiError {
  readonly outcome: OperationOutcome | null;

  constructor(status: number, outcome: OperationOutcome | null, problem: Problem | null, message: string) {
    super(status, problem, message);
    this.name = 'FhirError';
    this.outcome = outcome;
  }

  /** The FHIRPath expressions the server blamed (for marking form fields). */
  get expressions(): string[] {
    return (this.outcome?.issue ?? []).flatMap((issue) => issue.expression ?? []);
  }
}

async function failure(response: Response): Promise<FhirError> {
  let body: unknown = null;
  if ((response.headers.get('Content-Type') ?? '').includes('json')) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  if (record?.resourceType === 'OperationOutcome') {
    const outcome = record as OperationOutcome;
    const texts = (outcome.issue ?? [])
      .map((issue) => issue.diagnostics ?? '')
      .filter((text) => text !== '');
    const message = texts.length ? texts.join(' ') : t('error.http', { status: response.status });
    return new FhirError(response.status, outcome, null, message);
  }
  const problem = record ? (record as Problem) : null;
  const message = problem?.detail || problem?.title || t('error.http', { status: response.status });
  return new FhirError(response.status, null, problem, message);
}

/**
 * The path under /fhir/ of a URL the server gave, resolved against /fhir/ ("Binary/1" →
 * "/fhir/Binary/1"); null for another origin or a path outside /fhir/. With anyOrigin (paging
 * links, which the server may write with its own idea of its host name behind a proxy) only the
 * path and query are kept, so the request still goes to this origin.
 */
export function sameOriginPath(url: string, anyOrigin = false): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, new URL(FHIR_BASE, window.location.origin));
  } catch {
    return null;
  }
  if (!/^https?:$/.test(parsed.protocol)) return null;
  if (!anyOrigin && parsed.origin !== window.location.origin) return null;
  if (!parsed.pathname.startsWith(FHIR_BASE)) return null;
  return parsed.pathname + parsed.search;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await sendRaw('GET', path, { accept: FHIR_JSON });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

function searchPath(type: string, params: Query): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    query.append(key, String(value));
  }
  const text = query.toString();
  return `${FHIR_BASE}${encodeURIComponent(type)}${text ? `?${text}` : ''}`;
}

/**
 * Searches `type` and returns the matched resources of every page (Bundle.link next, at most
 * MAX_PAGES pages). Included resources (search.mode include) are left out.
 */
export async function search<T extends Resource = Resource>(type: string, params: Query = {}): Promise<T[]> {
  const found: T[] = [];
  let path: string | null = searchPath(type, params);
  for (let page = 0; page < MAX_PAGES && path; page++) {
    const bundle: Bundle<T> = await getJson<Bundle<T>>(path);
    for (const entry of bundle.entry ?? []) {
      if (!entry.resource || entry.search?.mode === 'include' || entry.search?.mode === 'outcome') continue;
      if (entry.resource.resourceType !== type) continue;
      found.push(entry.resource);
    }
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    path = next ? sameOriginPath(next, true) : null;
  }
  return found;
}

/** Reads one resource. */
export function read<T extends Resource = Resource>(type: string, id: string): Promise<T> {
  return getJson<T>(`${FHIR_BASE}${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
}

/** Creates a resource and returns it as stored (with id and meta). */
export async function create<T extends Resource>(type: string, resource: T): Promise<T> {
  const response = await sendRaw('POST', `${FHIR_BASE}${encodeURIComponent(type)}`, {
    accept: FHIR_JSON,
    contentType: FHIR_JSON,
    headers: { Prefer: 'return=representation' },
    body: JSON.stringify(resource),
  });
  if (!response.ok) throw await failure(response);
  if ((response.headers.get('Content-Type') ?? '').includes('json')) return (await response.json()) as T;
  return resource;
}

/**
 * Updates a resource to its next version (PUT with If-Match on the version read, so a change made
 * meanwhile by someone else is refused with 412) and returns it as stored.
 */
export async function update<T extends Resource>(resource: T): Promise<T> {
  const path = `${FHIR_BASE}${encodeURIComponent(resource.resourceType)}/${encodeURIComponent(resource.id ?? '')}`;
  const version = resource.meta?.versionId;
  const response = await sendRaw('PUT', path, {
    accept: FHIR_JSON,
    contentType: FHIR_JSON,
    headers: { Prefer: 'return=representation', ...(version ? { 'If-Match': `W/"${version}"` } : {}) },
    body: JSON.stringify(resource),
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

// ---- Reading common elements ----

/** The text of a CodeableConcept: its text, else the first display, else the first code. */
export function conceptText(concept: CodeableConcept | undefined | null): string {
  if (!concept) return '';
  if (concept.text) return concept.text;
  const coding = concept.coding ?? [];
  return coding.find((c) => c.display)?.display ?? coding.find((c) => c.code)?.code ?? '';
}

export function hasCoding(
  concepts: CodeableConcept | CodeableConcept[] | undefined | null,
  system: string | null,
  code: string,
): boolean {
  const list = Array.isArray(concepts) ? concepts : concepts ? [concepts] : [];
  return list.some((concept) =>
    (concept.coding ?? []).some((c) => c.code === code && (system === null || c.system === system)),
  );
}

export function firstCode(concept: CodeableConcept | undefined | null): string {
  return concept?.coding?.find((c) => c.code)?.code ?? '';
}

/** The organisation that recorded this version (the server's source-organization extension). */
export function sourceOrg(resource: Resource): string {
  const ext = resource.meta?.extension?.find((e) => e.url === SOURCE_ORG_URL);
  return ext?.valueReference?.display ?? ext?.valueReference?.reference ?? '';
}

/** The id of the organisation that recorded this version ("" if not said). */
export function sourceOrgId(resource: Resource): string {
  const ext = resource.meta?.extension?.find((e) => e.url === SOURCE_ORG_URL);
  const reference = ext?.valueReference?.reference ?? '';
  return reference.startsWith('Organization/') ? reference.slice('Organization/'.length) : '';
}

/** The reason this version gives for changing the entry (a correction, withdrawal or stop). */
export function changeReason(resource: Resource): string {
  const ext = resource.meta?.extension?.find((e) => e.url === CHANGE_REASON_URL);
  return ext?.valueString ?? '';
}

/** Marked entered-in-error (withdrawn): by verificationStatus (allergies, problems) or status. */
export function isEnteredInError(resource: Resource): boolean {
  const verification = resource.verificationStatus as CodeableConcept | undefined;
  return resource.status === 'entered-in-error' || firstCode(verification) === 'entered-in-error';
}

/** The id part of a "Type/id" reference. */
export function referenceId(reference: string | undefined): string {
  if (!reference) return '';
  const parts = reference.split('/');
  return parts[parts.length - 1] ?? '';
}
