/*
 * A stand-in for a deployment pipeline, for the example backend only, so that
 * an action approved in `npm start` runs to the end: it receives Rollback
 * Guard's signed action webhook, refuses a bad signature, answers 202, and a
 * few seconds later reports the outcome through the deployment ledger, as a
 * real pipeline does (docs/action-webhooks.md). It deploys nothing.
 */

import {
  AuthService,
  coreServices,
  createBackendPlugin,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { verifyWebhookSignature } from '@rollback-guard/plugin-rollback-guard-node';
import { WebhookPayload } from '@rollback-guard/plugin-rollback-guard-common';
import express from 'express';
import Router from 'express-promise-router';

/** The generic webhook body (docs/action-webhooks.md). */
type ActionPayload = WebhookPayload;

// The state each action leaves the current deployment in.
const NEW_STATE = {
  pause: 'paused',
  resume: 'progressing',
  abort: 'aborted',
} as const;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Calls the ledger API as a service, like CI with its token. */
function ledgerClient(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return async (method: 'GET' | 'POST', path: string, body?: object) => {
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await options.auth.getOwnServiceCredentials(),
      targetPluginId: 'rollback-guard',
    });
    const response = await fetch(
      `${await options.discovery.getBaseUrl('rollback-guard')}${path}`,
      {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: body && JSON.stringify(body),
      },
    );
    if (!response.ok) {
      throw new Error(
        `${method} ${path} answered ${response.status}: ${(
          await response.text()
        ).slice(0, 200)}`,
      );
    }
    return response.json();
  };
}

async function carryOut(
  action: ActionPayload,
  ledger: ReturnType<typeof ledgerClient>,
  stepMs: number,
) {
  await sleep(stepMs);
  if (action.kind === 'roll-back' || action.kind === 'roll-forward') {
    // A new deployment of the target version, as a pipeline records it.
    const id = `example-pipeline-${action.actionId}-${action.attempt}`;
    await ledger('POST', '/ledger/deployments', {
      id,
      entityRef: action.entityRef,
      environment: action.environment,
      version: action.targetVersion,
      strategy: 'rolling',
      state: 'progressing',
      progressPercent: 50,
      startedAt: new Date().toISOString(),
      triggeredBy: action.requestedBy,
    });
    await sleep(stepMs);
    await ledger('POST', `/ledger/deployments/${id}/state`, {
      state: 'succeeded',
      message: `${action.kind} ${action.actionId}, attempt ${action.attempt}`,
    });
    return;
  }
  const rollout = (await ledger(
    'GET',
    `/rollout?${new URLSearchParams({ entityRef: action.entityRef })}`,
  )) as {
    environments: Array<{ environment: string; current?: { id: string } }>;
  };
  const current = rollout.environments.find(
    e => e.environment === action.environment,
  )?.current;
  if (!current) {
    throw new Error(`nothing is deployed to ${action.environment}`);
  }
  await ledger(
    'POST',
    `/ledger/deployments/${encodeURIComponent(current.id)}/state`,
    {
      state: NEW_STATE[action.kind],
      message: `${action.kind} ${action.actionId}, attempt ${action.attempt}`,
    },
  );
}

/**
 * `POST /api/example-pipeline/actions`: the webhook named
 * `example-pipeline` in app-config.yaml.
 */
export function createExamplePipelineRouter(options: {
  secret: string;
  stepMs: number;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
}) {
  const { secret, stepMs, logger } = options;
  const ledger = ledgerClient(options);
  const started = new Set<string>();
  const router = Router();
  router.post(
    '/actions',
    express.raw({ type: 'application/json' }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (
        !verifyWebhookSignature({
          secret,
          timestamp: req.get('X-Rollback-Guard-Timestamp') ?? '',
          body,
          signature: req.get('X-Rollback-Guard-Signature') ?? '',
        })
      ) {
        res.status(401).json({ error: 'bad or stale signature' });
        return;
      }
      const action = JSON.parse(body.toString('utf8')) as ActionPayload;
      const key = `${action.actionId}/${action.attempt}`;
      if (started.has(key)) {
        res.status(200).end();
        return;
      }
      started.add(key);
      res.status(202).end();
      carryOut(action, ledger, stepMs).then(
        () => logger.info(`example pipeline: ${action.kind} ${key} done`),
        error =>
          logger.warn(`example pipeline: ${action.kind} ${key}: ${error}`),
      );
    },
  );
  return router;
}

export const examplePipelinePlugin = createBackendPlugin({
  pluginId: 'example-pipeline',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
      },
      async init({ config, httpRouter, auth, discovery, logger }) {
        httpRouter.use(
          createExamplePipelineRouter({
            secret: config.getString('examplePipeline.secret'),
            stepMs: config.getOptionalNumber('examplePipeline.stepMs') ?? 2000,
            auth,
            discovery,
            logger,
          }),
        );
        // Rollback Guard authenticates with the signature, not a token.
        httpRouter.addAuthPolicy({
          path: '/actions',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
