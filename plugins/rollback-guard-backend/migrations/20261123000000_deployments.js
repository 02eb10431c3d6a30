// @ts-check

/**
 * The deployment ledger: one row per deployment of an entity to an
 * environment, keyed by the deployment id the recording client chose, so that
 * a replayed write finds its row instead of adding one; the state changes it
 * went through; and the evidence CI attached to it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollback_guard_deployments', table => {
    table.comment('Deployments recorded in the Rollback Guard ledger');
    table.string('id', 128).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 128).notNullable();
    table.text('artifact_ref').nullable();
    table.string('artifact_digest', 128).nullable();
    table.string('strategy', 16).notNullable();
    table.string('state', 16).notNullable();
    table.integer('progress_percent').nullable();
    table.integer('traffic_percent').nullable();
    table.string('source_commit', 64).nullable();
    table.string('triggered_by', 255).nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .timestamp('recorded_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(
      ['entity_ref', 'environment', 'started_at', 'id'],
      'rollback_guard_deployments_entity_env_idx',
    );
    table.index(
      ['entity_ref', 'started_at', 'id'],
      'rollback_guard_deployments_entity_idx',
    );
  });

  await knex.schema.createTable('rollback_guard_deployment_events', table => {
    table.comment('Each state a ledger deployment went through, in order');
    table.bigIncrements('event_id').primary();
    table
      .string('deployment_id', 128)
      .notNullable()
      .references('id')
      .inTable('rollback_guard_deployments')
      .onDelete('CASCADE');
    table.string('state', 16).notNullable();
    table.integer('progress_percent').nullable();
    table.integer('traffic_percent').nullable();
    table.text('message').nullable();
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.index(['deployment_id'], 'rollback_guard_deployment_events_dep_idx');
  });

  await knex.schema.createTable('rollback_guard_evidence', table => {
    table.comment('Evidence attached to a ledger deployment');
    table.bigIncrements('evidence_id').primary();
    table
      .string('deployment_id', 128)
      .notNullable()
      .references('id')
      .inTable('rollback_guard_deployments')
      .onDelete('CASCADE');
    table.string('kind', 32).notNullable();
    table.string('name', 255).notNullable();
    table.string('media_type', 255).nullable();
    table.text('reference').nullable();
    table.text('content').nullable();
    table.integer('size_bytes').notNullable();
    table.index(['deployment_id'], 'rollback_guard_evidence_dep_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rollback_guard_evidence');
  await knex.schema.dropTable('rollback_guard_deployment_events');
  await knex.schema.dropTable('rollback_guard_deployments');
};
