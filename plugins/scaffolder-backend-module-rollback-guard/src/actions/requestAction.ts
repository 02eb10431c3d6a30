import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ACTION_KINDS,
  ActionKind,
  approvalRuleFor,
  rollbackGuardActionRequestPermission,
  rollbackGuardTabPath,
} from '@rollback-guard/plugin-rollback-guard-common';
import { environmentOf, readinessFor } from './readiness';
import { requestActionExamples } from './requestAction.examples';
import { RollbackGuardApi } from './rollbackGuardApi';

const kindEnum = ACTION_KINDS as unknown as [ActionKind, ...ActionKind[]];

/**
 * `rollback-guard:request-action`: requests a supervised action on behalf of
 * the person running the template, through the backend's `POST /actions`,
 * so the same permissions, approval policy and audit trail apply as from the
 * card. A dry run files nothing: it says whether the person may ask and who
 * would have to approve.
 *
 * @public
 */
export function createRollbackGuardRequestAction(options: {
  api: RollbackGuardApi;
  permissions: PermissionsService;
}) {
  const { api, permissions } = options;
  return createTemplateAction({
    id: 'rollback-guard:request-action',
    description:
      'Requests a supervised action (pause, resume, abort, roll back to a version, roll forward) on behalf of the user running the template, with their permissions; it waits for approval where the policy says so. A dry run files nothing.',
    examples: requestActionExamples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe('The entity, e.g. component:default/payments-api'),
        environment: z =>
          z.string().describe('The environment, e.g. production'),
        kind: z => z.enum(kindEnum).describe('What to do'),
        targetVersion: z =>
          z
            .string()
            .optional()
            .describe(
              'roll-back: the candidate to go back to; roll-forward: the version to go to',
            ),
        reason: z =>
          z
            .string()
            .min(1)
            .max(2000)
            .describe('Why: shown to approvers and kept in the audit trail'),
        overrideJustification: z =>
          z
            .string()
            .max(2000)
            .optional()
            .describe(
              'For a blocked roll-back, with the override permission: why going back anyway',
            ),
        idempotencyKey: z =>
          z
            .string()
            .max(128)
            .optional()
            .describe(
              "Default: the task's and step's ids, so a retried task never asks twice",
            ),
      },
      output: {
        id: z =>
          z.string().optional().describe('The request (not in dry runs)'),
        status: z =>
          z
            .string()
            .describe(
              'requested (waiting for approval), approved, ...; dry-run',
            ),
        risk: z => z.string(),
        requiredApprovals: z => z.number(),
        requestedBy: z => z.string(),
        entityUrl: z =>
          z.string().describe("The entity's Rollback Guard tab, to follow it"),
      },
    },
    async handler(ctx) {
      // A template leaves an optional parameter it was not given empty.
      const input = {
        ...ctx.input,
        targetVersion: ctx.input.targetVersion || undefined,
        overrideJustification: ctx.input.overrideJustification || undefined,
      };
      const credentials = api.userCredentials(
        await ctx.getInitiatorCredentials(),
        'rollback-guard:request-action',
      );
      const requestedBy = credentials.principal.userEntityRef;
      if (
        (input.kind === 'roll-back' || input.kind === 'roll-forward') &&
        !input.targetVersion
      ) {
        throw new InputError(
          `${input.kind} needs targetVersion: the version to go to`,
        );
      }
      ctx.output('requestedBy', requestedBy);
      ctx.output('entityUrl', rollbackGuardTabPath(input.entityRef));

      if (ctx.isDryRun) {
        // The same permission the backend checks, on the same entity; plus
        // the readiness and policy the request would be judged by.
        const [decision] = await permissions.authorize(
          [
            {
              permission: rollbackGuardActionRequestPermission,
              resourceRef: input.entityRef,
            },
          ],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `${requestedBy} may not request actions on ${input.entityRef}`,
          );
        }
        const [snapshot, policy] = await Promise.all([
          api.getReadiness(credentials, input.entityRef),
          api.getPolicy(credentials, input.entityRef),
        ]);
        if (policy.refusal) {
          throw new NotAllowedError(policy.refusal);
        }
        const readiness = environmentOf(snapshot, input.environment);
        const { risk } =
          input.kind === 'roll-back'
            ? readinessFor(readiness, input.targetVersion)
            : { risk: readiness.risk };
        const required = policy.approvals[approvalRuleFor(input.kind, risk)];
        ctx.logger.info(
          `Dry run: would request ${input.kind}${
            input.targetVersion ? ` to ${input.targetVersion}` : ''
          } in ${
            input.environment
          } as ${requestedBy} (${risk} risk, ${required} approval${
            required === 1 ? '' : 's'
          } needed); nothing was requested`,
        );
        ctx.output('status', 'dry-run');
        ctx.output('risk', risk);
        ctx.output('requiredApprovals', required);
        return;
      }

      const idempotencyKey =
        input.idempotencyKey ??
        `scaffolder:${ctx.task.id}:${ctx.step?.id ?? 'request-action'}`;
      const request = await api.requestAction(credentials, {
        entityRef: input.entityRef,
        environment: input.environment,
        kind: input.kind,
        targetVersion: input.targetVersion,
        reason: input.reason,
        idempotencyKey,
        ...(input.overrideJustification
          ? { override: { justification: input.overrideJustification } }
          : {}),
      });
      ctx.logger.info(
        `Requested ${request.kind}${
          request.targetVersion ? ` to ${request.targetVersion}` : ''
        } in ${request.environment} as ${request.requestedBy}: ${
          request.status
        } (${request.risk} risk, ${request.requiredApprovals} approval${
          request.requiredApprovals === 1 ? '' : 's'
        } needed)`,
      );
      ctx.output('id', request.id);
      ctx.output('status', request.status);
      ctx.output('risk', request.risk);
      ctx.output('requiredApprovals', request.requiredApprovals);
    },
  });
}
