/*
 * Request parameters (path, query, header, cookie), oasdiff's
 * `request-parameter-…` rules. A parameter is matched by where it goes and
 * its name; path parameters by their position in the path.
 */
import { propertyName, SchemaFinding } from '../jsonSchema';
import { ApiChangeLevel } from '../types';
import { OperationPair } from './context';
import { Parameter } from './normalize';

/**
 * Level of a finding about a parameter's own schema. They follow the
 * request rules, except that oasdiff rates a changed default of a parameter
 * an error: a consumer that leaves the parameter out gets another behaviour.
 */
function parameterLevel(finding: SchemaFinding): ApiChangeLevel {
  if (finding.kind.startsWith('default-value-')) return 'error';
  return finding.level;
}

/**
 * For a property inside an object parameter oasdiff rates a type change a
 * warning (`request-parameter-property-type-changed`): how such parameters
 * are serialised is loosely defined.
 */
function parameterPropertyLevel(finding: SchemaFinding): ApiChangeLevel {
  if (finding.kind === 'type-changed') return 'warning';
  return finding.level;
}

/**
 * The id of a finding inside an object parameter. oasdiff names three for
 * header parameters; the others are ours, in the style of the body rules.
 */
function nestedParameterId(
  parameter: Parameter,
  finding: SchemaFinding,
): string {
  if (parameter.in === 'header') {
    if (finding.kind === 'became-enum')
      return 'request-header-property-became-enum';
    if (finding.kind.startsWith('property-became-required'))
      return 'request-header-property-became-required';
    if (finding.kind.startsWith('property-added-required'))
      return 'new-required-request-header-property';
  }
  if (finding.kind.startsWith('property-added-required'))
    return 'new-required-request-parameter-property';
  if (finding.kind === 'property-added-optional')
    return 'new-optional-request-parameter-property';
  return `request-parameter-property-${finding.kind.replace(
    /^property-became-/,
    'became-',
  )}`;
}

function describe(parameter: Parameter) {
  return `the ${parameter.in} request parameter '${parameter.name}'`;
}

export function compareParameters(pair: OperationPair) {
  const { from, to, label } = pair;
  for (const [key, before] of from.parameters) {
    const after = to.parameters.get(key);
    if (!after) {
      // A consumer still sending it is usually ignored, but some services
      // refuse unknown parameters: oasdiff's warning.
      pair.report(
        'request-parameter-removed',
        'warning',
        `${describe(before)} of ${label} was removed`,
      );
      continue;
    }
    if (!before.required && after.required) {
      pair.report(
        'request-parameter-became-required',
        'error',
        `${describe(before)} of ${label} became required`,
      );
    } else if (before.required && !after.required) {
      pair.report(
        'request-parameter-became-optional',
        'info',
        `${describe(before)} of ${label} became optional`,
      );
    }
    const findings = pair.schemas.compare(before.schema, after.schema, {
      direction: 'request',
      // Parameters travel as text unless sent as JSON content.
      stronglyTyped: before.json && after.json,
    });
    for (const finding of findings) {
      if (finding.path.length === 0) {
        // A parameter is text, so a change to `string` widens it: oasdiff
        // calls that generalized, not compatible.
        const kind =
          finding.kind === 'type-compatible'
            ? 'type-generalized'
            : finding.kind;
        pair.report(
          `request-parameter-${kind}`,
          parameterLevel(finding),
          `${describe(before)} of ${label} ${finding.detail}`,
        );
      } else {
        pair.report(
          nestedParameterId(before, finding),
          parameterPropertyLevel(finding),
          `the property '${propertyName(finding)}' of ${describe(
            before,
          )} of ${label} ${finding.detail}`,
        );
      }
    }
  }
  for (const [key, after] of to.parameters) {
    if (from.parameters.has(key)) continue;
    if (after.in === 'path') {
      pair.report(
        'new-request-path-parameter',
        'error',
        `${describe(after)} was added to ${label}`,
      );
    } else if (after.pathLevel) {
      // Added for all the path's operations at once.
      pair.report(
        `new-${
          after.required ? 'required' : 'optional'
        }-request-default-parameter-to-existing-path`,
        after.required ? 'error' : 'info',
        `${describe(after)} was added to ${label}${
          after.required ? ' as required' : ''
        } (for the whole path)`,
      );
    } else if (after.required) {
      pair.report(
        'new-required-request-parameter',
        'error',
        `${describe(after)} was added to ${label} as required`,
      );
    } else {
      pair.report(
        'new-optional-request-parameter',
        'info',
        `${describe(after)} was added to ${label}`,
      );
    }
  }
}
