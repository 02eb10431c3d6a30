import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  RollbackGuardSummary,
  RolloutStatus,
} from '@rollback-guard/plugin-rollback-guard-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../api';
import { useEndedActions } from './useActions';

/** What the card and the tab show first: the summary and the rollout status. */
export type RollbackGuardOverview = {
  summary: RollbackGuardSummary;
  rollout: RolloutStatus;
};

/**
 * The summary and the rollout status of the entity on the current page,
 * fetched in parallel, once per entity, and again when one of its actions
 * ends (the deployment it acted on changed).
 */
export function useRollbackGuardOverview() {
  const { entity } = useEntity();
  const api = useApi(rollbackGuardApiRef);
  const entityRef = stringifyEntityRef(entity);
  const ended = useEndedActions(entityRef);
  const state = useAsyncRetry(async (): Promise<RollbackGuardOverview> => {
    const [summary, rollout] = await Promise.all([
      api.getSummary(entityRef),
      api.getRolloutStatus(entityRef),
    ]);
    return { summary, rollout };
    // `ended` is only a trigger: each new value fetches again.
  }, [api, entityRef, ended]);
  return { entity, entityRef, ...state };
}
