// @ts-check

/**
 * Readiness snapshots: the last computed readiness of each entity, so that
 * the card reads it in one query instead of running the checks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollback_guard_readiness', table => {
    table.comment('The last readiness snapshot of each entity');
    table.string('entity_ref', 255).primary().notNullable();
    table.timestamp('computed_at', { useTz: true }).notNullable();
    table.text('snapshot').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rollback_guard_readiness');
};
