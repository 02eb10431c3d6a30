import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogApi } from '@backstage/catalog-client';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';

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
 * Reads entities from the catalog on behalf of a caller, so the catalog's own
 * permissions decide what the caller may see.
 *
 * @internal
 */
export class EntityReader {
  constructor(
    private readonly options: {
      catalog: CatalogApi;
      auth: AuthService;
      /**
       * Checks a service principal's own access restrictions (its configured
       * `accessRestrictions`) before the plugin reads on its behalf.
       */
      permissions?: PermissionsService;
    },
  ) {}

  /**
   * A service (CI) reads through this plugin only what its configured access
   * allows: the entity read permission, decided by its access restrictions.
   */
  private async serviceMayRead(
    credentials: BackstageCredentials,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const { auth, permissions } = this.options;
    if (!permissions || !auth.isPrincipal(credentials, 'service')) {
      return new Set(entityRefs);
    }
    const decisions = await permissions.authorize(
      entityRefs.map(resourceRef => ({
        permission: catalogEntityReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      entityRefs.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      ),
    );
  }

  /**
   * A person reads the catalog as themselves. A service (CI) reads it as
   * this plugin, as the ledger does: an external access token limited to
   * this plugin cannot be delegated to the catalog.
   */
  private async catalogToken(credentials: BackstageCredentials) {
    const { auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: auth.isPrincipal(credentials, 'service')
        ? await auth.getOwnServiceCredentials()
        : credentials,
      targetPluginId: 'catalog',
    });
    return token;
  }

  /** The entity, or a NotFoundError naming it; InputError for a malformed ref. */
  async getEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; entityRef: string }> {
    const ref = parseClientEntityRef(entityRef);
    const allowed = await this.serviceMayRead(credentials, [
      stringifyEntityRef(ref),
    ]);
    const token = await this.catalogToken(credentials);
    const entity =
      allowed.size > 0
        ? await this.options.catalog.getEntityByRef(ref, { token })
        : undefined;
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return { entity, entityRef: stringifyEntityRef(entity) };
  }

  /** Which of these entities the caller may see in the catalog. */
  async visible(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const entities = await this.getEntities(entityRefs, credentials, [
      'kind',
      'metadata.namespace',
      'metadata.name',
    ]);
    return new Set(entities.map(entity => stringifyEntityRef(entity)));
  }

  /** The entities of these refs that exist and the caller may see. */
  async getEntities(
    entityRefs: string[],
    credentials: BackstageCredentials,
    fields?: string[],
  ): Promise<Entity[]> {
    const allowed = [
      ...(await this.serviceMayRead(credentials, entityRefs)).values(),
    ];
    if (allowed.length === 0) {
      return [];
    }
    const token = await this.catalogToken(credentials);
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: allowed, ...(fields ? { fields } : {}) },
      { token },
    );
    return items.flatMap(entity => (entity ? [entity] : []));
  }
}
