// @ts-check

/**
 * Supervised actions: each request, who approved it, and an append-only
 * audit trail of every step (no code path updates or deletes its rows).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollback_guard_actions', table => {
    table.comment(
      'Action requests: pause, resume, abort, roll back, roll forward',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('kind', 16).notNullable();
    table.string('target_version', 128).nullable();
    table.text('reason').notNullable();
    table.string('requested_by', 255).notNullable();
    table.string('idempotency_key', 128).notNullable();
    table.string('risk', 16).notNullable();
    table.timestamp('readiness_computed_at', { useTz: true }).notNullable();
    table.text('override_justification').nullable();
    table.integer('required_approvals').notNullable();
    table.string('status', 16).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.text('decision').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('outcome').nullable();
    table.unique(['requested_by', 'idempotency_key'], {
      indexName: 'rollback_guard_actions_idempotency_idx',
    });
    table.index(
      ['entity_ref', 'requested_at'],
      'rollback_guard_actions_entity_idx',
    );
  });

  await knex.schema.createTable('rollback_guard_action_approvals', table => {
    table.comment('One row per person who approved an action request');
    table
      .string('action_id', 36)
      .notNullable()
      .references('id')
      .inTable('rollback_guard_actions');
    table.string('approver', 255).notNullable();
    table.timestamp('approved_at', { useTz: true }).notNullable();
    table.primary(['action_id', 'approver']);
  });

  await knex.schema.createTable('rollback_guard_audit', table => {
    table.comment('Append-only audit trail of action requests');
    table.bigIncrements('id').primary();
    table.string('action_id', 36).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('step', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.text('details').notNullable();
    table
      .timestamp('at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['entity_ref', 'id'], 'rollback_guard_audit_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rollback_guard_audit');
  await knex.schema.dropTable('rollback_guard_action_approvals');
  await knex.schema.dropTable('rollback_guard_actions');
};
