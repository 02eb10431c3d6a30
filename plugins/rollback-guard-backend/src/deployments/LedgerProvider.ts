import {
  DeploymentCursor,
  DeploymentProvider,
  DeploymentProviderRequest,
  EvidenceReader,
  StoredEvidence,
} from '@rollback-guard/plugin-rollback-guard-node';
import {
  Deployment,
  EvidenceKind,
} from '@rollback-guard/plugin-rollback-guard-common';
import { DeploymentStore } from '../database/DeploymentStore';

/**
 * The built-in provider: deployments that CI records through the ledger API.
 *
 * @internal
 */
export class LedgerProvider implements DeploymentProvider, EvidenceReader {
  static readonly ID = 'ledger';
  readonly id = LedgerProvider.ID;
  readonly title = 'Deployment ledger';

  constructor(private readonly store: DeploymentStore) {}

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

  /** Evidence is what CI recorded in the ledger; other providers have none. */
  async list(
    deployment: Deployment,
    kind: EvidenceKind,
  ): Promise<StoredEvidence[]> {
    if (deployment.provider && deployment.provider !== this.id) return [];
    return this.store.readEvidence(deployment, kind);
  }
}
