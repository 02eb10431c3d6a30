import { useApi } from '@backstage/core-plugin-api';
import {
  Deployment,
  DeploymentHistoryPage,
  ProviderPart,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useCallback, useRef, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../api';
import { useEndedActions } from './useActions';

/** How many deployments one page of the history holds. */
export const HISTORY_PAGE_SIZE = 20;

/** The pages of the history loaded so far, as one list. */
export type LoadedHistory = {
  items: Deployment[];
  /** Present when there are older deployments to load. */
  nextCursor?: string;
  /** Each provider that was `unknown` for any page loaded, with its reason. */
  unknownSources: ProviderPart[];
};

function merge(pages: DeploymentHistoryPage[]): LoadedHistory {
  const unknown = new Map<string, ProviderPart>();
  for (const part of pages.flatMap(page => page.sources)) {
    if (part.status === 'unknown' && !unknown.has(part.provider)) {
      unknown.set(part.provider, part);
    }
  }
  return {
    items: pages.flatMap(page => page.items),
    nextCursor: pages[pages.length - 1]?.nextCursor,
    unknownSources: [...unknown.values()],
  };
}

/**
 * An entity's deployment history, newest first: the newest page, then older
 * pages appended by `loadMore`. Changing the environment starts over, as
 * does the end of one of the entity's actions (it changed a deployment).
 */
export function useDeploymentHistory(entityRef: string, environment?: string) {
  const api = useApi(rollbackGuardApiRef);
  const ended = useEndedActions(entityRef);
  const [older, setOlder] = useState<DeploymentHistoryPage[]>([]);
  // Bumped whenever the first page is fetched again, so that an older page
  // still on its way for a previous filter is dropped.
  const generation = useRef(0);

  const first = useAsyncRetry(() => {
    generation.current += 1;
    setOlder([]);
    return api.getDeploymentHistory({
      entityRef,
      environment,
      limit: HISTORY_PAGE_SIZE,
    });
    // `ended` is only a trigger: each new value fetches again.
  }, [api, entityRef, environment, ended]);

  const pages = first.value && !first.loading ? [first.value, ...older] : [];
  const value = pages.length > 0 ? merge(pages) : undefined;
  const cursor = value?.nextCursor;

  const [more, fetchMore] = useAsyncFn(async () => {
    if (!cursor) return;
    const started = generation.current;
    const page = await api.getDeploymentHistory({
      entityRef,
      environment,
      limit: HISTORY_PAGE_SIZE,
      cursor,
    });
    if (started === generation.current) {
      setOlder(loaded => [...loaded, page]);
    }
  }, [api, entityRef, environment, cursor]);

  const loadMore = useCallback(() => {
    fetchMore();
  }, [fetchMore]);

  return {
    loading: first.loading,
    error: first.error,
    retry: first.retry,
    value,
    loadMore,
    loadingMore: more.loading,
    loadMoreError: more.error,
  };
}
