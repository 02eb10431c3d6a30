import {
  BackstageCredentials,
  BackstageServicePrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { LedgerService } from '../ledger/LedgerService';
import {
  ACTION_KINDS,
  ActionKind,
} from '@rollback-guard/plugin-rollback-guard-common';
import {
  deploymentId,
  recordDeploymentBody,
  stateChangeBody,
} from '../ledger/schemas';
import { environmentName, parseInput, plainText } from '../lib/input';
import { ActionService, RateLimitedError } from '../actions/ActionService';
import { ReadinessService } from '../readiness/ReadinessService';
import { RolloutService } from './RolloutService';
import { SummaryService } from './SummaryService';

const entityRefField = z
  .string({
    required_error: 'is required, e.g. component:default/payments-api',
  })
  .min(1, 'is required, e.g. component:default/payments-api')
  .max(512, 'must be at most 512 characters');

const entityQuery = z.object({ entityRef: entityRefField });

const actionKind = z.enum(ACTION_KINDS as [ActionKind, ...ActionKind[]]);

const actionRequestBody = z
  .object({
    entityRef: entityRefField,
    environment: environmentName,
    kind: actionKind,
    targetVersion: plainText(128).pipe(z.string().min(1)).optional(),
    reason: plainText(2000).pipe(
      z.string().trim().min(1, 'is required: say why'),
    ),
    idempotencyKey: plainText(128).pipe(z.string().min(1)),
    override: z
      .object({
        justification: plainText(2000).pipe(z.string().trim().min(1)),
      })
      .strict()
      .optional(),
  })
  .strict();

const decisionBody = z
  .object({
    entityRef: entityRefField,
    environment: environmentName,
    kind: actionKind,
    comment: plainText(2000).optional(),
  })
  .strict();

const retryBody = decisionBody
  .extend({
    /**
     * The last attempt may have reached the target (it timed out or the
     * connection broke after sending): the person retrying says they
     * checked that it did not run.
     */
    confirmMayHaveRun: z.boolean().optional(),
  })
  .strict();

const historyQuery = entityQuery.extend({
  environment: environmentName.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
});

/** The body limit of every route but the ledger's. */
const SMALL_BODY_LIMIT = '64kb';

/** 403 unless the service is one configuration lets write the ledger. */
function assertLedgerWriter(
  credentials: BackstageCredentials<BackstageServicePrincipal>,
  writers: string[] | undefined,
) {
  const { subject } = credentials.principal;
  if (writers && !writers.includes(subject)) {
    throw new NotAllowedError(
      `${subject} may not write the Rollback Guard ledger; list it in rollbackGuard.ledger.writers`,
    );
  }
}

/**
 * The HTTP API under /api/rollback-guard, documented in
 * src/schema/openapi.yaml. Kept thin: authenticate, parse, delegate.
 *
 * @internal
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  summaryService: SummaryService;
  rolloutService: RolloutService;
  ledgerService: LedgerService;
  readinessService: ReadinessService;
  actionService: ActionService;
  /** Ledger bodies (with their evidence) larger than this are refused with 413. */
  maxBodyBytes: number;
  /**
   * The service subjects that may write the ledger, e.g. `example-ci`;
   * undefined lets every service principal write.
   */
  ledgerWriters?: string[];
}): Promise<express.Router> {
  const {
    httpAuth,
    summaryService,
    rolloutService,
    ledgerService,
    readinessService,
    actionService,
  } = options;
  const router = Router();
  // Each route reads at most what it needs: only the ledger takes evidence.
  const small = express.json({ limit: SMALL_BODY_LIMIT });
  const large = express.json({ limit: options.maxBodyBytes });

  const ledgerWriter = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    assertLedgerWriter(credentials, options.ledgerWriters);
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.query, 'query');
    res.json(await summaryService.getSummary(entityRef, credentials));
  });

  router.get('/rollout', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.query, 'query');
    res.json(await rolloutService.getRolloutStatus(entityRef, credentials));
  });

  router.get('/deployments', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef, ...page } = parseInput(historyQuery, req.query, 'query');
    res.json(await rolloutService.getHistory(entityRef, page, credentials));
  });

  router.get('/readiness', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.query, 'query');
    res.json(await readinessService.getSnapshot(entityRef, credentials));
  });

  router.post('/readiness/refresh', small, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.body, 'body');
    res.json(await readinessService.refresh(entityRef, credentials));
  });

  // Actions are people's decisions: only user principals.
  router.post('/actions', small, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(actionRequestBody, req.body, 'body');
    try {
      const { action, created } = await actionService.request(
        body,
        credentials,
      );
      res.status(created ? 201 : 200).json(action);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
  });

  router.get('/actions', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.query, 'query');
    res.json({ items: await actionService.list(entityRef, credentials) });
  });

  router.get('/actions/policy', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.query, 'query');
    res.json(await actionService.policy(entityRef, credentials));
  });

  // The approvals view: what waits for a decision, across entities.
  router.get('/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await actionService.pendingApprovals(credentials) });
  });

  router.get('/actions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await actionService.detail(req.params.id, credentials));
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/actions/:id/${decision}`, small, async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parseInput(decisionBody, req.body, 'body');
      res.json(
        await actionService.decide(
          req.params.id,
          { ...body, decision },
          credentials,
        ),
      );
    });
  }

  // A new, audited attempt at a failed execution; never automatic.
  router.post('/actions/:id/retry', small, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, environment, kind, comment, confirmMayHaveRun } =
      parseInput(retryBody, req.body, 'body');
    res.json(
      await actionService.retry(
        req.params.id,
        { entityRef, environment, kind, comment, confirmMayHaveRun },
        credentials,
      ),
    );
  });

  router.get('/audit', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.query, 'query');
    res.json({ items: await actionService.auditTrail(entityRef, credentials) });
  });

  // The ledger is written by CI, which authenticates as a service (an
  // external access token); people cannot write it.
  router.post('/ledger/deployments', large, async (req, res) => {
    await ledgerWriter(req);
    const body = parseInput(recordDeploymentBody, req.body, 'body');
    const { deployment, created } = await ledgerService.recordDeployment(body);
    res.status(created ? 201 : 200).json(deployment);
  });

  router.post('/ledger/deployments/:id/state', small, async (req, res) => {
    await ledgerWriter(req);
    const id = parseInput(deploymentId, req.params.id, 'path.id');
    const body = parseInput(stateChangeBody, req.body, 'body');
    res.json(await ledgerService.changeState(id, body));
  });

  return router;
}
