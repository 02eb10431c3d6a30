import {
  ANNOTATION_KUBERNETES_ENVIRONMENTS,
  parseKubernetesEnvironments,
  validateRollbackGuardAnnotations,
} from './annotations';

describe('rollback-guard/kubernetes-environments', () => {
  it('reads environment=cluster/namespace pairs, the namespace optional', () => {
    expect(
      parseKubernetesEnvironments(
        'staging=staging-eu/payments, production = prod-eu',
      ),
    ).toEqual({
      entries: [
        {
          environment: 'staging',
          cluster: 'staging-eu',
          namespace: 'payments',
        },
        { environment: 'production', cluster: 'prod-eu', namespace: undefined },
      ],
    });
  });

  it.each([
    ['', 'lists no environment'],
    [
      'production',
      'has "production", expected "environment=cluster/namespace"',
    ],
    [
      'production=https://k8s.example.com',
      'expected "environment=cluster/namespace"',
    ],
    ['production=prod-eu/a/b', 'has "production=prod-eu/a/b"'],
    ['production=Prod_EU', 'has invalid cluster name "Prod_EU"'],
    ['production=prod/Payments', 'has invalid namespace name "Payments"'],
    ['production=a, production=b', 'lists "production" more than once'],
  ])('refuses %j', (value, message) => {
    const parsed = parseKubernetesEnvironments(value);
    expect('error' in parsed && parsed.error).toContain(message);
  });

  it('is validated with the other annotations', () => {
    const [status] = validateRollbackGuardAnnotations({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments-api',
        annotations: {
          [ANNOTATION_KUBERNETES_ENVIRONMENTS]: 'production=prod',
        },
      },
    });
    expect(status).toEqual({
      name: 'rollback-guard/kubernetes-environments',
      value: 'production=prod',
      valid: true,
    });
  });
});
