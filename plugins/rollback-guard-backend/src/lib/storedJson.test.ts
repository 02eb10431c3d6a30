import { parseStoredReadiness } from './storedJson';

describe('parseStoredReadiness', () => {
  const fact = { label: 'Digest', value: 'sha256:4f2a' };
  const environment = (check: object, deployment?: object) => ({
    environment: 'production',
    candidates: [{ version: '1.4.2', deployment, checks: [check] }],
  });

  it('gives check results of a snapshot stored with `evidence` their `facts`', () => {
    const stored = JSON.stringify({
      entityRef: 'component:default/payments-api',
      environments: [environment({ checkId: 'artifact', evidence: [fact] })],
    });
    const parsed = parseStoredReadiness<any>(stored);
    expect(parsed.environments[0].candidates[0].checks[0]).toEqual({
      checkId: 'artifact',
      facts: [fact],
    });
  });

  it('does the same for the readiness of one environment', () => {
    const stored = JSON.stringify(
      environment({ checkId: 'artifact', evidence: [fact] }),
    );
    const parsed = parseStoredReadiness<any>(stored);
    expect(parsed.candidates[0].checks[0]).toEqual({
      checkId: 'artifact',
      facts: [fact],
    });
  });

  it('leaves current results and a deployment’s evidence as they are', () => {
    const current = {
      environments: [
        environment(
          { checkId: 'artifact', facts: [fact] },
          { id: 'd-1', evidence: [{ kind: 'sbom', name: 'sbom.json' }] },
        ),
      ],
    };
    expect(parseStoredReadiness(JSON.stringify(current))).toEqual(current);
  });
});
