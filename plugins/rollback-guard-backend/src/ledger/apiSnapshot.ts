import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_CONSUMES_API,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  API_DEFINITION_TYPES,
  ApiDefinitionType,
  apiDefinitionMediaType,
  EvidenceItem,
} from '@rollback-guard/plugin-rollback-guard-common';
import { EntityReader } from '../entities/EntityReader';

/**
 * The catalog's current definitions of the APIs an entity provides and
 * consumes, for a deployment recorded without them: the catalog only ever
 * knows the newest definition, so what it says now is kept with the
 * deployment. An API that CI attached a definition for (by its entity ref
 * or name) is left out. A catalog that does not answer leaves no snapshot;
 * it never fails the recording.
 *
 * @internal
 */
export async function catalogApiSnapshot(options: {
  entity: Entity;
  attached: EvidenceItem[];
  entities: EntityReader;
  credentials: BackstageCredentials;
  logger?: LoggerService;
}): Promise<EvidenceItem[]> {
  const attached = new Set(
    options.attached
      .filter(item => item.kind === 'api-definition')
      .map(item => item.name),
  );
  const refs = [
    ...new Set(
      (options.entity.relations ?? [])
        .filter(
          r =>
            r.type === RELATION_PROVIDES_API ||
            r.type === RELATION_CONSUMES_API,
        )
        .map(r => r.targetRef),
    ),
  ].filter(
    ref => !attached.has(ref) && !attached.has(parseEntityRef(ref).name),
  );
  if (refs.length === 0) return [];
  let apis: Entity[];
  try {
    apis = await options.entities.getEntities(refs, options.credentials);
  } catch (error) {
    options.logger?.warn(
      `Rollback Guard could not snapshot the API definitions of ${stringifyEntityRef(
        options.entity,
      )}: ${error}`,
    );
    return [];
  }
  return apis.flatMap(api => {
    const type = api.spec?.type;
    const definition = api.spec?.definition;
    if (
      typeof type !== 'string' ||
      !(API_DEFINITION_TYPES as readonly string[]).includes(type) ||
      typeof definition !== 'string'
    ) {
      return [];
    }
    return [
      {
        kind: 'api-definition' as const,
        name: stringifyEntityRef(api),
        mediaType: apiDefinitionMediaType(
          type as ApiDefinitionType,
          definition,
        ),
        content: definition,
        origin: 'catalog-snapshot' as const,
      },
    ];
  });
}
