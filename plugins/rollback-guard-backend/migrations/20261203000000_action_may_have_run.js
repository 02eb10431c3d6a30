// @ts-check

/**
 * Whether a failed execution may have reached its target (it timed out or the
 * connection broke after sending, or the target answered 5xx): a retry then
 * needs the person retrying to confirm they checked that it did not run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollback_guard_actions', table => {
    table.boolean('may_have_run').notNullable().defaultTo(false);
    table.index(
      ['requested_by', 'requested_at'],
      'rollback_guard_actions_requester_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('rollback_guard_actions', table => {
    table.dropIndex(
      ['requested_by', 'requested_at'],
      'rollback_guard_actions_requester_idx',
    );
    table.dropColumn('may_have_run');
  });
};
