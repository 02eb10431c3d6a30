import { useApi } from '@backstage/core-plugin-api';
import { ReadinessSnapshot } from '@rollback-guard/plugin-rollback-guard-common';
import { useCallback, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../api';
import { useEndedActions } from './useActions';

type Latest = { entityRef: string; snapshot: ReadinessSnapshot };

/** The newer of two snapshots of the same entity. */
function newer(kept: Latest | undefined, next: Latest): Latest {
  if (
    kept?.entityRef === next.entityRef &&
    Date.parse(kept.snapshot.computedAt) > Date.parse(next.snapshot.computedAt)
  ) {
    return kept;
  }
  return next;
}

/**
 * The readiness snapshot of an entity, fetched once per entity, and
 * `refresh` to run every check again. The newest snapshot either gave is
 * kept: a refresh that fails leaves the one shown before in place.
 */
export function useReadiness(entityRef: string) {
  const api = useApi(rollbackGuardApiRef);
  const [latest, setLatest] = useState<Latest>();
  const keep = useCallback(
    (snapshot: ReadinessSnapshot) => {
      setLatest(kept => newer(kept, { entityRef, snapshot }));
      return snapshot;
    },
    [entityRef],
  );

  // Fetched again when one of the entity's actions ends: the backend then
  // computes it anew for the deployment the action changed.
  const ended = useEndedActions(entityRef);
  const fetched = useAsyncRetry(
    async () => keep(await api.getReadiness(entityRef)),
    [api, entityRef, keep, ended],
  );
  const [refreshed, runRefresh] = useAsyncFn(
    async () => keep(await api.refreshReadiness(entityRef)),
    [api, entityRef, keep],
  );
  const refresh = useCallback(() => {
    runRefresh();
  }, [runRefresh]);

  const value = latest?.entityRef === entityRef ? latest.snapshot : undefined;
  return {
    loading: fetched.loading,
    // Once any snapshot is in hand, a failed fetch no longer hides it.
    error: value ? undefined : fetched.error,
    value,
    retry: fetched.retry,
    refresh,
    refreshing: refreshed.loading,
    // An earlier failure is not shown while the checks run again.
    refreshError: refreshed.loading ? undefined : refreshed.error,
  };
}

/** What `useReadiness` gives. */
export type ReadinessState = ReturnType<typeof useReadiness>;
