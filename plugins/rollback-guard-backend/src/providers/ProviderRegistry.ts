import { DeploymentProvider } from '@rollback-guard/plugin-rollback-guard-node';

/**
 * The deployment providers installed in this backend, by id.
 *
 * @internal
 */
export class ProviderRegistry {
  private readonly providers = new Map<string, DeploymentProvider>();

  add(provider: DeploymentProvider): void {
    if (this.providers.has(provider.id)) {
      throw new Error(
        `Rollback Guard provider "${provider.id}" is installed twice; each provider id must be unique`,
      );
    }
    this.providers.set(provider.id, provider);
  }

  get(id: string): DeploymentProvider | undefined {
    return this.providers.get(id);
  }

  ids(): string[] {
    return [...this.providers.keys()].sort();
  }
}

/**
 * The built-in provider: deployments that CI records through the backend's
 * ledger API.
 *
 * @internal
 */
export const ledgerProvider: DeploymentProvider = {
  id: 'ledger',
  title: 'Deployment ledger',
};
