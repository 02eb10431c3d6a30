import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import request from 'supertest';

/** A component as an entity provider gives it to the real catalog. */
export function catalogComponent(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': 'url:https://example.com/c.yaml',
        'backstage.io/managed-by-origin-location':
          'url:https://example.com/c.yaml',
        ...annotations,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

/**
 * A module of the real catalog backend that provides these entities, which
 * the catalog then processes (ownership relations included) as any other.
 */
export function catalogEntitiesModule(entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-entities',
    register(env) {
      env.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'test-entities',
            async connect(connection) {
              await connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  entity,
                  locationKey: 'test-entities',
                })),
              });
            },
          });
        },
      });
    },
  });
}

/**
 * Waits until the catalog serves the component processed, with its
 * relations (processing runs in the background).
 */
export async function untilProcessed(
  server: Parameters<typeof request>[0],
  name: string,
  authorization: string,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/component/default/${name}`)
      .set('Authorization', authorization);
    if (res.status === 200 && res.body.relations?.length) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the catalog never processed ${name}: ${res.status} ${res.text}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}
