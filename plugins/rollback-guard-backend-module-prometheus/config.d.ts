export interface Config {
  rollbackGuard?: {
    /**
     * Prometheus as a health source: the servers the backend may query (no
     * other host is ever contacted) and the named query sets entities choose
     * from with `rollback-guard/health-query-set`.
     */
    prometheus?: {
      servers?: Array<{
        /** How query sets name the server. */
        name: string;
        /** The API base, e.g. `https://prometheus.example.com`. */
        baseUrl: string;
        /**
         * Bearer token.
         *
         * @visibility secret
         */
        token?: string;
        /** Basic auth user name. */
        username?: string;
        /**
         * Basic auth password.
         *
         * @visibility secret
         */
        password?: string;
        /**
         * Allow the host to resolve to loopback, link-local or private
         * addresses (an in-cluster Prometheus).
         *
         * @default false
         */
        allowPrivateAddresses?: boolean;
        /**
         * How long one query may take, in milliseconds.
         *
         * @default 5000
         */
        timeoutMs?: number;
      }>;
      /**
       * Named sets of PromQL templates, one per signal (`errorRate`,
       * `latencyP95`, `availability`, or a named extra). Placeholders
       * `${entity}`, `${environment}` and `${version}` (written `$${...}` in
       * YAML, where `${...}` is an environment variable) must stand inside a
       * double-quoted label value; they are escaped when filled.
       */
      querySets?: {
        [name: string]: {
          /** The name of a server above. */
          server: string;
          queries: { [signal: string]: string };
        };
      };
      /**
       * The query set of entities without `rollback-guard/health-query-set`;
       * unset: only annotated entities are read.
       */
      defaultQuerySet?: string;
    };
  };
}
