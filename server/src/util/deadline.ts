/**
 * A timer for a moment on the wall clock (`Date.now()`). Node's timers run on a monotonic clock and may fire a
 * millisecond before `Date.now()` reaches the moment; one that does is set again for the rest, so `fn` never runs
 * early (a visitor's `waitedMs` is never under the timeout it waited out). `keep` gets each timer, to clear it;
 * timers do not hold the process open.
 */
export function atDeadline(at: number, fn: () => void, keep: (timer: NodeJS.Timeout) => void): void {
  const timer = setTimeout(() => (Date.now() < at ? atDeadline(at, fn, keep) : fn()), Math.max(0, at - Date.now()));
  timer.unref();
  keep(timer);
}
