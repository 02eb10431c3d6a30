import { AnnotationStatus } from './annotations';

/**
 * What Rollback Guard knows about one catalog entity.
 *
 * @public
 */
export type RollbackGuardSummary = {
  /** The entity reference, e.g. `component:default/payments-api`. */
  entityRef: string;
  /** The ids of the providers deployments are read from, e.g. `['ledger']`. */
  providers: string[];
  /** The entity's `rollback-guard/` annotations, each validated. */
  annotations: AnnotationStatus[];
  /** True when every annotation is valid. */
  valid: boolean;
};
