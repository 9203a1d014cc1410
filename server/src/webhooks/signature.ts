/**
 * Standard Webhooks signing (www.standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the bytes of the `whsec_` secret's base64 part.
 * `verifyWebhook` is what a receiver runs (exported for hosts written in Node, and used by the tests).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signWebhook(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Check a delivery: `secret` is the `whsec_…` string, `headers` the request's (lower-case names), `body` the raw
 * text. False when the signature does not match or the timestamp is more than `toleranceS` seconds off.
 */
export function verifyWebhook(
  secret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  toleranceS = 300,
  now = Date.now(),
): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof signatures !== 'string' || !/^\d+$/.test(ts)) return false;
  if (Math.abs(now / 1000 - Number(ts)) > toleranceS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(signWebhook(key, id, Number(ts), body));
  // The header may carry several space-separated signatures (key rotation): one match is enough.
  return signatures.split(' ').some((s) => {
    const given = Buffer.from(s);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
