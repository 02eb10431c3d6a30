/**
 * The SQL dialect the migrations are written in.
 *
 * @public
 */
export type SchemaDialect = 'postgresql' | 'mysql';

/**
 * One thing the classifier found about the migrations applied since the
 * candidate: what the candidate's (older) code meets on the schema they leave.
 *
 * @public
 */
export type SchemaFinding = {
  /** Rule name; squawk's name where squawk has one, e.g. `ban-drop-column`. */
  rule: string;
  status: 'pass' | 'warn' | 'fail' | 'unknown';
  /** The candidate's code breaks outright (its queries error), whatever the data. */
  blocking?: boolean;
  /** The migration's name (file name). */
  migration: string;
  /** The statement's SQL text as written (trimmed). */
  statement?: string;
  /** One human sentence, e.g. `orders.legacy_ref was dropped`. */
  message: string;
  /** Atlas analyzer code where one exists, e.g. `DS103`. */
  atlas?: string;
  /** What the finding is about: `orders`, `orders.legacy_ref`, `schema billing`, `type order_status`. */
  object?: string;
};

/**
 * One migration file.
 *
 * @public
 */
export type SchemaMigration = { name: string; sql: string };

/**
 * What {@link classifyMigrations} classifies.
 *
 * @public
 */
export type ClassifyMigrationsInput = {
  dialect: SchemaDialect;
  /** The migrations applied since the candidate, in apply order. */
  migrations: SchemaMigration[];
  /**
   * Optional: the candidate's own migrations in order (the schema the
   * candidate knew). When given, it is used to know old column types,
   * nullability, defaults and which objects existed; when absent, any object
   * not created within `migrations` is assumed to have existed before (known
   * to the candidate) with unknown type.
   */
  baseline?: SchemaMigration[];
};
