/*
 * Request bodies, responses, their media types and headers: oasdiff's
 * `request-body-…`, `request-property-…`, `response-…` rules.
 */
import { JsonValue } from '../document';
import {
  bodyRuleId,
  propertyName,
  SchemaDirection,
  SchemaFinding,
} from '../jsonSchema';
import { ApiChangeLevel } from '../types';
import { OperationPair } from './context';
import { isJson, MediaTypes } from './normalize';

const baseMediaType = (mediaType: string) => mediaType.split(';')[0].trim();

/**
 * Pairs the media types of two versions: the same name, else the same type
 * without parameters (`application/json; charset=utf-8` is
 * `application/json`).
 */
export function pairMediaTypes(from: MediaTypes, to: MediaTypes) {
  const pairs: Array<[string, string]> = [];
  const removed: string[] = [];
  const unmatchedTo = new Set(to.keys());
  const later: string[] = [];
  for (const mediaType of from.keys()) {
    if (unmatchedTo.has(mediaType)) {
      pairs.push([mediaType, mediaType]);
      unmatchedTo.delete(mediaType);
    } else {
      later.push(mediaType);
    }
  }
  for (const mediaType of later) {
    const partner = [...unmatchedTo].find(
      m => baseMediaType(m) === baseMediaType(mediaType),
    );
    if (partner) {
      pairs.push([mediaType, partner]);
      unmatchedTo.delete(partner);
    } else {
      removed.push(mediaType);
    }
  }
  return { pairs, removed, added: [...unmatchedTo] };
}

type Where = { direction: SchemaDirection; status?: string };

/**
 * Compares the schemas of paired media types, and reports each finding
 * once even when several media types share the schema (Swagger's
 * `produces: [json, xml]`), naming them all.
 */
function compareContent(
  pair: OperationPair,
  from: MediaTypes,
  to: MediaTypes,
  pairs: Array<[string, string]>,
  where: Where,
) {
  const { direction, status } = where;
  const grouped = new Map<
    string,
    { id: string; finding: SchemaFinding; mediaTypes: string[] }
  >();
  for (const [fromType, toType] of pairs) {
    const before = from.get(fromType);
    const after = to.get(toType);
    if (before === undefined && after === undefined) continue;
    if (before === undefined || after === undefined) {
      // A schema appearing or disappearing: oasdiff's media-type-schema
      // rules. A request schema appearing constrains what was free.
      const added = before === undefined;
      const id = `${direction}-body-media-type-schema-${
        added ? 'added' : 'removed'
      }`;
      let level: ApiChangeLevel = 'info';
      if (direction === 'request' && added) level = 'error';
      if (direction === 'response' && !added) level = 'warning';
      pair.report(
        id,
        level,
        `the ${direction} body schema of ${pair.label} was ${
          added ? 'added' : 'removed'
        } (${status ? `${status} response, ` : ''}${fromType})`,
      );
      continue;
    }
    const findings = pair.schemas.compare(
      before as JsonValue,
      after as JsonValue,
      {
        direction,
        stronglyTyped: isJson(fromType) && isJson(toType),
      },
    );
    for (const finding of findings) {
      const id = bodyRuleId(direction, finding);
      const key = `${id}|${finding.path.join('/')}|${finding.detail}`;
      const existing = grouped.get(key);
      if (existing) existing.mediaTypes.push(fromType);
      else grouped.set(key, { id, finding, mediaTypes: [fromType] });
    }
  }
  for (const { id, finding, mediaTypes } of grouped.values()) {
    const subject =
      finding.path.length === 0
        ? `the ${direction} body of ${pair.label}`
        : `the ${direction} property '${propertyName(finding)}' of ${
            pair.label
          }`;
    const suffix = `${status ? `${status} response, ` : ''}${mediaTypes.join(
      ', ',
    )}`;
    pair.report(id, finding.level, `${subject} ${finding.detail} (${suffix})`);
  }
}

export function compareRequestBodies(pair: OperationPair) {
  const before = pair.from.requestBody;
  const after = pair.to.requestBody;
  const label = pair.label;
  if (!before && !after) return;
  if (!before && after) {
    if (after.required) {
      pair.report(
        'request-body-added-required',
        'error',
        `a required request body was added to ${label}`,
      );
    } else {
      pair.report(
        'request-body-added-optional',
        'info',
        `an optional request body was added to ${label}`,
      );
    }
    return;
  }
  if (before && !after) {
    pair.report(
      'request-body-removed',
      'error',
      `the request body of ${label} was removed`,
    );
    return;
  }
  if (!before || !after) return;
  // A form's requiredness follows its fields', which the property rules
  // report one by one.
  if (!(before.form && after.form)) {
    if (!before.required && after.required) {
      pair.report(
        'request-body-became-required',
        'error',
        `the request body of ${label} became required`,
      );
    } else if (before.required && !after.required) {
      pair.report(
        'request-body-became-optional',
        'info',
        `the request body of ${label} became optional`,
      );
    }
  }
  const { pairs, removed, added } = pairMediaTypes(
    before.content,
    after.content,
  );
  for (const mediaType of removed) {
    pair.report(
      'request-body-media-type-removed',
      'error',
      `the request media type '${mediaType}' of ${label} was removed`,
    );
  }
  for (const mediaType of added) {
    pair.report(
      'request-body-media-type-added',
      'info',
      `the request media type '${mediaType}' was added to ${label}`,
    );
  }
  compareContent(pair, before.content, after.content, pairs, {
    direction: 'request',
  });
}

const isSuccess = (status: string) => /^2\d\d$/.test(status);

export function compareResponses(pair: OperationPair) {
  const { from, to, label } = pair;
  for (const [status, before] of from.responses) {
    const after = to.responses.get(status);
    if (!after) {
      // Like oasdiff, only numbered statuses count; `default` and `2XX` are
      // catch-alls.
      if (/^\d+$/.test(status)) {
        if (isSuccess(status)) {
          pair.report(
            'response-success-status-removed',
            'error',
            `the ${status} response of ${label} was removed`,
          );
        } else {
          pair.report(
            'response-non-success-status-removed',
            'info',
            `the ${status} response of ${label} was removed`,
          );
        }
      }
      continue;
    }

    for (const [name, header] of before.headers) {
      const next = after.headers.get(name);
      if (!next) {
        if (header.required) {
          pair.report(
            'required-response-header-removed',
            'error',
            `the required response header '${header.name}' of ${label} was removed (${status} response)`,
          );
        } else {
          pair.report(
            'optional-response-header-removed',
            'warning',
            `the optional response header '${header.name}' of ${label} was removed (${status} response)`,
          );
        }
        continue;
      }
      if (header.required && !next.required) {
        pair.report(
          'response-header-became-optional',
          'error',
          `the response header '${header.name}' of ${label} became optional (${status} response)`,
        );
      }
      const findings = pair.schemas.compare(header.schema, next.schema, {
        direction: 'response',
        stronglyTyped: false,
      });
      for (const finding of findings) {
        // oasdiff judges a header's own type and nullability only.
        if (finding.path.length > 0) continue;
        if (!/^(type-|became-)/.test(finding.kind)) continue;
        pair.report(
          `response-header-${finding.kind}`,
          finding.level,
          `the response header '${header.name}' of ${label} ${finding.detail} (${status} response)`,
        );
      }
    }
    for (const [name, header] of after.headers) {
      if (before.headers.has(name)) continue;
      pair.report(
        'response-header-added',
        'info',
        `the response header '${header.name}' was added to ${label} (${status} response)`,
      );
    }

    const { pairs, removed, added } = pairMediaTypes(
      before.content,
      after.content,
    );
    for (const mediaType of removed) {
      pair.report(
        'response-media-type-removed',
        'error',
        `the response media type '${mediaType}' of ${label} was removed (${status} response)`,
      );
    }
    for (const mediaType of added) {
      pair.report(
        'response-media-type-added',
        'info',
        `the response media type '${mediaType}' was added to ${label} (${status} response)`,
      );
    }
    compareContent(pair, before.content, after.content, pairs, {
      direction: 'response',
      status,
    });
  }
  for (const status of to.responses.keys()) {
    if (from.responses.has(status) || !/^\d+$/.test(status)) continue;
    pair.report(
      isSuccess(status)
        ? 'response-success-status-added'
        : 'response-non-success-status-added',
      'info',
      `the ${status} response was added to ${label}`,
    );
  }
}
