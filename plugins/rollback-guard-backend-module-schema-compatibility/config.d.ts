export interface Config {
  rollbackGuard?: {
    /**
     * The schema compatibility check: would the candidate's code still work
     * on the schema the migrations applied since it left behind?
     */
    schemaCompatibility?: {
      /**
       * The SQL dialect of entities without a
       * `rollback-guard/database-dialect` annotation.
       *
       * @default postgresql
       */
      defaultDialect?: 'postgresql' | 'mysql';
      /**
       * The migration tool of entities without a `rollback-guard/migrator`
       * annotation. `knex` and `sqlx` refuse to start when the database holds
       * a migration they do not know, so any migration applied since the
       * candidate blocks going back. Unset: no such assumption.
       */
      defaultMigrator?:
        | 'knex'
        | 'sqlx'
        | 'flyway'
        | 'golang-migrate'
        | 'prisma'
        | 'liquibase'
        | 'alembic'
        | 'django'
        | 'rails'
        | 'other';
    };
  };
}
