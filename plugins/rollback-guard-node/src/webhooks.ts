import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature Rollback Guard sends in `X-Rollback-Guard-Signature`:
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, where timestamp
 * is the `X-Rollback-Guard-Timestamp` header.
 *
 * @public
 */
export function signWebhookBody(
  secret: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  return `sha256=${createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest('hex')}`;
}

/**
 * For receivers: whether `signature` (the `X-Rollback-Guard-Signature`
 * header) was made with `secret` over `timestamp` (the
 * `X-Rollback-Guard-Timestamp` header) and the raw request `body`, and the
 * timestamp is within `toleranceSeconds` of `now`. A stale timestamp is
 * refused so that a captured request cannot be replayed later.
 *
 * @public
 */
export function verifyWebhookSignature(options: {
  secret: string;
  timestamp: string | number;
  /** The body exactly as received, before any JSON parsing. */
  body: string | Buffer;
  signature: string;
  toleranceSeconds?: number;
  now?: Date;
}): boolean {
  const { secret, body, signature, toleranceSeconds = 300 } = options;
  const timestamp = String(options.timestamp).trim();
  if (!secret || !/^[0-9]{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    return false;
  }
  const given = signature.trim().toLowerCase();
  if (!/^sha256=[0-9a-f]{64}$/.test(given)) return false;
  // Over the header's text as received: the same bytes the sender signed.
  const expected = signWebhookBody(secret, timestamp, body);
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
