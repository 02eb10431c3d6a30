import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ACTION_WEBHOOK,
  ANNOTATION_APPROVALS,
  hasRollbackGuardAnnotations,
  parseAnnotationList,
  validateRollbackGuardAnnotations,
} from './annotations';
import { parseApprovalsAnnotation } from './policy';

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
    ['rollback-guard/approvals', ' , ', 'sets no approvals'],
    ['rollback-guard/approvals', 'resume: 2', 'is not "rule=count"'],
    ['rollback-guard/approvals', 'rollback=2', 'unknown rule "rollback"'],
    ['rollback-guard/approvals', 'resume=two', 'a whole number from 0 to 10'],
    ['rollback-guard/approvals', 'resume=-1', 'sets resume to "-1"'],
    ['rollback-guard/approvals', 'resume=11', 'a whole number from 0 to 10'],
    ['rollback-guard/approvals', 'resume=1.5', 'a whole number'],
    [
      'rollback-guard/approvals',
      'roll-back=2, roll-back.high=3',
      'sets roll-back.high more than once',
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

describe('parseApprovalsAnnotation', () => {
  it('reads rule=count pairs, roll-back standing for every risk', () => {
    expect(
      parseApprovalsAnnotation(' roll-back = 3 , resume=2,pause=0 '),
    ).toEqual({
      approvals: {
        'roll-back.low': 3,
        'roll-back.medium': 3,
        'roll-back.high': 3,
        'roll-back.blocked': 3,
        resume: 2,
        pause: 0,
      },
    });
    expect(parseApprovalsAnnotation('roll-back.medium=2')).toEqual({
      approvals: { 'roll-back.medium': 2 },
    });
  });

  it('is a known annotation when well formed', () => {
    const [status] = validateRollbackGuardAnnotations(
      entity({ [ANNOTATION_APPROVALS]: 'roll-forward=2' }),
    );
    expect(status.valid).toBe(true);
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
