export interface Config {
  rollbackGuard?: {
    /**
     * The vulnerabilities check: would going back re-open a vulnerability
     * the current version closed?
     */
    vulnerabilities?: {
      /**
       * An OSV-compatible API, asked about the packages of both versions so
       * that a candidate scanned long ago is judged by today's knowledge.
       * Unset: only the scan results attached to deployments are compared.
       */
      osv?: {
        /**
         * The API base, e.g. `https://api.osv.dev`. Unset: no lookup.
         */
        baseUrl?: string;
        /**
         * The hosts `baseUrl` may name: the backend sends package lists
         * only there.
         *
         * @default ["api.osv.dev"]
         */
        allowedHosts?: string[];
        /**
         * Allow the host to resolve to loopback, link-local or private
         * addresses (an internal OSV mirror).
         *
         * @default false
         */
        allowPrivateAddresses?: boolean;
        /**
         * How long one request to the API may take, in milliseconds.
         *
         * @default 10000
         */
        timeoutMs?: number;
        /**
         * Vulnerability records (`GET /v1/vulns/{id}`) read per check run,
         * beyond those cached; the rest are compared by id alone.
         *
         * @default 200
         */
        maxRecordLookups?: number;
        /**
         * How long OSV's answer for a package is reused, in minutes (every
         * candidate of every entity asks about the current version's
         * packages). Vulnerability records are reused while their
         * `modified` time stands.
         *
         * @default 60
         */
        cacheMinutes?: number;
      };
    };
  };
}
