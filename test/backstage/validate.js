// Copyright 2026 The roadmap-operator Authors.
// SPDX-License-Identifier: Apache-2.0
//
// Reads a catalog-info.yaml (one or more YAML documents) on standard input and checks every entity as the
// Backstage catalog does when it reads a Location, with Backstage's own code (@backstage/catalog-model):
//
//   1. the catalog's default entity policies, in the order the catalog backend applies them
//      (DefaultNamespaceEntityPolicy, NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy,
//      SchemaValidEntityPolicy): envelope, metadata.name / namespace / annotation / tag / link formats;
//   2. the kind validators of the built-in kinds (the JSON schema of Component, Resource, System, Domain...),
//      of which exactly one must claim the entity;
//   3. every entity reference in spec (owner, system, domain, subdomainOf, subcomponentOf, dependsOn,
//      dependencyOf) parsed with parseEntityRef and the defaults the catalog's built-in processor uses, and the
//      parsed kind, namespace and name checked with the same format rules;
//   4. no two entities with the same kind, namespace and name (the catalog would keep only one).
//
// It prints one JSON object, {"accepted": [entity refs], "rejected": [{"entity", "document", "error"}]}, and
// exits 1 when anything is rejected (2 when the input is not YAML at all).

'use strict';

const fs = require('fs');
const YAML = require('yaml');
const {
  EntityPolicies,
  DefaultNamespaceEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  FieldFormatEntityPolicy,
  SchemaValidEntityPolicy,
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} = require('@backstage/catalog-model');

const policies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];

// The reference fields of spec, with the kind the catalog's built-in processor assumes when a reference names
// none (undefined: the reference must name its kind).
const referenceFields = {
  owner: 'Group',
  system: 'System',
  domain: 'Domain',
  subdomainOf: 'Domain',
  subcomponentOf: 'Component',
  dependsOn: undefined,
  dependencyOf: undefined,
};

function checkReference(entity, field, ref, defaultKind) {
  let parsed;
  try {
    parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: entity.metadata.namespace });
  } catch (e) {
    throw new Error(`spec.${field}: ${e.message}`);
  }
  if (!KubernetesValidatorFunctions.isValidKind(parsed.kind)) {
    throw new Error(`spec.${field}: "${ref}" has an invalid kind "${parsed.kind}"`);
  }
  if (!KubernetesValidatorFunctions.isValidNamespace(parsed.namespace)) {
    throw new Error(`spec.${field}: "${ref}" has an invalid namespace "${parsed.namespace}"`);
  }
  if (!KubernetesValidatorFunctions.isValidObjectName(parsed.name)) {
    throw new Error(`spec.${field}: "${ref}" has an invalid name "${parsed.name}"`);
  }
}

async function validate(entity) {
  if (entity === null || typeof entity !== 'object' || Array.isArray(entity)) {
    throw new Error('the document is not an object');
  }
  const out = await policies.enforce(entity);
  const claimed = [];
  for (const v of kindValidators) {
    if (await v.check(out)) {
      claimed.push(v);
    }
  }
  if (claimed.length !== 1) {
    throw new Error(`${claimed.length} kind validators accept the entity, want exactly 1`);
  }
  for (const [field, defaultKind] of Object.entries(referenceFields)) {
    const value = out.spec?.[field];
    if (value === undefined) {
      continue;
    }
    for (const ref of Array.isArray(value) ? value : [value]) {
      checkReference(out, field, ref, defaultKind);
    }
  }
  return out;
}

function describe(entity) {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return JSON.stringify(entity?.metadata?.name ?? null);
  }
}

async function main() {
  const input = fs.readFileSync(0, 'utf8');
  const documents = YAML.parseAllDocuments(input);
  const result = { accepted: [], rejected: [] };
  const seen = new Map();
  for (let i = 0; i < documents.length; i++) {
    const doc = documents[i];
    if (doc.errors.length > 0) {
      result.rejected.push({ entity: null, document: i, error: `YAML: ${doc.errors[0].message}` });
      continue;
    }
    const entity = doc.toJS();
    if (entity === null) {
      continue; // an empty document (a comment, a trailing ---)
    }
    try {
      const out = await validate(entity);
      const ref = stringifyEntityRef(out);
      if (seen.has(ref)) {
        throw new Error(`the same entity as document ${seen.get(ref)}: the catalog would keep only one`);
      }
      seen.set(ref, i);
      result.accepted.push(ref);
    } catch (e) {
      result.rejected.push({ entity: describe(entity), document: i, error: e.message });
    }
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exitCode = result.rejected.length > 0 ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`validate.js: ${e.stack || e}\n`);
  process.exitCode = 2;
});
