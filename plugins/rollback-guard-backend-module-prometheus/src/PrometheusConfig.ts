import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { QueryTemplate } from './promql';

const KEY = 'rollbackGuard.prometheus';
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SIGNAL = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

/**
 * One Prometheus server from configuration. Its credentials are not part of
 * it: only {@link PrometheusSettings.authorization} reads them, so they
 * cannot reach a result, a log line or the frontend.
 *
 * @public
 */
export type PrometheusServer = {
  name: string;
  /** The API base, e.g. `https://prometheus.example.com` (a path prefix is kept). */
  baseUrl: URL;
  allowPrivateAddresses: boolean;
  timeoutMs: number;
};

/** @public */
export type QuerySet = {
  name: string;
  server: PrometheusServer;
  queries: Map<string, QueryTemplate>;
};

/**
 * `rollbackGuard.prometheus`: the servers the backend may query (and no
 * other), and the named query sets entities choose from.
 *
 * @public
 */
export class PrometheusSettings {
  readonly #authorizations: Map<string, string>;

  private constructor(
    readonly querySets: Map<string, QuerySet>,
    readonly defaultQuerySet: string | undefined,
    authorizations: Map<string, string>,
  ) {
    this.#authorizations = authorizations;
  }

  /** The `Authorization` header value for a server, if it has credentials. */
  authorization(server: PrometheusServer): string | undefined {
    return this.#authorizations.get(server.name);
  }

  static fromConfig(config: Config): PrometheusSettings {
    const root = config.getOptionalConfig(KEY);
    const servers = new Map<string, PrometheusServer>();
    const authorizations = new Map<string, string>();
    (root?.getOptionalConfigArray('servers') ?? []).forEach((item, index) => {
      const where = `${KEY}.servers[${index}]`;
      const name = item.getString('name');
      if (!NAME.test(name)) {
        throw new InputError(
          `${where}.name must be lowercase letters, digits and dashes, got "${name}"`,
        );
      }
      if (servers.has(name)) {
        throw new InputError(`${where}.name "${name}" is configured twice`);
      }
      let baseUrl: URL;
      try {
        baseUrl = new URL(item.getString('baseUrl'));
      } catch {
        throw new InputError(`${where}.baseUrl must be an absolute URL`);
      }
      if (!['http:', 'https:'].includes(baseUrl.protocol)) {
        throw new InputError(`${where}.baseUrl must be http or https`);
      }
      if (baseUrl.username || baseUrl.password || baseUrl.search) {
        throw new InputError(
          `${where}.baseUrl must carry no credentials or query; use token or username and password`,
        );
      }
      const token = item.getOptionalString('token');
      const username = item.getOptionalString('username');
      const password = item.getOptionalString('password');
      if (Boolean(username) !== Boolean(password)) {
        throw new InputError(
          `${where} must set both username and password, or neither`,
        );
      }
      if (token && username) {
        throw new InputError(
          `${where} sets both token and username: choose bearer or basic auth`,
        );
      }
      if (token) authorizations.set(name, `Bearer ${token}`);
      if (username && password) {
        authorizations.set(
          name,
          `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
        );
      }
      const timeoutMs = item.getOptionalNumber('timeoutMs') ?? 5000;
      if (!(timeoutMs > 0)) {
        throw new InputError(`${where}.timeoutMs must be a positive number`);
      }
      servers.set(name, {
        name,
        baseUrl,
        allowPrivateAddresses:
          item.getOptionalBoolean('allowPrivateAddresses') ?? false,
        timeoutMs,
      });
    });
    const querySets = new Map<string, QuerySet>();
    const sets = root?.getOptionalConfig('querySets');
    for (const name of sets?.keys() ?? []) {
      const where = `${KEY}.querySets.${name}`;
      if (!NAME.test(name)) {
        throw new InputError(
          `${where}: a query set name is lowercase letters, digits and dashes`,
        );
      }
      const set = sets!.getConfig(name);
      const serverName = set.getString('server');
      const server = servers.get(serverName);
      if (!server) {
        throw new InputError(
          `${where}.server names "${serverName}", which is not in ${KEY}.servers`,
        );
      }
      const queries = new Map<string, QueryTemplate>();
      const queryConfig = set.getConfig('queries');
      for (const signal of queryConfig.keys()) {
        if (!SIGNAL.test(signal)) {
          throw new InputError(
            `${where}.queries.${signal}: a signal name is letters and digits, starting with a letter`,
          );
        }
        try {
          queries.set(
            signal,
            QueryTemplate.parse(queryConfig.getString(signal)),
          );
        } catch (error) {
          throw new InputError(
            `${where}.queries.${signal} ${(error as Error).message}`,
          );
        }
      }
      querySets.set(name, { name, server, queries });
    }
    const defaultQuerySet = root?.getOptionalString('defaultQuerySet');
    if (defaultQuerySet !== undefined && !querySets.has(defaultQuerySet)) {
      throw new InputError(
        `${KEY}.defaultQuerySet names "${defaultQuerySet}", which is not in ${KEY}.querySets`,
      );
    }
    return new PrometheusSettings(querySets, defaultQuerySet, authorizations);
  }
}
