/**
 * The schema compatibility check for Rollback Guard, and its pure core
 * `classifyMigrations` for CI tools.
 *
 * @packageDocumentation
 */

export { rollbackGuardModuleSchemaCompatibility as default } from './module';
export {
  SchemaCompatibilityCheck,
  type SchemaCompatibilityOptions,
} from './SchemaCompatibilityCheck';
export {
  classifyMigrations,
  type SchemaDialect,
  type SchemaFinding,
} from './classify';
