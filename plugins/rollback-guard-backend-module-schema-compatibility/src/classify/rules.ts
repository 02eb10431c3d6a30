/**
 * The rules: squawk's names where squawk has the rule, Atlas's analyzer codes
 * where Atlas has one. Status and blocking are defaults; a finding may soften
 * them (e.g. a view standing in for a renamed table).
 */
import { SchemaFinding } from './types';

/** @internal */
export type RuleDefinition = {
  status: SchemaFinding['status'];
  blocking?: boolean;
  atlas?: string;
};

/** @internal */
export const RULES = {
  // The candidate's queries name something that is gone.
  'ban-drop-table': { status: 'fail', blocking: true, atlas: 'DS102' },
  'ban-drop-column': { status: 'fail', blocking: true, atlas: 'DS103' },
  'renaming-table': { status: 'fail', blocking: true, atlas: 'BC101' },
  'renaming-column': { status: 'fail', blocking: true, atlas: 'BC102' },
  'ban-drop-schema': { status: 'fail', blocking: true, atlas: 'DS101' },
  'renaming-schema': { status: 'fail', blocking: true },
  'renaming-enum-value': { status: 'fail', blocking: true },
  'ban-drop-enum-value': { status: 'fail', blocking: true },
  // The candidate's writes fail, depending on what they write.
  'adding-required-field': { status: 'fail', atlas: 'MF103' },
  'adding-not-nullable-field': { status: 'fail', atlas: 'MF104' },
  'changing-column-type': { status: 'fail' },
  'ban-drop-default': { status: 'fail' },
  'ban-alter-identity': { status: 'fail' },
  // Data-dependent: the candidate may meet rejections or values it never saw.
  'adding-unique-constraint': { status: 'warn', atlas: 'MF101' },
  'adding-check-constraint': { status: 'warn' },
  'adding-foreign-key-constraint': { status: 'warn' },
  'ban-drop-not-null': { status: 'warn' },
  'adding-enum-value': { status: 'warn' },
  'data-change': { status: 'warn' },
  'ban-drop-constraint': { status: 'warn' },
  'ban-drop-sequence': { status: 'warn' },
  'ban-drop-type': { status: 'warn' },
  'renaming-type': { status: 'warn' },
  'row-level-security': { status: 'warn' },
  // Additive changes the candidate does not notice.
  'adding-table': { status: 'pass' },
  'adding-nullable-field': { status: 'pass' },
  'adding-field-with-default': { status: 'pass' },
  'adding-index': { status: 'pass' },
  'dropping-index': { status: 'pass' },
  'adding-sequence': { status: 'pass' },
  'adding-view': { status: 'pass' },
  'adding-type': { status: 'pass' },
  'adding-schema': { status: 'pass' },
  // Not understood: never a pass.
  'unparsed-statement': { status: 'unknown' },
  'unsupported-statement': { status: 'unknown' },
} as const satisfies Record<string, RuleDefinition>;

/** @internal */
export type RuleName = keyof typeof RULES;

/**
 * Builds a finding with the rule's defaults; `overrides` soften or harden it.
 *
 * @internal
 */
export function makeFinding(
  rule: RuleName,
  where: { migration: string; statement?: string },
  message: string,
  object?: string,
  overrides?: Partial<Pick<SchemaFinding, 'status' | 'blocking'>>,
): SchemaFinding {
  const def: RuleDefinition = RULES[rule];
  const status = overrides?.status ?? def.status;
  // A softened status drops the rule's blocking unless told otherwise.
  let blocking = status === def.status ? def.blocking : undefined;
  if (overrides && 'blocking' in overrides) blocking = overrides.blocking;
  const finding: SchemaFinding = {
    rule,
    status,
    migration: where.migration,
    message,
  };
  if (blocking) finding.blocking = true;
  if (where.statement !== undefined) finding.statement = where.statement;
  if (def.atlas && status !== 'pass') finding.atlas = def.atlas;
  if (object !== undefined) finding.object = object;
  return finding;
}
