// What crosses the boundary between the host and the pull's fetch worker (fetchWorker.ts). Page bodies do not: they
// go from the fetch worker to the replica's worker over the inbox port.
import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from '../../storage/worker/messages';
import type { NetworkOptions } from '../http/transport';
import type { ChangedPage } from '../protocolClient';
import type { InboxPageRef } from './pulledPages';

export interface FetchWorkerStart {
  serverUrl: string;
  network: NetworkOptions;
  /** The login's session, as the host's client holds it. */
  cookies: string | undefined;
  instanceId: string;
  /** lastSyncedPull: the pull starts after it. */
  from: number;
  /** The replica's inbox (ReplicaApi.openPageInbox). */
  inbox: MessagePort;
}

/** The host took `pages` pages to apply and is done with the `releasedBytes` of those it took before. */
export type HostToFetcher = { type: 'took'; pages: number; releasedBytes: number };

export type FetcherToHost =
  | { type: 'inbox'; page: InboxPageRef }
  /**
   * A page parsed in the fetch worker: small ones, one with a huge blob, and the final one, which carries the session's
   * cookies as the worker leaves them (the server may renew them) for the host's client to go on with.
   */
  | { type: 'parsed'; page: ChangedPage; cookies?: string }
  | { type: 'error'; error: SerializedError }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };
