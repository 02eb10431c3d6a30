import { createTestModule } from '@rollback-guard/plugin-rollback-guard-node/testUtils';

/**
 * A backend module that adds providers, checks and executors through the
 * plugin's extension points, as a third-party module would: the one module
 * authors get from `@rollback-guard/plugin-rollback-guard-node/testUtils`.
 */
export const testModule = createTestModule;
