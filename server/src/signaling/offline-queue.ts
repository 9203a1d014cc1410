/**
 * Messages for members that reserved a seat but whose socket has not arrived yet: kept in order (as stock
 * PeerServer does) but bounded per seat (OFFLINE_QUEUE_LIMIT messages, OFFLINE_QUEUE_BYTES bytes), handed over
 * when the socket registers, and dropped when the seat goes.
 */

interface Queue {
  readonly messages: object[];
  bytes: number;
}

export class OfflineQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly limit: number, private readonly maxBytes: number) {}

  /** Keep a message of `bytes` bytes for `dst` if its queue has room; false when it was not kept. */
  enqueue(dst: string, message: object, bytes: number): boolean {
    let queue = this.queues.get(dst);
    if (!queue) {
      if (this.limit === 0) return false;
      queue = { messages: [], bytes: 0 };
      this.queues.set(dst, queue);
    }
    if (queue.messages.length >= this.limit || queue.bytes + bytes > this.maxBytes) return false;
    queue.messages.push(message);
    queue.bytes += bytes;
    return true;
  }

  /** What waits for `id`, in order; its queue is gone afterwards. */
  take(id: string): readonly object[] {
    const queue = this.queues.get(id);
    this.queues.delete(id);
    return queue?.messages ?? [];
  }

  /** Forget what waits for `id` (its seat was freed). */
  drop(id: string): void {
    this.queues.delete(id);
  }

  clear(): void {
    this.queues.clear();
  }
}
