export interface Config {
  /**
   * Rollback Guard backend configuration.
   */
  rollbackGuard?: {
    /**
     * The provider used for entities that have no `rollback-guard/provider`
     * annotation. Must be an installed provider.
     *
     * @default ledger
     */
    defaultProvider?: string;
    /**
     * How long each provider may take to answer, in milliseconds; a provider
     * that takes longer makes its part of the answer `unknown`.
     *
     * @default 5000
     */
    providerTimeoutMs?: number;
    /**
     * The built-in deployment ledger.
     */
    ledger?: {
      /**
       * The most evidence (migrations, API definitions, SBOMs) one deployment
       * may carry, in bytes; more is refused with 413, never truncated.
       *
       * @default 1048576
       */
      maxEvidenceBytes?: number;
      /**
       * What the ledger keeps. The newest deployment of each environment is
       * always kept. Applied hourly.
       */
      retention?: {
        /**
         * Deployments kept per entity and environment.
         *
         * @default 200
         */
        maxDeploymentsPerEnvironment?: number;
        /**
         * Deployments that started longer ago than this are removed.
         *
         * @default 365
         */
        maxAgeDays?: number;
      };
    };
  };
}
