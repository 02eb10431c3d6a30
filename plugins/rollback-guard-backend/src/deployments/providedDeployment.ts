import { z } from 'zod';
import { isoDateTime, percent, state, strategy } from '../lib/input';

/** What a provider answers for one deployment; checked before it is shown. */
export const providedDeployment = z.object({
  id: z.string().min(1),
  entityRef: z.string().min(1),
  environment: z.string().min(1),
  version: z.string().min(1),
  strategy,
  state,
  startedAt: isoDateTime,
  finishedAt: isoDateTime.optional(),
  progressPercent: percent.optional(),
  trafficPercent: percent.optional(),
});
