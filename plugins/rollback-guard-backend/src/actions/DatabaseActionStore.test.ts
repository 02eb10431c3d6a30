import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseActionStore } from './DatabaseActionStore';
import { NewAction } from './ActionStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function newAction(overrides: Partial<NewAction> = {}): NewAction {
  return {
    id: 'a1',
    entityRef: 'component:default/payments-api',
    environment: 'production',
    kind: 'roll-back',
    targetVersion: '2.0.0',
    reason: 'broken',
    requestedBy: 'user:default/ana',
    idempotencyKey: 'k1',
    risk: 'low',
    readinessComputedAt: '2026-11-23T10:00:00.000Z',
    requiredApprovals: 1,
    status: 'requested',
    ttlSeconds: 3600,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())('DatabaseActionStore on %p', id => {
  let store: DatabaseActionStore;

  beforeAll(async () => {
    const knex = await databases.init(id);
    // Runs the plugin's migrations, the action tables among them.
    store = await DatabaseActionStore.create({
      database: mockServices.database.mock({ getClient: async () => knex }),
    });
  });

  it('reads the database clock', async () => {
    const now = await store.now();
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('creates once per requester and idempotency key, expiring by the database clock', async () => {
    const before = await store.now();
    const first = await store.create(newAction());
    expect(first.created).toBe(true);
    expect(
      Date.parse(first.action.expiresAt) - Date.parse(first.action.requestedAt),
    ).toBe(3600_000);
    expect(Date.parse(first.action.requestedAt)).toBeGreaterThanOrEqual(
      before.getTime() - 1000,
    );
    const again = await store.create(newAction({ id: 'a2', kind: 'pause' }));
    expect(again).toEqual({ action: first.action, created: false });
    const otherKey = await store.create(
      newAction({ id: 'a3', idempotencyKey: 'k2' }),
    );
    expect(otherKey.created).toBe(true);
  });

  it('moves a request only from the status it is in, and counts each approver once', async () => {
    await store.create(newAction({ id: 'b1', idempotencyKey: 'kb1' }));
    expect(await store.addApproval('b1', 'user:default/bob')).toBe('added');
    expect(await store.addApproval('b1', 'user:default/bob')).toBe('duplicate');
    expect(
      await store.transition('b1', 'requested', 'approved', {
        by: 'user:default/bob',
      }),
    ).toBe(true);
    expect(await store.transition('b1', 'requested', 'rejected')).toBe(false);
    expect(await store.get('b1')).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/bob',
      approvals: [{ by: 'user:default/bob' }],
    });
  });

  it('keeps a change and its audit row together, or neither', async () => {
    await store.create(newAction({ id: 't1', idempotencyKey: 'kt1' }));
    const row = (details: Record<string, unknown>) => ({
      actionId: 't1',
      entityRef: 'component:default/payments-api',
      step: 'rejected',
      actor: 'user:default/bob',
      details,
    });
    // The audit row cannot be written (its details do not serialize): the
    // change it records is undone with it.
    const unwritable = { size: BigInt(1) };
    await expect(
      store.transition('t1', 'requested', 'rejected', undefined, [
        row(unwritable),
      ]),
    ).rejects.toThrow();
    expect((await store.get('t1'))?.status).toBe('requested');
    await expect(
      store.addApproval('t1', 'user:default/bob', [row(unwritable)]),
    ).rejects.toThrow();
    expect((await store.get('t1'))?.approvals).toEqual([]);

    expect(
      await store.transition('t1', 'requested', 'rejected', undefined, [
        row({ comment: 'no' }),
      ]),
    ).toBe(true);
    const trail = await store.auditTrail('component:default/payments-api', 50);
    expect(trail.filter(e => e.actionId === 't1').map(e => e.step)).toEqual([
      'rejected',
    ]);
  });

  it('appends to the audit trail, newest first', async () => {
    await store.audit({
      actionId: 'b1',
      entityRef: 'component:default/x',
      step: 'requested',
      actor: 'ana',
      details: { a: 1 },
    });
    await store.audit({
      actionId: 'b1',
      entityRef: 'component:default/x',
      step: 'approved',
      actor: 'bob',
      details: {},
    });
    const trail = await store.auditTrail('component:default/x', 10);
    expect(trail.map(e => e.step)).toEqual(['approved', 'requested']);
    expect(trail[1].details).toEqual({ a: 1 });
  });

  it('tells waiting requests from overdue ones by the database clock', async () => {
    await store.create(
      newAction({ id: 'c1', idempotencyKey: 'kc1', ttlSeconds: 3600 }),
    );
    await store.create(
      newAction({ id: 'c2', idempotencyKey: 'kc2', ttlSeconds: 0.05 }),
    );
    await store.create(
      newAction({
        id: 'c3',
        idempotencyKey: 'kc3',
        status: 'approved',
        ttlSeconds: 0.05,
      }),
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    const pending = (await store.pending(100)).map(a => a.id);
    expect(pending).toContain('c1');
    expect(pending).not.toContain('c2');
    expect(pending).not.toContain('c3');
    expect((await store.overdue(100)).map(a => a.id)).toEqual(['c2']);
  });
});
