import { mockCheckContext } from './checkContext';
import { mockDeploymentProvider } from './deploymentProvider';

describe('mockCheckContext', () => {
  it('goes back from 2.0.0 to 1.0.0 in production unless told otherwise, with the evidence given', async () => {
    const context = mockCheckContext({
      candidate: { version: '1.4.2' },
      evidence: {
        candidate: [
          { kind: 'migration', name: '001.sql', content: 'select 1' },
          { kind: 'sbom', name: 'sbom.json', content: '{}' },
        ],
      },
    });
    expect(context.entityRef).toBe('component:default/payments-api');
    expect(context.current).toMatchObject({
      version: '2.0.0',
      state: 'failed',
    });
    expect(context.candidate).toMatchObject({
      version: '1.4.2',
      environment: 'production',
    });
    expect(await context.evidence.list(context.candidate, 'migration')).toEqual(
      [{ kind: 'migration', name: '001.sql', content: 'select 1' }],
    );
    expect(await context.evidence.list(context.current, 'migration')).toEqual(
      [],
    );
  });
});

describe('mockDeploymentProvider', () => {
  const at = (day: number) => `2026-11-0${day}T00:00:00Z`;
  const deployment = (id: string, environment: string, day: number) => ({
    id,
    entityRef: 'component:default/payments-api',
    environment,
    version: id,
    strategy: 'rolling' as const,
    state: 'succeeded' as const,
    startedAt: at(day),
  });

  it('answers newest first, the newest per environment as current, page by page', async () => {
    const provider = mockDeploymentProvider('test', [
      deployment('a', 'production', 1),
      deployment('b', 'production', 3),
      deployment('c', 'staging', 2),
    ]);
    const request = {
      entity: { apiVersion: 'v1', kind: 'Component', metadata: { name: 'x' } },
      entityRef: 'component:default/payments-api',
      environments: [],
      signal: new AbortController().signal,
    };
    expect(
      (await provider.getCurrentDeployments(request)).map(d => d.id).sort(),
    ).toEqual(['b', 'c']);
    const first = await provider.listDeployments({ ...request, limit: 2 });
    expect(first.map(d => d.id)).toEqual(['b', 'c']);
    const next = await provider.listDeployments({
      ...request,
      limit: 2,
      before: { startedAt: first[1].startedAt, id: first[1].id },
    });
    expect(next.map(d => d.id)).toEqual(['a']);
    provider.deployments.push(deployment('d', 'production', 4));
    expect(
      (await provider.listDeployments({ ...request, limit: 1 }))[0].id,
    ).toBe('d');
  });
});
