/**
 * The Kubernetes provider for Rollback Guard: Argo Rollouts and Deployments,
 * read and acted on through the Kubernetes API.
 *
 * @packageDocumentation
 */

export { rollbackGuardModuleKubernetes as default } from './module';
export { KubernetesProvider } from './KubernetesProvider';
export { KubernetesExecutor } from './KubernetesExecutor';
export {
  readKubernetesSettings,
  type KubernetesCluster,
  type KubernetesSettings,
} from './config';
