import { Config } from '@backstage/config';

/**
 * One cluster the backend may call.
 *
 * @public
 */
export type KubernetesCluster = {
  name: string;
  url: URL;
  token?: string;
  ca?: string;
  allowPrivateAddresses: boolean;
  /** The namespaces entities may name; undefined: any. */
  namespaces?: string[];
};

/** @public */
export type KubernetesSettings = {
  clusters: Map<string, KubernetesCluster>;
  timeoutMs: number;
};

function decodeCa(data: string | undefined): string | undefined {
  if (!data) return undefined;
  if (data.includes('-----BEGIN')) return data;
  return Buffer.from(data, 'base64').toString('utf8');
}

function readCluster(cluster: Config, at: string): KubernetesCluster {
  const name = cluster.getString('name');
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new Error(
      `${at}.name "${name}" must be lowercase letters, digits and dashes, at most 63 characters`,
    );
  }
  const raw = cluster.getString('url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${at}.url "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${at}.url must be an http or https URL`);
  }
  return {
    name,
    url,
    token: cluster.getOptionalString('serviceAccountToken'),
    ca: decodeCa(cluster.getOptionalString('caData')),
    allowPrivateAddresses:
      cluster.getOptionalBoolean('allowPrivateAddresses') ?? false,
    namespaces: cluster.getOptionalStringArray('namespaces'),
  };
}

/**
 * Reads `rollbackGuard.kubernetes`, or when it lists no clusters, the
 * Kubernetes plugin's own `kubernetes.clusterLocatorMethods` of type
 * `config` whose clusters use `serviceAccount` auth.
 *
 * @public
 */
export function readKubernetesSettings(config: Config): KubernetesSettings {
  const own = config.getOptionalConfigArray(
    'rollbackGuard.kubernetes.clusters',
  );
  const clusters = new Map<string, KubernetesCluster>();
  const add = (c: KubernetesCluster, at: string) => {
    if (clusters.has(c.name)) {
      throw new Error(`${at}: cluster "${c.name}" is listed more than once`);
    }
    clusters.set(c.name, c);
  };
  if (own && own.length > 0) {
    own.forEach((c, i) =>
      add(
        readCluster(c, `rollbackGuard.kubernetes.clusters[${i}]`),
        'rollbackGuard.kubernetes.clusters',
      ),
    );
  } else {
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, m) => {
      if (method.getOptionalString('type') !== 'config') return;
      (method.getOptionalConfigArray('clusters') ?? []).forEach((c, i) => {
        const authProvider = c.getOptionalString('authProvider');
        if (authProvider !== 'serviceAccount') return;
        const at = `kubernetes.clusterLocatorMethods[${m}].clusters[${i}]`;
        const cluster = readCluster(c, at);
        // The Kubernetes plugin calls these clusters as configured; so may we.
        add(
          {
            ...cluster,
            allowPrivateAddresses:
              c.getOptionalBoolean('allowPrivateAddresses') ?? true,
          },
          at,
        );
      });
    });
  }
  const timeoutMs =
    config.getOptionalNumber('rollbackGuard.kubernetes.timeoutMs') ?? 10_000;
  if (!(timeoutMs > 0)) {
    throw new Error('rollbackGuard.kubernetes.timeoutMs must be positive');
  }
  return { clusters, timeoutMs };
}
