import { parseStoredReadiness } from './storedJson';

describe('parseStoredReadiness', () => {
  const fact = { label: 'Digest', value: 'sha256:4f2a' };

  it('gives check results stored with `evidence` their `facts`, wherever they are', () => {
    const stored = JSON.stringify({
      environments: [
        {
          candidates: [
            {
              version: '1.4.2',
              checks: [{ checkId: 'artifact-availability', evidence: [fact] }],
            },
          ],
        },
      ],
    });
    const parsed = parseStoredReadiness<any>(stored);
    const check = parsed.environments[0].candidates[0].checks[0];
    expect(check).toEqual({ checkId: 'artifact-availability', facts: [fact] });
  });

  it('leaves current results and a deployment’s evidence as they are', () => {
    const current = {
      checkId: 'artifact-availability',
      facts: [fact],
      deployment: { evidence: [{ kind: 'sbom', name: 'sbom.json' }] },
    };
    expect(parseStoredReadiness(JSON.stringify(current))).toEqual(current);
  });
});
