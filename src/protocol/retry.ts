/**
 * How a client retries the server, the one way every retry loop of the widget does it (re-registering, knocking
 * again, a desk re-connecting, a request that got no answer): a pause an AbortSignal cuts short, and a jittered
 * exponential backoff, so that many clients that lost the same server do not come back in step. Client side only
 * (the server's build does not include it); nothing here depends on the DOM or on the widget.
 */

/** Wait `ms`; rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
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
 * upper half.
 */
export function backoff(attempt: number, first: number, max: number): number {
  const ceiling = Math.min(max, first * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
