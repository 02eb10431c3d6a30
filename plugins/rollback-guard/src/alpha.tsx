import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import ApprovalIcon from '@material-ui/icons/HowToVote';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { rollbackGuardApiRef, RollbackGuardClient } from './api';
import { isApiWithProviders, isRollbackGuardAvailable } from './plugin';
import {
  rollbackGuardCandidatePickerField,
  rollbackGuardEnvironmentPickerField,
} from './scaffolderFields';

export {
  rollbackGuardCandidatePickerField,
  rollbackGuardEnvironmentPickerField,
} from './scaffolderFields';

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

/** @alpha */
export const rollbackGuardEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isRollbackGuardAvailable,
    loader: () =>
      import('./components/RollbackGuardCard').then(m => (
        <m.RollbackGuardCard />
      )),
  },
});

/**
 * On an API's page: what going back in each of its providers would take from
 * the API's consumers, with links to their Rollback Guard tabs.
 *
 * @alpha
 */
export const rollbackGuardApiEntityCard = EntityCardBlueprint.make({
  name: 'api',
  params: {
    filter: isApiWithProviders,
    loader: () =>
      import('./components/ApiRollbackGuardCard').then(m => (
        <m.ApiRollbackGuardCard />
      )),
  },
});

/** @alpha */
export const rollbackGuardEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'rollback-guard',
    title: 'Rollback Guard',
    filter: isRollbackGuardAvailable,
    loader: () =>
      import('./components/RollbackGuardContent').then(m => (
        <m.RollbackGuardContent />
      )),
  },
});

/**
 * Where the approvals view is mounted.
 *
 * @alpha
 */
export const approvalsPageRouteRef = createRouteRef();

/**
 * The approvals view, at `/rollback-guard/approvals`, in the app's
 * navigation as "Approvals".
 *
 * @alpha
 */
export const rollbackGuardApprovalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/rollback-guard/approvals',
    routeRef: approvalsPageRouteRef,
    title: 'Approvals',
    icon: <ApprovalIcon />,
    loader: () =>
      import('./components/Actions/ApprovalsPage').then(m => (
        <m.ApprovalsContent />
      )),
  },
});

/**
 * The Rollback Guard plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'rollback-guard',
  info: { packageJson: () => import('../package.json') },
  routes: { approvals: approvalsPageRouteRef },
  extensions: [
    rollbackGuardApi,
    rollbackGuardEntityCard,
    rollbackGuardApiEntityCard,
    rollbackGuardEntityContent,
    rollbackGuardApprovalsPage,
    rollbackGuardEnvironmentPickerField,
    rollbackGuardCandidatePickerField,
  ],
});
