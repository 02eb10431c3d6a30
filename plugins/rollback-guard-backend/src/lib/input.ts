import { InputError } from '@backstage/errors';
import {
  DEPLOYMENT_STATES,
  DEPLOYMENT_STRATEGIES,
  DeploymentState,
  DeploymentStrategy,
  ENVIRONMENT_NAME_PATTERN,
} from '@rollback-guard/plugin-rollback-guard-common';
import { z } from 'zod';

/**
 * Characters refused in anything people read back (reasons, comments,
 * versions, names): C0 and C1 controls, CR and LF included, DEL, and the
 * Unicode bidirectional overrides and isolates, which can make a text read
 * differently from what it says (CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A string of at most `max` characters, without control characters. */
export function plainText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(value => !CONTROL.test(value), {
      message:
        'must not contain control characters (line breaks, tabs, bidirectional overrides)',
    });
}

export const isoDateTime = z.string().datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time, e.g. 2026-11-23T10:00:00Z',
});
export const percent = z.number().int().min(0).max(100);
export const strategy = z.enum(
  DEPLOYMENT_STRATEGIES as [DeploymentStrategy, ...DeploymentStrategy[]],
);
export const state = z.enum(
  DEPLOYMENT_STATES as [DeploymentState, ...DeploymentState[]],
);

/** An environment name: a DNS label, e.g. `production`. */
export const environmentName = z
  .string()
  .regex(
    ENVIRONMENT_NAME_PATTERN,
    'must be lowercase letters, digits and dashes, at most 63 characters',
  );

// An issue's message never quotes what was sent: the input may be large or
// crafted. zod's enum message does ("received '...'"), so it is rewritten.
function messageOf(issue: z.ZodIssue): string {
  if (issue.code === z.ZodIssueCode.invalid_enum_value) {
    return `must be one of ${issue.options.map(o => `"${o}"`).join(', ')}`;
  }
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const keys = issue.keys.map(k =>
      k.length > 64 ? `${k.slice(0, 64)}…` : k,
    );
    return `unknown field${keys.length > 1 ? 's' : ''} ${keys
      .slice(0, 10)
      .join(', ')}${keys.length > 10 ? ', …' : ''}`;
  }
  return issue.message;
}

/**
 * Parses input at the edge; the InputError names every offending field, e.g.
 * `body.environment: must be lowercase letters...`, without echoing values.
 */
export function parseInput<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  input: unknown,
  where: string,
): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 20)
      .map(issue => `${[where, ...issue.path].join('.')}: ${messageOf(issue)}`)
      .join('; ');
    throw new InputError(`Invalid ${where}: ${issues}`);
  }
  return result.data;
}
