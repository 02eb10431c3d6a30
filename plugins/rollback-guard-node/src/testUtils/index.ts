/**
 * Test utilities for Rollback Guard module authors: a check context, a
 * provider that answers what the test says, and a test module that adds
 * them to a test backend through the real extension points.
 *
 * @packageDocumentation
 */

export { mockCheckContext, type MockCheckContextOptions } from './checkContext';
export { mockDeploymentProvider } from './deploymentProvider';
export { createTestModule, type TestModuleParts } from './testModule';
