import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_PROVIDER,
  RollbackGuardSummary,
  validateRollbackGuardAnnotations,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ProviderRegistry } from './ProviderRegistry';
import { EntityReader } from '../entities/EntityReader';

/**
 * Says what Rollback Guard makes of an entity's annotations, including
 * whether the providers it names are installed and can serve it.
 *
 * @internal
 */
export class AnnotationReportService {
  constructor(
    private readonly options: {
      entities: EntityReader;
      providers: ProviderRegistry;
    },
  ) {}

  async getSummary(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<RollbackGuardSummary> {
    const { entity, entityRef: ref } = await this.options.entities.getEntity(
      entityRef,
      credentials,
    );
    const { providers } = this.options;
    const providerIds = providers.idsFor(entity);
    const problems = providerIds
      .map(id => providers.problemFor(id, entity))
      .filter((problem): problem is string => Boolean(problem));

    const annotations = validateRollbackGuardAnnotations(entity).map(status =>
      status.name === ANNOTATION_PROVIDER && status.valid && problems.length > 0
        ? {
            ...status,
            valid: false,
            message: `${status.name}: ${problems.join('; ')}`,
          }
        : status,
    );

    return {
      entityRef: ref,
      providers: providerIds,
      annotations,
      valid: annotations.every(a => a.valid),
    };
  }
}
