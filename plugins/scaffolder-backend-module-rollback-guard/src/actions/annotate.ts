import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_ACTION_WEBHOOK,
  ANNOTATION_APPROVALS,
  ANNOTATION_ARTIFACT,
  ANNOTATION_DATABASE_DIALECT,
  ANNOTATION_ENVIRONMENTS,
  ANNOTATION_MIGRATOR,
  ANNOTATION_PROVIDER,
  ANNOTATION_PROVIDER_ID,
  DATABASE_DIALECTS,
  MIGRATORS,
  validateRollbackGuardAnnotations,
} from '@rollback-guard/plugin-rollback-guard-common';
import fs from 'node:fs/promises';
import { Document, parseAllDocuments } from 'yaml';
import { annotateExamples } from './annotate.examples';

const list = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(', ') : value;

/**
 * The action's inputs by the annotation they set. Values are validated by
 * `validateRollbackGuardAnnotations` from -common, the backend's own rules.
 */
function annotationsFrom(input: {
  environments?: string | string[];
  artifact?: string;
  provider?: string | string[];
  providerId?: string;
  actionWebhook?: string;
  approvals?: string;
  databaseDialect?: string;
  migrator?: string;
}): Record<string, string> {
  const pairs: Array<[string, string | undefined]> = [
    [ANNOTATION_ENVIRONMENTS, list(input.environments)],
    [ANNOTATION_ARTIFACT, input.artifact],
    [ANNOTATION_PROVIDER, list(input.provider)],
    [ANNOTATION_PROVIDER_ID, input.providerId],
    [ANNOTATION_ACTION_WEBHOOK, input.actionWebhook],
    [ANNOTATION_APPROVALS, input.approvals],
    [ANNOTATION_DATABASE_DIALECT, input.databaseDialect],
    [ANNOTATION_MIGRATOR, input.migrator],
  ];
  // An empty value is one the template left out (an optional parameter).
  return Object.fromEntries(
    pairs.filter(
      (pair): pair is [string, string] =>
        pair[1] !== undefined && pair[1].trim() !== '',
    ),
  );
}

function isEntity(value: unknown): value is Entity {
  const entity = value as Entity | undefined;
  return (
    typeof entity?.kind === 'string' &&
    typeof entity?.metadata?.name === 'string'
  );
}

/** The document that holds the entity: by name, or the only (first Component) one. */
function findDocument(
  docs: Document[],
  file: string,
  entityName?: string,
): Document {
  const entities = docs.filter(doc => isEntity(doc.toJS()));
  const found = entityName
    ? entities.find(doc => doc.toJS().metadata.name === entityName)
    : entities.find(doc => doc.toJS().kind === 'Component') ?? entities[0];
  if (!found) {
    throw new InputError(
      entityName
        ? `${file} holds no entity named "${entityName}"; it holds ${
            entities.map(doc => `"${doc.toJS().metadata.name}"`).join(', ') ||
            'none'
          }`
        : `${file} holds no catalog entity (a document with kind and metadata.name)`,
    );
  }
  return found;
}

/**
 * `rollback-guard:annotate`: adds the Rollback Guard annotations to a
 * `catalog-info.yaml` in the workspace, or checks the ones it has, with the
 * backend's validation rules. Nothing is written when any annotation is
 * invalid.
 *
 * @public
 */
export function createRollbackGuardAnnotateAction() {
  return createTemplateAction({
    id: 'rollback-guard:annotate',
    description:
      'Adds Rollback Guard annotations (environments, artifact, provider, action webhook, database dialect, ...) to a catalog-info.yaml in the workspace, or checks the ones it has, with the same rules as the Rollback Guard backend. Writes nothing when any annotation is invalid.',
    examples: annotateExamples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe(
              'The catalog file, relative to the workspace (default: catalog-info.yaml)',
            ),
        entityName: z =>
          z
            .string()
            .optional()
            .describe(
              'The entity to annotate when the file holds several (default: the first Component)',
            ),
        check: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Only check the annotations the file already has; fail when it has none or any is invalid',
            ),
        environments: z =>
          z
            .union([z.string(), z.array(z.string())])
            .optional()
            .describe(
              'rollback-guard/environments: in promotion order, e.g. [staging, production]',
            ),
        artifact: z =>
          z
            .string()
            .optional()
            .describe(
              'rollback-guard/artifact: the OCI repository, without tag or digest',
            ),
        provider: z =>
          z
            .union([z.string(), z.array(z.string())])
            .optional()
            .describe(
              'rollback-guard/provider: where deployments are read from (default: the backend\'s, "ledger")',
            ),
        providerId: z =>
          z
            .string()
            .optional()
            .describe('rollback-guard/provider-id: the name the provider uses'),
        actionWebhook: z =>
          z
            .string()
            .optional()
            .describe(
              'rollback-guard/action-webhook: the name of a webhook in rollbackGuard.actions.webhooks (never a URL)',
            ),
        approvals: z =>
          z
            .string()
            .optional()
            .describe(
              'rollback-guard/approvals: e.g. "roll-back.medium=2, resume=2"',
            ),
        databaseDialect: z =>
          z
            .enum(DATABASE_DIALECTS as unknown as [string, ...string[]])
            .optional()
            .describe('rollback-guard/database-dialect'),
        migrator: z =>
          z
            .enum(MIGRATORS as unknown as [string, ...string[]])
            .optional()
            .describe('rollback-guard/migrator: the tool applying migrations'),
      },
      output: {
        entityRef: z => z.string().describe('The annotated entity'),
        annotations: z =>
          z
            .record(z.string())
            .describe('The Rollback Guard annotations the entity now has'),
      },
    },
    async handler(ctx) {
      // The scaffolder validates input by its JSON schema: zod defaults do
      // not apply, so they are applied here.
      const input = {
        ...ctx.input,
        path: ctx.input.path ?? 'catalog-info.yaml',
        check: ctx.input.check ?? false,
      };
      const file = resolveSafeChildPath(ctx.workspacePath, input.path);
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch {
        throw new InputError(
          `There is no ${input.path} in the workspace; fetch the skeleton that holds it first`,
        );
      }
      const docs = parseAllDocuments(text);
      if (!Array.isArray(docs)) {
        throw new InputError(`${input.path} is not YAML`);
      }
      const broken = docs.find(doc => doc.errors.length > 0);
      if (broken) {
        throw new InputError(
          `${input.path} is not valid YAML: ${broken.errors[0].message}`,
        );
      }
      const doc = findDocument(docs, input.path, input.entityName);
      const wanted = annotationsFrom(input);
      if (input.check && Object.keys(wanted).length > 0) {
        throw new InputError(
          'check: true only checks the file; give no annotation values with it',
        );
      }
      for (const [key, value] of Object.entries(wanted)) {
        doc.setIn(['metadata', 'annotations', key], value);
      }

      const entity = doc.toJS() as Entity;
      const statuses = validateRollbackGuardAnnotations(entity);
      if (statuses.length === 0) {
        throw new InputError(
          `${stringifyEntityRef(entity)} in ${
            input.path
          } has no Rollback Guard annotations; it needs at least ${ANNOTATION_ENVIRONMENTS}`,
        );
      }
      const invalid = statuses.filter(status => !status.valid);
      if (invalid.length > 0) {
        throw new InputError(
          `${input.path} was left unchanged: ${invalid
            .map(status => status.message)
            .join('; ')}`,
        );
      }
      const annotations = Object.fromEntries(
        statuses.map(status => [status.name, status.value]),
      );
      if (!input.check) {
        await fs.writeFile(
          file,
          docs.length === 1
            ? String(docs[0])
            : docs.map(d => String(d).replace(/^---\n/, '')).join('---\n'),
        );
        ctx.logger.info(
          `Annotated ${stringifyEntityRef(entity)} in ${
            input.path
          }: ${Object.keys(wanted).join(', ')}`,
        );
      } else {
        ctx.logger.info(
          `${stringifyEntityRef(entity)} in ${input.path}: ${
            statuses.length
          } Rollback Guard annotations, all valid`,
        );
      }
      ctx.output('entityRef', stringifyEntityRef(entity));
      ctx.output('annotations', annotations);
    },
  });
}
