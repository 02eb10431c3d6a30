export { classifyMigrations } from './classify';
export type {
  ClassifyMigrationsInput,
  SchemaDialect,
  SchemaFinding,
  SchemaMigration,
} from './types';
