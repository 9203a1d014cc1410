/**
 * Waiting, the one way: a pause that an AbortSignal cuts short, and the jittered exponential backoff every retry
 * loop uses (re-registering, knocking again, a desk re-connecting, a request that got no answer).
 */
import { WidgetError } from './types.js';

/** Wait `ms`; rejects with a WidgetError `aborted` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WidgetError('aborted', 'cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The pause before retry number `attempt` (0 = first retry): `first · 2^attempt`, at most `max`, jittered over its
 * upper half so that many clients that lost the same server do not come back in step.
 */
export function backoff(attempt: number, first: number, max: number): number {
  const ceiling = Math.min(max, first * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
