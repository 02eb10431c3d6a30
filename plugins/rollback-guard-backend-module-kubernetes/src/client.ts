import {
  AddressGuard,
  exchange,
  ExchangeError,
} from '@rollback-guard/plugin-rollback-guard-node';
import { KubernetesCluster } from './config';

/** A Kubernetes object, as the API returns it (only what we read is typed). */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; uid: string }>;
  };
  spec?: any;
  status?: any;
};

/** What a cluster answered with an error status, or why it did not answer. */
export class KubernetesCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the API server answered. */
    readonly status: number | undefined,
    /** The request may have reached the API server. */
    readonly reachedTarget: boolean,
  ) {
    super(message);
    this.name = 'KubernetesCallError';
  }
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

export const guard = new AddressGuard({
  allowHint:
    'set allowPrivateAddresses: true on the cluster in rollbackGuard.kubernetes.clusters to allow it',
});

/**
 * The few Kubernetes API calls the provider makes, each through the outbound
 * guard, to a cluster configuration lists.
 */
export class KubernetesClient {
  constructor(
    private readonly cluster: KubernetesCluster,
    private readonly timeoutMs: number,
  ) {}

  get name() {
    return this.cluster.name;
  }

  private async call(
    method: string,
    path: string,
    options: {
      query?: Record<string, string>;
      body?: string;
      contentType?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<any> {
    const base = this.cluster.url.href.replace(/\/$/, '');
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      url.searchParams.set(k, v);
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.cluster.token) {
      headers.Authorization = `Bearer ${this.cluster.token}`;
    }
    if (options.contentType) headers['Content-Type'] = options.contentType;
    const what = `${method} ${path} on cluster ${this.cluster.name}`;
    let response;
    try {
      response = await exchange(url, {
        method,
        headers,
        body: options.body,
        guard,
        allowPrivateAddresses: this.cluster.allowPrivateAddresses,
        signal: options.signal,
        timeoutMs: this.timeoutMs,
        maxBytes: 16 * 1024 * 1024,
        ca: this.cluster.ca,
        names: {
          peer: `cluster ${this.cluster.name}`,
          host: url.hostname,
          aborted: `${what} was cancelled`,
        },
      });
    } catch (error) {
      if (error instanceof ExchangeError) {
        throw new KubernetesCallError(
          `${what}: ${error.message}`,
          undefined,
          error.connected,
        );
      }
      throw error;
    }
    let body: any;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (response.status < 200 || response.status > 299) {
      // The API server's errors are Status objects with a message.
      const message =
        typeof body?.message === 'string'
          ? body.message
          : response.statusText || 'no message';
      throw new KubernetesCallError(
        `${what} answered ${response.status}: ${message}`,
        response.status,
        true,
      );
    }
    if (body === undefined || response.truncated) {
      throw new KubernetesCallError(
        `${what} answered ${response.status} without a JSON object`,
        response.status,
        true,
      );
    }
    return body;
  }

  get(path: string, signal?: AbortSignal): Promise<KubeObject> {
    return this.call('GET', path, { signal });
  }

  async list(
    path: string,
    labelSelector: string,
    signal?: AbortSignal,
  ): Promise<KubeObject[]> {
    const body = await this.call('GET', path, {
      query: labelSelector ? { labelSelector } : {},
      signal,
    });
    return Array.isArray(body.items) ? body.items : [];
  }

  /** Sends `body` as is: the exact bytes `kubectl` would send. */
  patch(
    path: string,
    contentType: string,
    body: string,
    signal?: AbortSignal,
  ): Promise<KubeObject> {
    return this.call('PATCH', path, {
      // As kubectl names itself (kubectl-rollout), so the object's
      // managedFields say who changed it.
      query: { fieldManager: 'rollback-guard' },
      body,
      contentType,
      signal,
    });
  }
}

export const paths = {
  rollouts: (ns: string) =>
    `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(ns)}/rollouts`,
  rollout: (ns: string, name: string) =>
    `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(
      ns,
    )}/rollouts/${encodeURIComponent(name)}`,
  deployments: (ns: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments`,
  deployment: (ns: string, name: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(
      ns,
    )}/deployments/${encodeURIComponent(name)}`,
  replicaSets: (ns: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets`,
};
