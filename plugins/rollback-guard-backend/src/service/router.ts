import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SummaryService } from './SummaryService';

const summaryQuery = z.object({
  entityRef: z
    .string({ required_error: 'entityRef is required' })
    .min(1, 'entityRef is required'),
});

function parse<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues
      .map(issue => `${[where, ...issue.path].join('.')}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid request: ${issues}`);
  }
  return result.data;
}

/**
 * The HTTP API under /api/rollback-guard. Kept thin: parse, authenticate,
 * delegate.
 *
 * @internal
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  summaryService: SummaryService;
}): Promise<express.Router> {
  const { httpAuth, summaryService } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = parse(summaryQuery, req.query, 'query');
    res.json(await summaryService.getSummary(entityRef, credentials));
  });

  return router;
}
