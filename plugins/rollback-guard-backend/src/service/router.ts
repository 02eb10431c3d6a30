import { HttpAuthService } from '@backstage/backend-plugin-api';
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
  parseInput,
  recordDeploymentBody,
  stateChangeBody,
} from '../ledger/schemas';
import { ActionService } from '../actions/ActionService';
import { ReadinessService } from '../readiness/ReadinessService';
import { RolloutService } from './RolloutService';
import { SummaryService } from './SummaryService';

const entityQuery = z.object({
  entityRef: z
    .string({
      required_error: 'is required, e.g. component:default/payments-api',
    })
    .min(1, 'is required, e.g. component:default/payments-api'),
});

const actionKind = z.enum(ACTION_KINDS as [ActionKind, ...ActionKind[]]);

const actionRequestBody = z
  .object({
    entityRef: z.string().min(1),
    environment: z.string().min(1),
    kind: actionKind,
    targetVersion: z.string().min(1).max(128).optional(),
    reason: z.string().trim().min(1, 'is required: say why').max(2000),
    idempotencyKey: z.string().min(1).max(128),
    override: z
      .object({ justification: z.string().trim().min(1).max(2000) })
      .strict()
      .optional(),
  })
  .strict();

const decisionBody = z
  .object({
    entityRef: z.string().min(1),
    environment: z.string().min(1),
    kind: actionKind,
    comment: z.string().max(2000).optional(),
  })
  .strict();

const historyQuery = entityQuery.extend({
  environment: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
});

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
  /** Request bodies larger than this are refused with 413. */
  maxBodyBytes: number;
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
  router.use(express.json({ limit: options.maxBodyBytes }));

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

  router.post('/readiness/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parseInput(entityQuery, req.body, 'body');
    res.json(await readinessService.refresh(entityRef, credentials));
  });

  // Actions are people's decisions: only user principals.
  router.post('/actions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(actionRequestBody, req.body, 'body');
    const { action, created } = await actionService.request(body, credentials);
    res.status(created ? 201 : 200).json(action);
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
    router.post(`/actions/:id/${decision}`, async (req, res) => {
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
  router.post('/actions/:id/retry', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef, environment, kind } = parseInput(
      decisionBody,
      req.body,
      'body',
    );
    res.json(
      await actionService.retry(
        req.params.id,
        { entityRef, environment, kind },
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
  router.post('/ledger/deployments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const body = parseInput(recordDeploymentBody, req.body, 'body');
    const { deployment, created } = await ledgerService.recordDeployment(body);
    res.status(created ? 201 : 200).json(deployment);
  });

  router.post('/ledger/deployments/:id/state', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const id = parseInput(deploymentId, req.params.id, 'path.id');
    const body = parseInput(stateChangeBody, req.body, 'body');
    res.json(await ledgerService.changeState(id, body));
  });

  return router;
}
