import { ConfigReader } from '@backstage/config';
import { readKubernetesSettings } from './config';

describe('readKubernetesSettings', () => {
  it('reads the module’s own clusters', () => {
    const settings = readKubernetesSettings(
      new ConfigReader({
        rollbackGuard: {
          kubernetes: {
            clusters: [
              {
                name: 'prod-eu',
                url: 'https://k8s.prod-eu.example.com',
                serviceAccountToken: 't',
                caData: Buffer.from(
                  '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
                ).toString('base64'),
              },
            ],
            timeoutMs: 500,
          },
        },
      }),
    );
    expect(settings.timeoutMs).toBe(500);
    expect(settings.clusters.get('prod-eu')).toEqual({
      name: 'prod-eu',
      url: new URL('https://k8s.prod-eu.example.com'),
      token: 't',
      ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
      allowPrivateAddresses: false,
      namespaces: undefined,
    });
  });

  it('falls back to the Kubernetes plugin’s config clusters with service-account auth', () => {
    const settings = readKubernetesSettings(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            {
              type: 'config',
              clusters: [
                {
                  name: 'dev',
                  url: 'https://10.0.0.1:6443',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 's',
                },
                {
                  name: 'gke',
                  url: 'https://gke.example.com',
                  authProvider: 'google',
                },
              ],
            },
          ],
        },
      }),
    );
    expect([...settings.clusters.keys()]).toEqual(['dev']);
    expect(settings.clusters.get('dev')).toMatchObject({
      token: 's',
      allowPrivateAddresses: true,
    });
    expect(settings.timeoutMs).toBe(10000);
  });

  it.each([
    [
      { clusters: [{ name: 'Prod EU', url: 'https://x' }] },
      'rollbackGuard.kubernetes.clusters[0].name "Prod EU" must be lowercase',
    ],
    [
      { clusters: [{ name: 'a', url: 'not a url' }] },
      'rollbackGuard.kubernetes.clusters[0].url "not a url" is not a URL',
    ],
    [
      { clusters: [{ name: 'a', url: 'ftp://x' }] },
      'must be an http or https URL',
    ],
    [
      {
        clusters: [
          { name: 'a', url: 'https://x' },
          { name: 'a', url: 'https://y' },
        ],
      },
      'cluster "a" is listed more than once',
    ],
    [{ timeoutMs: 0 }, 'timeoutMs must be positive'],
  ])('refuses bad configuration %#', (kubernetes, message) => {
    expect(() =>
      readKubernetesSettings(
        new ConfigReader({ rollbackGuard: { kubernetes } }),
      ),
    ).toThrow(message);
  });
});
