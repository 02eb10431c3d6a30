import { createHash } from 'node:crypto';

/**
 * The lowercase hex SHA-256 of a text's UTF-8 bytes: how evidence contents
 * are named, as CI computes it with `sha256sum`.
 *
 * @internal
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
