import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CatalogApi } from '@backstage/catalog-client';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_PROVIDER,
  AnnotationStatus,
  RollbackGuardSummary,
  validateRollbackGuardAnnotations,
} from '@rollback-guard/plugin-rollback-guard-common';
import { ProviderRegistry } from '../providers/ProviderRegistry';

/**
 * Parses an entity reference given by a client; the kind is required, the
 * namespace defaults to `default`.
 */
export function parseClientEntityRef(entityRef: string): CompoundEntityRef {
  try {
    return parseEntityRef(entityRef);
  } catch (error) {
    throw new InputError(
      `Malformed entity ref "${entityRef}": expected "<kind>:[<namespace>/]<name>", e.g. "component:default/payments-api"`,
    );
  }
}

/**
 * Reads an entity from the catalog, on behalf of the caller, and says what
 * Rollback Guard makes of its annotations.
 *
 * @internal
 */
export class SummaryService {
  constructor(
    private readonly options: {
      catalog: CatalogApi;
      auth: AuthService;
      providers: ProviderRegistry;
      defaultProvider: string;
    },
  ) {}

  async getSummary(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<RollbackGuardSummary> {
    const ref = parseClientEntityRef(entityRef);
    // On behalf of the caller, so the catalog's own permissions apply.
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'catalog',
    });
    const entity = await this.options.catalog.getEntityByRef(ref, { token });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }

    const annotations = validateRollbackGuardAnnotations(entity);
    const providerAnnotation = annotations.find(
      a => a.name === ANNOTATION_PROVIDER,
    );
    const providerId =
      providerAnnotation?.value.trim() ?? this.options.defaultProvider;
    const provider = this.options.providers.get(providerId);
    let providerProblem: string | undefined;
    if (!provider) {
      providerProblem = `names "${providerId}", which is not installed in this backend; installed providers: ${this.options.providers
        .ids()
        .join(', ')}`;
    } else {
      providerProblem = provider.validateEntity?.(entity);
    }
    const checked: AnnotationStatus[] = annotations.map(status =>
      status === providerAnnotation && status.valid && providerProblem
        ? {
            ...status,
            valid: false,
            message: `${status.name} ${providerProblem}`,
          }
        : status,
    );

    return {
      entityRef: stringifyEntityRef(entity),
      provider: providerId,
      annotations: checked,
      valid: checked.every(a => a.valid),
    };
  }
}
