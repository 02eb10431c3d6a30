import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_PROVIDER,
  parseAnnotationList,
} from '@rollback-guard/plugin-rollback-guard-common';
import { DeploymentProvider } from '@rollback-guard/plugin-rollback-guard-node';

/**
 * The deployment providers installed in this backend, by id, and which of
 * them an entity uses.
 *
 * @internal
 */
export class ProviderRegistry {
  private readonly providers = new Map<string, DeploymentProvider>();
  private defaultProvider = 'ledger';

  add(provider: DeploymentProvider): void {
    if (this.providers.has(provider.id)) {
      throw new Error(
        `Rollback Guard provider "${provider.id}" is installed twice; each provider id must be unique`,
      );
    }
    this.providers.set(provider.id, provider);
  }

  /** Sets the provider for entities without a provider annotation. */
  setDefault(id: string): void {
    if (!this.providers.has(id)) {
      throw new Error(
        `rollbackGuard.defaultProvider is "${id}", which is not installed; installed providers: ${this.ids().join(
          ', ',
        )}`,
      );
    }
    this.defaultProvider = id;
  }

  get(id: string): DeploymentProvider | undefined {
    return this.providers.get(id);
  }

  ids(): string[] {
    return [...this.providers.keys()].sort();
  }

  /** The provider ids an entity names, or the default provider. */
  idsFor(entity: Entity): string[] {
    const value = entity.metadata.annotations?.[ANNOTATION_PROVIDER];
    const ids = value ? parseAnnotationList(value) : [];
    return ids.length > 0 ? ids : [this.defaultProvider];
  }

  /** Why a provider cannot serve an entity, or undefined when it can. */
  problemFor(id: string, entity: Entity): string | undefined {
    const provider = this.providers.get(id);
    if (!provider) {
      return `"${id}" is not installed in this backend; installed providers: ${this.ids().join(
        ', ',
      )}`;
    }
    return provider.validateEntity?.(entity);
  }
}
