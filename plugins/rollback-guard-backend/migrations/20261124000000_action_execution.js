// @ts-check

/**
 * The readiness each request was made against (the environment's part of the
 * snapshot, as the requester saw it), and when its current execution
 * started, so that one the providers never confirm can fail after
 * `rollbackGuard.actions.verifyTimeoutMinutes`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollback_guard_actions', table => {
    table.timestamp('execution_started_at', { useTz: true }).nullable();
    table.text('readiness').nullable();
    table.index(['status'], 'rollback_guard_actions_status_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('rollback_guard_actions', table => {
    table.dropIndex(['status'], 'rollback_guard_actions_status_idx');
    table.dropColumn('execution_started_at');
    table.dropColumn('readiness');
  });
};
