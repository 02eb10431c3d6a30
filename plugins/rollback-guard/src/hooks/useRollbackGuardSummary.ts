import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../api';

/** The summary of the entity on the current page, fetched once per entity. */
export function useRollbackGuardSummary() {
  const { entity } = useEntity();
  const api = useApi(rollbackGuardApiRef);
  const entityRef = stringifyEntityRef(entity);
  const state = useAsyncRetry(
    () => api.getSummary(entityRef),
    [api, entityRef],
  );
  return { entity, ...state };
}
