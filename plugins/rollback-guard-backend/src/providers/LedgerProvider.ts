import {
  DeploymentCursor,
  DeploymentProvider,
  DeploymentProviderRequest,
} from '@rollback-guard/plugin-rollback-guard-node';
import { Deployment } from '@rollback-guard/plugin-rollback-guard-common';
import { RollbackGuardStore } from '../database/RollbackGuardStore';

/**
 * The built-in provider: deployments that CI records through the ledger API.
 *
 * @internal
 */
export class LedgerProvider implements DeploymentProvider {
  static readonly ID = 'ledger';
  readonly id = LedgerProvider.ID;
  readonly title = 'Deployment ledger';

  constructor(private readonly store: RollbackGuardStore) {}

  getCurrentDeployments(
    request: DeploymentProviderRequest,
  ): Promise<Deployment[]> {
    return this.store.currentDeployments(request.entityRef);
  }

  listDeployments(
    request: DeploymentProviderRequest & {
      environment?: string;
      limit: number;
      before?: DeploymentCursor;
    },
  ): Promise<Deployment[]> {
    return this.store.listDeployments(request.entityRef, {
      environment: request.environment,
      limit: request.limit,
      before: request.before,
    });
  }
}
