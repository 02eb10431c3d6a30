import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';

const SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * The test backend's mock auth service, except that a token one plugin gets
 * on behalf of a user authenticates, as with the real auth service, as that
 * user with the calling plugin as actor. The permission backend refuses
 * resource permissions without a resourceRef from a user without an actor
 * (a direct call from a browser), so a real catalog in front of a real
 * permission backend needs it.
 */
const authWithActorsFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    const claims = (token: string) =>
      token.startsWith(SERVICE_TOKEN_PREFIX)
        ? (JSON.parse(token.slice(SERVICE_TOKEN_PREFIX.length)) as {
            obo?: string;
            caller?: string;
          })
        : undefined;
    return Object.assign(Object.create(inner), {
      async getPluginRequestToken(
        options: Parameters<AuthService['getPluginRequestToken']>[0],
      ) {
        const { token } = await inner.getPluginRequestToken(options);
        const found = claims(token);
        return found?.obo
          ? {
              token: `${SERVICE_TOKEN_PREFIX}${JSON.stringify({
                ...found,
                caller: plugin.getId(),
              })}`,
            }
          : { token };
      },
      async authenticate(
        token: string,
        options?: Parameters<AuthService['authenticate']>[1],
      ) {
        const credentials = await inner.authenticate(token, options);
        const found = claims(token);
        if (found?.obo && found.caller) {
          return mockCredentials.user(found.obo, {
            actor: { subject: `plugin:${found.caller}` },
          });
        }
        return credentials;
      },
    });
  },
});

/** The auth above, and the real HTTP auth service reading requests with it. */
export const authWithActors = [authWithActorsFactory, httpAuthServiceFactory];
