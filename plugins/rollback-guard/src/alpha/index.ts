/**
 * Rollback Guard for the new frontend system, by extension kind: the API,
 * entity cards, entity content, pages and scaffolder form fields.
 *
 * @packageDocumentation
 */
import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { rollbackGuardApi } from './apis';
import {
  rollbackGuardApiEntityCard,
  rollbackGuardEntityCard,
} from './entityCards';
import { rollbackGuardEntityContent } from './entityContents';
import {
  rollbackGuardCandidatePickerField,
  rollbackGuardEnvironmentPickerField,
} from './formFields';
import { approvalsPageRouteRef, rollbackGuardApprovalsPage } from './pages';

export { rollbackGuardApi } from './apis';
export {
  rollbackGuardApiEntityCard,
  rollbackGuardEntityCard,
} from './entityCards';
export { rollbackGuardEntityContent } from './entityContents';
export {
  rollbackGuardCandidatePickerField,
  rollbackGuardEnvironmentPickerField,
} from './formFields';
export { approvalsPageRouteRef, rollbackGuardApprovalsPage } from './pages';

/**
 * The Rollback Guard plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'rollback-guard',
  info: { packageJson: () => import('../../package.json') },
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
