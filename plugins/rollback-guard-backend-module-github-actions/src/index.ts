/**
 * Rollback Guard: approved actions start a GitHub Actions workflow through
 * `workflow_dispatch`.
 *
 * @packageDocumentation
 */

export { rollbackGuardModuleGithubActions as default } from './module';
export {
  githubWorkflowDispatchFormat,
  type GithubWorkflowDispatchSettings,
} from './githubWorkflowDispatch';
