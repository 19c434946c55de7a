// Entry of the pull's fetch worker thread: performs the GET /api/sync/changed requests of one pull with a transport
// made from the host's network options and with the login's session, and sends each body that the replica parses
// itself straight to the replica's inbox, so that the pull's ~200 MB of socket buffers never enter the host's heap.
// The host learns each page's cursor fields and size, and paces the worker as it applies. Unlike the replica's worker
// it keeps the host's OS priority: it uses little CPU, but the whole pull waits for each of its requests.
import { parentPort, workerData } from 'node:worker_threads';
import { transferablesOf } from '../../storage/transferables';
import { systemClock } from '../../storage/types';
import { serializeError } from '../../storage/worker/messages';
import { createTransport } from '../http/transport';
import type { Logger } from '../logger';
import { ProtocolClient } from '../protocolClient';
import type { FetchWorkerStart, FetcherToHost, HostToFetcher } from './fetchWorkerMessages';
import { INBOX_PAGES_AHEAD, MAX_BYTES_AHEAD } from './pulledPages';

const port = parentPort;
if (!port) throw new Error('fetchWorker runs only as a worker thread');

function post(message: FetcherToHost, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

const log = (level: 'debug' | 'info' | 'warn' | 'error') => (message: unknown) => post({ type: 'log', level, message: String(message) });
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

/** A byte array that is the whole of its ArrayBuffer, which can then move without affecting anything else. */
function ownsMemory(b: Uint8Array): boolean {
  return b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
}

let queued = 0;
let sentBytes = 0;
let releasedBytes = 0;
let wake: (() => void) | undefined;
port.on('message', (m: HostToFetcher) => {
  queued -= m.pages;
  releasedBytes += m.releasedBytes;
  wake?.();
});

async function run(start: FetchWorkerStart): Promise<void> {
  const transport = createTransport(start.network);
  const client = new ProtocolClient(transport, start.serverUrl, systemClock, logger);
  client.takeSession(start.cookies);
  let from = start.from;
  let nextId = 1;
  try {
    for (;;) {
      while (queued >= INBOX_PAGES_AHEAD || sentBytes - releasedBytes > MAX_BYTES_AHEAD) {
        await new Promise<void>((r) => (wake = r));
      }
      const page = await client.changedJson(start.instanceId, from);
      queued++;
      sentBytes += page.bytes;
      if ('json' in page) {
        const pageId = nextId++;
        const transfer = [...new Set(page.json.filter(ownsMemory).map((b) => b.buffer as ArrayBuffer))];
        start.inbox.postMessage({ id: pageId, json: page.json }, transfer);
        post({ type: 'inbox', page: { pageId, lastEntityChangeId: page.lastEntityChangeId, outstandingPullCount: page.outstandingPullCount, bytes: page.bytes } });
      } else {
        const final = page.entityChanges.length === 0;
        post({ type: 'parsed', page, ...(final ? { cookies: client.sessionCookies() } : {}) }, transferablesOf(page));
        if (final) return;
      }
      from = page.lastEntityChangeId;
    }
  } catch (e) {
    post({ type: 'error', error: serializeError(e) });
  } finally {
    transport.close?.();
  }
}

void run(workerData as FetchWorkerStart);
