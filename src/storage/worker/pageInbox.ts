// Pulled pages whose bodies reach the replica's worker from another thread over a MessagePort, keyed by a page id;
// the host, which never holds the bodies, names the pages to apply by their ids (SYNC-PROTOCOL.md §4.3). The port's
// messages and the host's may arrive in either order: a page asked for before its body is waited for.
import type { MessagePort } from 'node:worker_threads';
import { TriliumError } from '../errors';

/** One body as it arrives on the inbox's port: the page's id and its JSON text in the pieces it came in. */
export interface PageBody {
  id: number;
  json: Uint8Array[];
}

/** What the host says about a page it wants applied: its id and the cursor it read from the body's end. */
export interface InboxPage {
  id: number;
  lastEntityChangeId: number;
}

export class PageInbox {
  private readonly bodies = new Map<number, Uint8Array[]>();
  private readonly waiting = new Map<number, { resolve: (json: Uint8Array[]) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (body: PageBody) => {
      const waiter = this.waiting.get(body.id);
      if (waiter) {
        this.waiting.delete(body.id);
        waiter.resolve(body.json);
      } else this.bodies.set(body.id, body.json);
    });
  }

  /** The body of page `id`, once it has arrived; it leaves the inbox. */
  take(id: number): Promise<Uint8Array[]> {
    const json = this.bodies.get(id);
    if (json) {
      this.bodies.delete(id);
      return Promise.resolve(json);
    }
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  /** Drops the bodies not taken and fails the takes still waiting. */
  close(): void {
    this.closed = true;
    this.port.close();
    this.bodies.clear();
    for (const w of this.waiting.values()) w.reject(closedError());
    this.waiting.clear();
  }
}

function closedError(): TriliumError {
  return new TriliumError('CANCELLED', 'The pull that was sending pages to the replica has ended.');
}
