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
  };
}
