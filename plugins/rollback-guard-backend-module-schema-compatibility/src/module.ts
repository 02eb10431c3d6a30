import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { rollbackGuardChecksExtensionPoint } from '@rollback-guard/plugin-rollback-guard-node';
import {
  DATABASE_DIALECTS,
  MIGRATORS,
} from '@rollback-guard/plugin-rollback-guard-common';
import { InputError } from '@backstage/errors';
import { SchemaDialect } from './classify';

function oneOf(
  value: string | undefined,
  allowed: readonly string[],
  key: string,
): string | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    throw new InputError(
      `rollbackGuard.schemaCompatibility.${key} is "${value}"; use one of ${allowed.join(
        ', ',
      )}`,
    );
  }
  return value;
}
import { SchemaCompatibilityCheck } from './SchemaCompatibilityCheck';

/**
 * Adds the `schema-compatibility` readiness check to Rollback Guard.
 *
 * @public
 */
export const rollbackGuardModuleSchemaCompatibility = createBackendModule({
  pluginId: 'rollback-guard',
  moduleId: 'schema-compatibility',
  register(env) {
    env.registerInit({
      deps: {
        checks: rollbackGuardChecksExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ checks, config }) {
        const options = config.getOptionalConfig(
          'rollbackGuard.schemaCompatibility',
        );
        const defaultDialect = oneOf(
          options?.getOptionalString('defaultDialect'),
          DATABASE_DIALECTS,
          'defaultDialect',
        ) as SchemaDialect | undefined;
        const defaultMigrator = oneOf(
          options?.getOptionalString('defaultMigrator'),
          MIGRATORS,
          'defaultMigrator',
        );
        checks.addCheck(
          new SchemaCompatibilityCheck({ defaultDialect, defaultMigrator }),
        );
      },
    });
  },
});
