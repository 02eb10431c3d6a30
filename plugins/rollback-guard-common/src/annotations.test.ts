import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ACTION_WEBHOOK,
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
        'rollback-guard/action-webhook': 'deploy-production',
        'backstage.io/techdocs-ref': 'dir:.',
      }),
    );
    expect(result).toEqual([
      {
        name: 'rollback-guard/action-webhook',
        value: 'deploy-production',
        valid: true,
      },
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
    [
      'rollback-guard/action-webhook',
      'https://hooks.example.com/deploy',
      'not hold a URL',
    ],
    [
      'rollback-guard/action-webhook',
      'deploy-staging, deploy-production',
      'must name one webhook',
    ],
    ['rollback-guard/action-webhook', 'Deploy_Prod', 'lowercase letters'],
    ['rollback-guard/action-webhook', '', 'must name one webhook'],
  ])('reports %s=%j as invalid', (name, value, message) => {
    const [status] = validateRollbackGuardAnnotations(
      entity({ [name]: value }),
    );
    expect(status.valid).toBe(false);
    expect(status.message).toContain(name);
    expect(status.message).toContain(message);
  });
});

describe('the action webhook annotation', () => {
  it('is a known annotation, not reported as a typo', () => {
    expect(ANNOTATION_ACTION_WEBHOOK).toBe('rollback-guard/action-webhook');
    const [status] = validateRollbackGuardAnnotations(
      entity({ [ANNOTATION_ACTION_WEBHOOK]: 'gh-rollback' }),
    );
    expect(status).toEqual({
      name: 'rollback-guard/action-webhook',
      value: 'gh-rollback',
      valid: true,
    });
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
