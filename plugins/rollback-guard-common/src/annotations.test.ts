import { Entity } from '@backstage/catalog-model';
import {
  hasRollbackGuardAnnotations,
  parseAnnotationList,
  validateRollbackGuardAnnotations,
} from './annotations';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
  };
}

describe('validateRollbackGuardAnnotations', () => {
  it('accepts well-formed annotations', () => {
    const result = validateRollbackGuardAnnotations(
      entity({
        'rollback-guard/environments': 'staging, production',
        'rollback-guard/artifact':
          'registry.example.com:5000/team/payments-api',
        'rollback-guard/provider': 'ledger',
        'backstage.io/techdocs-ref': 'dir:.',
      }),
    );
    expect(result).toEqual([
      {
        name: 'rollback-guard/artifact',
        value: 'registry.example.com:5000/team/payments-api',
        valid: true,
      },
      {
        name: 'rollback-guard/environments',
        value: 'staging, production',
        valid: true,
      },
      { name: 'rollback-guard/provider', value: 'ledger', valid: true },
    ]);
  });

  it.each([
    ['rollback-guard/environments', ' , ', 'lists no environment'],
    [
      'rollback-guard/environments',
      'staging, Production!',
      'invalid environment name "Production!"',
    ],
    [
      'rollback-guard/environments',
      'prod, prod',
      'lists "prod" more than once',
    ],
    [
      'rollback-guard/artifact',
      'registry.example.com/team/app:1.2.3',
      'without tag or digest',
    ],
    [
      'rollback-guard/artifact',
      'registry.example.com/team/app@sha256:abc',
      'without tag or digest',
    ],
    ['rollback-guard/artifact', 'not a reference', 'not an OCI repository'],
    ['rollback-guard/provider', 'Argo CD', 'invalid provider name "Argo CD"'],
    [
      'rollback-guard/provider',
      'ledger, ledger',
      'lists "ledger" more than once',
    ],
    [
      'rollback-guard/environment',
      'prod',
      'is not a Rollback Guard annotation',
    ],
  ])('reports %s=%j as invalid', (name, value, message) => {
    const [status] = validateRollbackGuardAnnotations(
      entity({ [name]: value }),
    );
    expect(status.valid).toBe(false);
    expect(status.message).toContain(name);
    expect(status.message).toContain(message);
  });
});

describe('hasRollbackGuardAnnotations', () => {
  it('is true only when an annotation carries the prefix', () => {
    expect(
      hasRollbackGuardAnnotations(entity({ 'rollback-guard/provider': 'x' })),
    ).toBe(true);
    expect(
      hasRollbackGuardAnnotations(entity({ 'backstage.io/source': 'x' })),
    ).toBe(false);
    expect(
      hasRollbackGuardAnnotations({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).toBe(false);
  });
});

describe('parseAnnotationList', () => {
  it('trims and drops empty names', () => {
    expect(parseAnnotationList(' staging ,, production ')).toEqual([
      'staging',
      'production',
    ]);
  });
});
