import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isRollbackGuardAvailable } from '../plugin';

/** @alpha */
export const rollbackGuardEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'rollback-guard',
    // With the other deployment views of the entity page.
    group: 'deployment',
    title: 'Rollback Guard',
    filter: isRollbackGuardAvailable,
    loader: () =>
      import('../components/RollbackGuardContent').then(m => (
        <m.RollbackGuardContent />
      )),
  },
});
