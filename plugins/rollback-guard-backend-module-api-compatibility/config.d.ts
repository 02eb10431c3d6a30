export interface Config {
  rollbackGuard?: {
    /**
     * The API compatibility check: what the entity's API consumers lose if
     * it goes back.
     */
    apiCompatibility?: {
      /**
       * Also compare each API the entity consumes, as it was when the
       * candidate was deployed, with its definition in the catalog now.
       *
       * @default true
       */
      consumedApis?: boolean;
    };
  };
}
