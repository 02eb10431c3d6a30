import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../api';

/** What the card and the tab show first: the summary and the rollout status. */
export type RollbackGuardOverview = {
  summary: RollbackGuardSummary;
  rollout: RolloutStatus;
};

/**
 * The summary and the rollout status of the entity on the current page,
 * fetched in parallel, once per entity.
 */
export function useRollbackGuardOverview() {
  const { entity } = useEntity();
  const api = useApi(rollbackGuardApiRef);
  const entityRef = stringifyEntityRef(entity);
  const state = useAsyncRetry(async (): Promise<RollbackGuardOverview> => {
    const [summary, rollout] = await Promise.all([
      api.getSummary(entityRef),
      api.getRolloutStatus(entityRef),
    ]);
    return { summary, rollout };
  }, [api, entityRef]);
  return { entity, entityRef, ...state };
}
