import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { rollbackGuardApiRef, RollbackGuardClient } from '../api';

/** @alpha */
export const rollbackGuardApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: rollbackGuardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RollbackGuardClient({ discoveryApi, fetchApi }),
    }),
});
