import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { useCallback, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../api';

/** The signal channel the backend publishes an entity's action changes on. */
export function actionsChannel(entityRef: string): string {
  return `rollback-guard:actions:${entityRef}`;
}

/**
 * How many of the entity's actions ended (succeeded or failed) while the page
 * was open, as the backend signals them: a dependency for what an ended
 * action changes, the rollout status and the history.
 */
export function useEndedActions(entityRef: string): number {
  const { lastSignal } = useSignal<{ status?: string }>(
    actionsChannel(entityRef),
  );
  const [ended, setEnded] = useState(0);
  useEffect(() => {
    if (lastSignal?.status === 'succeeded' || lastSignal?.status === 'failed') {
      setEnded(n => n + 1);
    }
  }, [lastSignal]);
  return ended;
}

/**
 * The entity's action requests and (unless `withAudit` is false, as for the
 * card, which does not show it) its audit trail, newest first. Both are
 * fetched again whenever the backend signals that an action changed (when
 * the app has signals), and on `refresh`, after one's own action.
 */
export function useActions(
  entityRef: string,
  options: { withAudit?: boolean } = {},
) {
  const withAudit = options.withAudit ?? true;
  const api = useApi(rollbackGuardApiRef);
  const { lastSignal } = useSignal(actionsChannel(entityRef));
  const [refreshes, setRefreshes] = useState(0);
  const refresh = useCallback(() => setRefreshes(n => n + 1), []);

  // `lastSignal` and `refreshes` are only triggers: each new value fetches again.
  const actions = useAsyncRetry(
    async () => (await api.listActions(entityRef)).items,
    [api, entityRef, lastSignal, refreshes],
  );
  const audit = useAsyncRetry(
    async () =>
      withAudit ? (await api.getAuditTrail(entityRef)).items : undefined,
    [api, entityRef, withAudit, lastSignal, refreshes],
  );
  return { actions, audit, refresh };
}

/** What `useActions` gives. */
export type ActionsState = ReturnType<typeof useActions>;

/** The signal channel of the approvals view. */
export const APPROVALS_CHANNEL = 'rollback-guard:approvals';

/**
 * The requests waiting for a decision across entities, fetched again when
 * the backend signals a change to any action, and on `refresh`.
 */
export function usePendingApprovals() {
  const api = useApi(rollbackGuardApiRef);
  const { lastSignal } = useSignal(APPROVALS_CHANNEL);
  const [refreshes, setRefreshes] = useState(0);
  const refresh = useCallback(() => setRefreshes(n => n + 1), []);
  // `lastSignal` and `refreshes` are only triggers: each new value fetches again.
  const pending = useAsyncRetry(
    async () => (await api.listPendingApprovals()).items,
    [api, lastSignal, refreshes],
  );
  return { pending, refresh };
}
