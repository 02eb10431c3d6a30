import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
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

/** The most person-and-entity reads kept at once. */
const MAX_SHOWN = 10_000;

/**
 * Reads entities from the catalog on behalf of a caller, so the catalog's own
 * permissions decide what the caller may see.
 *
 * @internal
 */
export class EntityReader {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /**
       * Checks a service principal's own access restrictions (its configured
       * `accessRestrictions`) before the plugin reads on its behalf.
       */
      permissions?: PermissionsService;
      /**
       * How long what a person was shown is kept, in milliseconds (0: not
       * at all). A person who loses sight of an entity keeps reading its
       * Rollback Guard data for at most this long; in exchange a card's
       * reads cost one catalog read per person and entity per interval.
       */
      cacheTtlMs?: number;
    },
  ) {}

  // Per person and entity: what the catalog showed them, until when.
  private readonly shown = new Map<
    string,
    { until: number; value: { entity: Entity; entityRef: string } }
  >();

  private personKey(
    credentials: BackstageCredentials,
    ref: string,
  ): string | undefined {
    const { auth, cacheTtlMs } = this.options;
    if (!cacheTtlMs || !auth.isPrincipal(credentials, 'user')) return undefined;
    return `${credentials.principal.userEntityRef}\n${ref}`;
  }

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
  private async catalogCredentials(
    credentials: BackstageCredentials,
  ): Promise<BackstageCredentials> {
    const { auth } = this.options;
    return auth.isPrincipal(credentials, 'service')
      ? auth.getOwnServiceCredentials()
      : credentials;
  }

  /** The entity, or a NotFoundError naming it; InputError for a malformed ref. */
  async getEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; entityRef: string }> {
    const ref = parseClientEntityRef(entityRef);
    const key = this.personKey(credentials, stringifyEntityRef(ref));
    const kept = key ? this.shown.get(key) : undefined;
    if (kept && kept.until > Date.now()) return kept.value;
    const allowed = await this.serviceMayRead(credentials, [
      stringifyEntityRef(ref),
    ]);
    const entity =
      allowed.size > 0
        ? await this.options.catalog.getEntityByRef(ref, {
            credentials: await this.catalogCredentials(credentials),
          })
        : undefined;
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    const value = { entity, entityRef: stringifyEntityRef(entity) };
    if (key) {
      if (this.shown.size >= MAX_SHOWN) this.shown.clear();
      this.shown.set(key, {
        until: Date.now() + this.options.cacheTtlMs!,
        value,
      });
    }
    return value;
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
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: allowed, ...(fields ? { fields } : {}) },
      { credentials: await this.catalogCredentials(credentials) },
    );
    return items.flatMap(entity => (entity ? [entity] : []));
  }
}
