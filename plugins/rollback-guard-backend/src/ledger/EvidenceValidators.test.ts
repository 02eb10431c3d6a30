import { InputError } from '@backstage/errors';
import { EvidenceValidators } from './EvidenceValidators';

describe('EvidenceValidators', () => {
  const validators = new EvidenceValidators();
  validators.add({
    kind: 'sbom',
    validate: item =>
      item.content.startsWith('{') ? undefined : 'is not JSON',
  });
  validators.add({
    kind: 'api-definition',
    validate: () => {
      throw new Error('parser crashed');
    },
  });

  it('runs the validators of each item’s kind on items with content, naming every refusal', () => {
    expect(() =>
      validators.check([
        { kind: 'migration', name: '001.sql', content: 'not json at all' },
        { kind: 'sbom', name: 'by-hash.json' },
        { kind: 'sbom', name: 'good.json', content: '{}' },
        { kind: 'sbom', name: 'bad.xml', content: '<bom/>' },
        { kind: 'api-definition', name: 'payments-api', content: 'x' },
      ]),
    ).toThrow(
      new InputError(
        'Invalid body: body.evidence.3: sbom "bad.xml" is not JSON; body.evidence.4: api-definition "payments-api" could not be validated: parser crashed',
      ),
    );
  });

  it('lets through what no validator refuses', () => {
    expect(() =>
      validators.check([{ kind: 'sbom', name: 'good.json', content: '{}' }]),
    ).not.toThrow();
    expect(() =>
      new EvidenceValidators().check([
        { kind: 'sbom', name: 'x', content: 'y' },
      ]),
    ).not.toThrow();
  });
});
