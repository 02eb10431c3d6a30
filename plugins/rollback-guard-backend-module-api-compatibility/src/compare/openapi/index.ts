/*
 * OpenAPI: oasdiff's rules, ids and levels, in oasdiff's direction (`from`
 * is the base, `to` the revision), with these differences:
 * - deprecation and sunset dates excuse nothing. Rolling back removes what
 *   the current version has whatever it promised, so removing a deprecated
 *   endpoint is an error too (under oasdiff's `…-with-deprecation` id,
 *   which it rates `info`);
 * - added security requirements and scopes are warnings where they can
 *   refuse a consumer (see security.ts; oasdiff rates them `info`);
 * - `allOf` is merged before comparing, so there are no `…-all-of-added`/
 *   `…-removed` findings: what the parts change is reported as what it is
 *   (a new required property…); alternatives that only moved into a
 *   component are the same alternative; a change reached along several
 *   routes (a shared component, a cycle) is told once per operation body,
 *   by the shortest route;
 * - `not` is not walked into (a constraint under `not` reads backwards).
 *
 * Ids that are ours, built in oasdiff's style where oasdiff has the rule
 * for another place only: `request-body-`/`request-property-` `max-items-`
 * (`decreased`, `increased`, `set`) and `min-items-decreased`,
 * `response-body-`/`response-property-max-items-increased`,
 * `request-body-enum-value-added`, `response-body-enum-value-added`,
 * `request-body-pattern-…`, `request-parameter-property-…` beyond the
 * type/enum/nullable ones oasdiff has, `new-required-request-parameter-property`
 * and `new-optional-request-parameter-property`.
 */
import { parseStructuredDocument } from '../document';
import { SchemaComparator } from '../jsonSchema';
import { SchemaViews } from '../schemaView';
import { ApiChange } from '../types';
import { compareRequestBodies, compareResponses } from './bodies';
import { operationPair } from './context';
import { normalizeOpenApi, normalizePath } from './normalize';
import { compareParameters } from './parameters';
import { compareGlobalSecurity, compareOperationSecurity } from './security';

export function compareOpenApi(fromText: string, toText: string): ApiChange[] {
  const from = normalizeOpenApi(
    parseStructuredDocument(fromText, 'from'),
    'from',
  );
  const to = normalizeOpenApi(parseStructuredDocument(toText, 'to'), 'to');
  const schemas = new SchemaComparator(
    new SchemaViews(from.resolver),
    new SchemaViews(to.resolver),
  );
  const out: ApiChange[] = [];

  for (const [key, operation] of from.operations) {
    const next = to.operations.get(key);
    const label = `${operation.method} ${operation.path}`;
    if (!next && operation.webhook !== undefined) {
      // A webhook that went is reported once, below; one of its operations
      // that went is an operation removed.
      if (to.webhooks.has(operation.webhook)) {
        out.push({
          id: 'api-removed-without-deprecation',
          level: 'error',
          message: `${label} (webhook) was removed`,
          path: operation.path,
          operation: label,
        });
      }
      continue;
    }
    if (!next) {
      const pathGone = !to.paths.has(normalizePath(operation.path));
      const id = pathGone
        ? `api-path-removed-${
            operation.deprecated ? 'with' : 'without'
          }-deprecation`
        : `api-removed-${
            operation.deprecated ? 'with' : 'without'
          }-deprecation`;
      out.push({
        id,
        level: 'error',
        message: pathGone
          ? `${label} was removed (the path ${operation.path} is gone)`
          : `${label} was removed`,
        path: operation.path,
        operation: label,
      });
      continue;
    }
    const pair = operationPair(operation, next, schemas, out);
    compareParameters(pair);
    compareRequestBodies(pair);
    compareResponses(pair);
    compareOperationSecurity(
      {
        from: operation.security,
        to: next.security,
        fromGlobal: from.security,
        toGlobal: to.security,
        label,
      },
      pair.report,
    );
  }
  for (const [key, operation] of to.operations) {
    if (from.operations.has(key)) continue;
    if (
      operation.webhook !== undefined &&
      !from.webhooks.has(operation.webhook)
    )
      continue;
    const label = `${operation.method} ${operation.path}`;
    out.push({
      id: 'endpoint-added',
      level: 'info',
      message: `${label} was added`,
      path: operation.path,
      operation: label,
    });
  }

  compareGlobalSecurity(from.security, to.security, out);

  for (const name of from.webhooks) {
    if (!to.webhooks.has(name)) {
      out.push({
        id: 'webhook-removed',
        level: 'error',
        message: `the webhook '${name}' was removed`,
        path: name,
      });
    }
  }
  for (const name of to.webhooks) {
    if (!from.webhooks.has(name)) {
      out.push({
        id: 'webhook-added',
        level: 'info',
        message: `the webhook '${name}' was added`,
        path: name,
      });
    }
  }
  return out;
}
