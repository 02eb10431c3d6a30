// @ts-check
const crypto = require('node:crypto');

/**
 * Evidence contents kept once per entity by SHA-256: CI lists every
 * migration a version ships with each deployment, and long histories would
 * otherwise store the same files again and again. The evidence rows keep the
 * name, kind, hash and origin; earlier rows' inline contents move here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollback_guard_evidence_contents', table => {
    table.comment('Evidence contents, once per entity and SHA-256');
    table.string('entity_ref', 255).notNullable();
    table.string('sha256', 64).notNullable();
    table.text('content').notNullable();
    table.integer('size_bytes').notNullable();
    table.primary(['entity_ref', 'sha256']);
  });
  await knex.schema.alterTable('rollback_guard_evidence', table => {
    table.string('sha256', 64).nullable();
    // Absent when CI attached the item; `catalog-snapshot` when the backend
    // copied an API definition from the catalog at record time.
    table.string('origin', 32).nullable();
  });
  await knex.schema.alterTable('rollback_guard_evidence', table => {
    table.index(['name', 'sha256'], 'rollback_guard_evidence_name_sha_idx');
  });

  const rows = await knex('rollback_guard_evidence as e')
    .join('rollback_guard_deployments as d', 'd.id', 'e.deployment_id')
    .whereNotNull('e.content')
    .select('e.evidence_id', 'e.content', 'd.entity_ref');
  for (const row of rows) {
    const sha256 = crypto
      .createHash('sha256')
      .update(row.content, 'utf8')
      .digest('hex');
    await knex('rollback_guard_evidence_contents')
      .insert({
        entity_ref: row.entity_ref,
        sha256,
        content: row.content,
        size_bytes: Buffer.byteLength(row.content, 'utf8'),
      })
      .onConflict(['entity_ref', 'sha256'])
      .ignore();
    await knex('rollback_guard_evidence')
      .where({ evidence_id: row.evidence_id })
      .update({ sha256, content: null });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const rows = await knex('rollback_guard_evidence as e')
    .join('rollback_guard_deployments as d', 'd.id', 'e.deployment_id')
    .join('rollback_guard_evidence_contents as c', function joinContent() {
      this.on('c.entity_ref', '=', 'd.entity_ref').andOn(
        'c.sha256',
        '=',
        'e.sha256',
      );
    })
    .select('e.evidence_id', 'c.content');
  for (const row of rows) {
    await knex('rollback_guard_evidence')
      .where({ evidence_id: row.evidence_id })
      .update({ content: row.content });
  }
  await knex.schema.alterTable('rollback_guard_evidence', table => {
    table.dropIndex(['name', 'sha256'], 'rollback_guard_evidence_name_sha_idx');
    table.dropColumn('sha256');
    table.dropColumn('origin');
  });
  await knex.schema.dropTable('rollback_guard_evidence_contents');
};
