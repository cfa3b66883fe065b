// SPDX-License-Identifier: Apache-2.0
// The official FHIR R4 (4.0.1) JSON schema (tests/data/fhir/fhir.schema.json, see SOURCE.md
// there) compiled with ajv 8 from web/node_modules. The file is kept verbatim; two things are
// adapted in memory only: its top-level draft-04 style "id" becomes "$id" (ajv 8 refuses "id"),
// and ajv runs non-strict so that the OpenAPI-style "discriminator" (with "mapping", which ajv's
// own discriminator does not support) is ignored: the top-level oneOf does that work.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './server.mjs';

const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
const Ajv = require('ajv');
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');

export const SCHEMA_PATH = path.join(repoRoot, 'tests', 'data', 'fhir', 'fhir.schema.json');
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
const MAX_ERRORS_SHOWN = 20;

let compiled = null;

/**
 * Compiles the schema once per process. It takes seconds (the file is 4 MB) and blocks the event
 * loop: call it before talking to a server, or an idle keep-alive connection may time out meanwhile.
 */
export function load() {
  if (compiled) return compiled;
  const { id, ...schema } = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  if (id !== SCHEMA_ID) throw new Error(`${SCHEMA_PATH}: id ${id}, expected ${SCHEMA_ID}`);
  // allErrors stays off: with the oneOf over 146 resource types it would report every branch.
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
  ajv.addMetaSchema(draft06);
  const any = ajv.compile({ $id: id, ...schema });
  const types = new Set(Object.keys(schema.discriminator.mapping));
  compiled = { ajv, any, types, byType: new Map() };
  return compiled;
}

/** The validator of one resource type, compiled on first use. */
function validatorFor(resourceType) {
  const { ajv, types, byType } = load();
  if (!types.has(resourceType)) return null;
  let validate = byType.get(resourceType);
  if (!validate) {
    validate = ajv.getSchema(`${SCHEMA_ID}#/definitions/${resourceType}`);
    if (!validate) throw new Error(`schema has no definition for ${resourceType}`);
    byType.set(resourceType, validate);
  }
  return validate;
}

function formatErrors(errors, prefix = '') {
  const lines = errors
    .slice(0, MAX_ERRORS_SHOWN)
    .map((e) => `  ${prefix}${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  if (errors.length > MAX_ERRORS_SHOWN) lines.push(`  … ${errors.length - MAX_ERRORS_SHOWN} more`);
  return lines;
}

/**
 * The rules of FHIR JSON (R4 §2.6.2) that the schema does not express: no empty objects or
 * arrays, and null only inside an array (as the partner of an _element array).
 */
function jsonRuleProblems(value, where = '', inArray = false) {
  if (value === null) return inArray ? [] : [`  ${where || '/'} is null`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`  ${where} is an empty array`];
    return value.flatMap((v, i) => jsonRuleProblems(v, `${where}/${i}`, true));
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return [`  ${where || '/'} is an empty object`];
    return keys.flatMap((k) => jsonRuleProblems(value[k], `${where}/${k}`, false));
  }
  return [];
}

/**
 * Checks one resource against the definition of its own resourceType (precise errors). Inner
 * resources (Bundle.entry.resource, contained) that fail are checked one by one so that the
 * message names the inner error, not a oneOf over 146 types.
 */
function definitionProblems(resource) {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    return ['  not a JSON object'];
  }
  const validate = validatorFor(resource.resourceType);
  if (!validate) return [`  unknown resourceType ${JSON.stringify(resource.resourceType)}`];
  const problems = validate(resource) ? [] : formatErrors(validate.errors);
  const inner = [
    ...(resource.entry ?? []).map((entry, i) => [`/entry/${i}/resource`, entry?.resource]),
    ...(resource.contained ?? []).map((r, i) => [`/contained/${i}`, r]),
  ];
  for (const [where, child] of inner) {
    if (child === undefined) continue;
    for (const p of definitionProblems(child)) problems.push(`  ${where}:${p.trimStart()}`);
  }
  return problems;
}

/**
 * Checks one resource against the R4 schema and the JSON rules above. Returns a list of
 * readable problems, empty when valid. Besides the definition of its type, the resource must
 * match the whole schema (the oneOf over all resource types that any FHIR resource is).
 */
export function schemaProblems(resource) {
  const problems = [...definitionProblems(resource), ...jsonRuleProblems(resource)];
  const { any } = load();
  if (problems.length === 0 && !any(resource)) problems.push(...formatErrors(any.errors, '(whole schema) '));
  return problems;
}

/** Fails with the schema errors unless `resource` is a valid R4 resource. */
export function assertValidR4(resource, what = 'resource') {
  const problems = schemaProblems(resource);
  if (problems.length > 0) {
    const type = resource?.resourceType ?? typeof resource;
    throw new Error(
      `${what} (${type}) is not valid FHIR R4 JSON:\n${problems.join('\n')}\n` +
        `resource: ${JSON.stringify(resource).slice(0, 2000)}`,
    );
  }
  return resource;
}
