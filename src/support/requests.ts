/**
 * A desk's requests to the server (admit, decline, remove) and their answers: each request carries a number the
 * server echoes in its result; one that gets no result in time fails.
 */

type Result = Record<string, unknown>;

interface Pending {
  resolve(result: Result): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class DeskRequests {
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  readonly #timeoutMs: number;
  readonly #lateText: () => string;

  constructor(
    timeoutMs: number,
    /** What a request that got no answer in time says (read when it happens, in the UI's language then). */
    lateText: () => string,
  ) {
    this.#lateText = lateText;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * A new request: `send` puts it on the wire under its number (false when it could not: the request fails with
   * `offline`). Settles with the server's result.
   */
  send(send: (req: number) => boolean, offline: string): Promise<Result> {
    const req = this.#next++;
    return new Promise((resolve, reject) => {
      if (!send(req)) return reject(new Error(offline));
      const timer = setTimeout(() => {
        this.#pending.delete(req);
        reject(new Error(this.#lateText()));
      }, this.#timeoutMs);
      this.#pending.set(req, { resolve, reject, timer });
    });
  }

  /** The server's result for request `req`: success (`result`), or the error to fail it with. */
  settle(req: number, outcome: { result: Result } | { error: () => Error }): void {
    const pending = this.#pending.get(req);
    if (!pending) return;
    this.#pending.delete(req);
    clearTimeout(pending.timer);
    if ('result' in outcome) pending.resolve(outcome.result);
    else pending.reject(outcome.error());
  }

  /** Fail every open request (the desk lost its socket, or closed). */
  failAll(why: string): void {
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new Error(why));
    }
    this.#pending.clear();
  }
}
