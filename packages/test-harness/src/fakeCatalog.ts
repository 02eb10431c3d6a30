import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';

/** Example entities the backend tests share. */
export const testEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: {
        'rollback-guard/environments': 'staging, production',
      },
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout-web',
      namespace: 'default',
      annotations: {
        'rollback-guard/environments': 'production',
        'rollback-guard/provider': 'ledger, flaky',
      },
    },
  },
];

/**
 * A stand-in for the catalog backend, so that the plugin's real
 * CatalogClient makes real HTTP requests through discovery and auth. Records
 * the principal of every request it serves.
 */
export function fakeCatalog(
  options: {
    entities?: Entity[];
    seenPrincipals?: unknown[];
    /** Entity names hidden from a user, by user entity ref. */
    hiddenFrom?: Record<string, string[]>;
  } = {},
) {
  const entities = options.entities ?? testEntities;
  const hiddenFor = (principal: unknown) =>
    options.hiddenFrom?.[
      (principal as { userEntityRef?: string }).userEntityRef ?? ''
    ] ?? [];
  return createBackendPlugin({
    pluginId: 'catalog',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = Router();
          router.get(
            '/entities/by-name/:kind/:namespace/:name',
            async (req, res) => {
              const credentials = await httpAuth.credentials(req);
              options.seenPrincipals?.push(credentials.principal);
              const hidden = hiddenFor(credentials.principal);
              const entity = entities.find(
                e =>
                  e.kind.toLocaleLowerCase('en-US') === req.params.kind &&
                  (e.metadata.namespace ?? 'default') ===
                    req.params.namespace &&
                  e.metadata.name === req.params.name &&
                  !hidden.includes(e.metadata.name),
              );
              if (!entity) {
                res.status(404).json({
                  error: { name: 'NotFoundError', message: 'not found' },
                });
                return;
              }
              res.json(entity);
            },
          );
          router.post('/entities/by-refs', express.json(), async (req, res) => {
            const credentials = await httpAuth.credentials(req);
            const hidden = hiddenFor(credentials.principal);
            const refs: string[] = req.body.entityRefs ?? [];
            res.json({
              items: refs.map(
                ref =>
                  entities.find(
                    e =>
                      stringifyEntityRef(e) === ref &&
                      !hidden.includes(e.metadata.name),
                  ) ?? null,
              ),
            });
          });
          httpRouter.use(router);
        },
      });
    },
  });
}
