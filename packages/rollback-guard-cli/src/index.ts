/**
 * The `rollback-guard` CI command.
 *
 * @packageDocumentation
 */

export { main } from './main';
export type { Io } from './io';
export { EXIT } from './errors';
