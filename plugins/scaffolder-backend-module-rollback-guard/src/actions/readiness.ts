import { InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EnvironmentReadiness,
  ReadinessSnapshot,
  Risk,
  RISKS,
} from '@rollback-guard/plugin-rollback-guard-common';
import { readinessExamples } from './readiness.examples';
import { RollbackGuardApi } from './rollbackGuardApi';

const riskEnum = RISKS as unknown as [Risk, ...Risk[]];

/** The environment's readiness, or an error that names the ones there are. */
export function environmentOf(
  snapshot: ReadinessSnapshot,
  environment: string,
): EnvironmentReadiness {
  const found = snapshot.environments.find(e => e.environment === environment);
  if (!found) {
    const known = snapshot.environments.map(e => e.environment);
    throw new InputError(
      `${snapshot.entityRef} has no deployment in "${environment}"; ${
        known.length
          ? `its environments with deployments are ${known.join(', ')}`
          : 'it has no recorded deployment yet'
      }`,
    );
  }
  return found;
}

/**
 * The risk of going back to one candidate version (or to the best one), with
 * its reasons; an error naming the candidates when the version is none.
 */
export function readinessFor(
  readiness: EnvironmentReadiness,
  candidate?: string,
): { risk: Risk; reasons: string[]; candidateVersion?: string } {
  if (!candidate) {
    const best = readiness.candidates.find(c => c.risk === readiness.risk);
    return {
      risk: readiness.risk,
      reasons: readiness.reasons,
      candidateVersion: best?.candidate.version,
    };
  }
  const found = readiness.candidates.find(
    c => c.candidate.version === candidate,
  );
  if (!found) {
    const versions = readiness.candidates.map(c => c.candidate.version);
    throw new InputError(
      `${candidate} is not a candidate in ${readiness.environment}; ${
        versions.length
          ? `the candidates are ${versions.join(', ')}`
          : 'there is no successful earlier deployment to go back to'
      }`,
    );
  }
  return {
    risk: found.risk,
    reasons: found.reasons,
    candidateVersion: candidate,
  };
}

/**
 * `rollback-guard:readiness`: an entity's rollback readiness in one
 * environment, read as the person running the template.
 *
 * @public
 */
export function createRollbackGuardReadinessAction(options: {
  api: RollbackGuardApi;
}) {
  const { api } = options;
  return createTemplateAction({
    id: 'rollback-guard:readiness',
    description:
      "Reads an entity's rollback readiness in one environment (as the user running the template): the risk of going back, the recommendation and the reasons, for templates that report or gate.",
    examples: readinessExamples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe('The entity, e.g. component:default/payments-api'),
        environment: z =>
          z.string().describe('The environment, e.g. production'),
        candidate: z =>
          z
            .string()
            .optional()
            .describe('The version to go back to; default: the best candidate'),
        refresh: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Run the checks again now instead of reading the stored snapshot (not in dry runs)',
            ),
        failOn: z =>
          z
            .enum(riskEnum)
            .optional()
            .describe('Fail the step when the risk is this or worse'),
      },
      output: {
        risk: z => z.enum(riskEnum),
        reasons: z => z.array(z.string()),
        recommendation: z =>
          z
            .string()
            .describe(
              'roll-back, roll-forward, pause, fail-back or do-nothing',
            ),
        recommendationReason: z => z.string(),
        currentVersion: z => z.string().optional(),
        candidateVersion: z => z.string().optional(),
        candidates: z =>
          z
            .array(
              z.object({
                version: z.string(),
                risk: z.enum(riskEnum),
                reasons: z.array(z.string()),
              }),
            )
            .describe('Every candidate, newest first'),
        computedAt: z => z.string(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const credentials = api.userCredentials(
        await ctx.getInitiatorCredentials(),
        'rollback-guard:readiness',
      );
      const refresh = input.refresh === true && !ctx.isDryRun;
      const snapshot = refresh
        ? await api.refreshReadiness(credentials, input.entityRef)
        : await api.getReadiness(credentials, input.entityRef);
      const readiness = environmentOf(snapshot, input.environment);
      const chosen = readinessFor(readiness, input.candidate);

      ctx.logger.info(
        `Going back in ${input.environment}${
          chosen.candidateVersion ? ` to ${chosen.candidateVersion}` : ''
        }: ${chosen.risk} risk. ${chosen.reasons.join('; ')}`,
      );
      ctx.output('risk', chosen.risk);
      ctx.output('reasons', chosen.reasons);
      ctx.output('recommendation', readiness.recommendation.action);
      ctx.output('recommendationReason', readiness.recommendation.reason);
      if (readiness.current) {
        ctx.output('currentVersion', readiness.current.version);
      }
      if (chosen.candidateVersion) {
        ctx.output('candidateVersion', chosen.candidateVersion);
      }
      ctx.output(
        'candidates',
        readiness.candidates.map(c => ({
          version: c.candidate.version,
          risk: c.risk,
          reasons: c.reasons,
        })),
      );
      ctx.output('computedAt', snapshot.computedAt);

      if (
        input.failOn &&
        RISKS.indexOf(chosen.risk) >= RISKS.indexOf(input.failOn)
      ) {
        throw new NotAllowedError(
          `Going back in ${input.environment}${
            chosen.candidateVersion ? ` to ${chosen.candidateVersion}` : ''
          } is ${chosen.risk} risk (failOn: ${
            input.failOn
          }): ${chosen.reasons.join('; ')}`,
        );
      }
    },
  });
}
