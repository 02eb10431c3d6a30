import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import ApprovalIcon from '@material-ui/icons/HowToVote';
import { approvalsRouteRef } from '../plugin';

/**
 * Where the approvals view is mounted: the same route ref in both frontend
 * systems.
 *
 * @alpha
 */
export const approvalsPageRouteRef = convertLegacyRouteRef(approvalsRouteRef);

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
      import('../components/Actions/ApprovalsPage').then(m => (
        <m.ApprovalsContent />
      )),
  },
});
