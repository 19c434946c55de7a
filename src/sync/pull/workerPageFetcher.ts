// The pages of a pull fetched by a worker thread (fetchWorker.ts): the bodies go to the replica's inbox, and this
// side, on the host's thread, holds only their cursor fields and sizes. Errors of the worker's requests arrive as the
// same TriliumErrors the host's client would have thrown.
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../storage/worker/workerEntry';
import { reviveBuffers } from '../../storage/transferables';
import { deserializeError } from '../../storage/worker/messages';
import { TriliumError, isTriliumError } from '../errors';
import type { Logger } from '../logger';
import type { FetcherToHost, FetchWorkerStart, HostToFetcher } from './fetchWorkerMessages';
import { takeMergeable, type PageSource, type PulledPage } from './pulledPages';

function fetchWorkerEntry(): { file: string; eval: boolean } {
  const entry = workerEntry(__dirname, 'pullFetchWorker.js', 'fetchWorker.ts');
  if (!entry) throw new Error(`The pull's fetch worker is missing next to ${__dirname}.`);
  return entry;
}

/** What the worker starts with, and what stays on the host: where it logs, and the sync's cancel. */
export interface FetchWorkerOptions extends FetchWorkerStart {
  logger: Logger;
  signal?: AbortSignal;
}

export class WorkerPageFetcher implements PageSource {
  private readonly worker: Worker;
  private readonly queue: PulledPage[] = [];
  private error: Error | undefined;
  private done = false;
  private wakeTaker: (() => void) | undefined;
  private takenBytes = 0;
  /** The session's cookies as the worker left them (the server may renew them), once the final page is here. */
  cookies: string | undefined;

  constructor(private readonly opts: FetchWorkerOptions) {
    const entry = fetchWorkerEntry();
    const start: FetchWorkerStart = {
      serverUrl: opts.serverUrl, network: opts.network, cookies: opts.cookies, instanceId: opts.instanceId, from: opts.from, inbox: opts.inbox,
    };
    this.worker = new Worker(entry.file, { eval: entry.eval, workerData: start, transferList: [opts.inbox] });
    this.worker.on('message', (m: FetcherToHost) => this.onMessage(m));
    this.worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => {
      if (!this.done) this.fail(new TriliumError('PROTOCOL', `The thread fetching the pull stopped unexpectedly (exit ${code}).`, 'Sync again.'));
    });
    if (opts.signal?.aborted) this.onAbort();
    else opts.signal?.addEventListener('abort', this.onAbort);
  }

  private readonly onAbort = () => this.fail(new TriliumError('CANCELLED', 'The sync was cancelled.'));

  private onMessage(m: FetcherToHost): void {
    if (m.type === 'inbox') this.queue.push(m.page);
    else if (m.type === 'parsed') {
      this.queue.push(reviveBuffers(m.page));
      if (m.page.entityChanges.length === 0) {
        this.cookies = m.cookies;
        this.done = true;
      }
    } else if (m.type === 'error') {
      this.fail(deserializeError(m.error));
      return;
    } else {
      this.opts.logger[m.level](m.message);
      return;
    }
    this.wakeTaker?.();
  }

  private fail(e: Error): void {
    if (this.done) return;
    this.error = e;
    this.done = true;
    void this.worker.terminate();
    this.wakeTaker?.();
  }

  async take(maxRecords: number, maxJsonBytes: number): Promise<PulledPage[]> {
    while (this.queue.length === 0) {
      if (this.error) throw this.error;
      if (this.done) throw new TriliumError('PROTOCOL', 'The pull ended without a final page.');
      await new Promise<void>((r) => (this.wakeTaker = r));
    }
    // As on the host's thread, the pages that came before a failure are applied first; a cancel stops at once.
    if (isTriliumError(this.error, 'CANCELLED')) throw this.error;
    const pages = takeMergeable(this.queue, maxRecords, maxJsonBytes);
    const released = this.takenBytes;
    this.takenBytes = pages.reduce((n, p) => n + p.bytes, 0);
    if (!this.done) this.worker.postMessage({ type: 'took', pages: pages.length, releasedBytes: released } satisfies HostToFetcher);
    return pages;
  }

  stop(): void {
    this.done = true;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    void this.worker.terminate();
  }
}
