// The pages of a pull as the applier takes them: parsed, JSON text held here, or JSON text sent to the replica's
// inbox by the fetch worker and named by its id. Which of those that arrived one after another go into one apply.
import type { ChangedPage, ChangedPageJson } from '../protocolClient';

/** Pull pages fetched ahead of the one being applied. */
export const MAX_PAGES_AHEAD = 4;
/**
 * The same for the fetch worker, whose page bodies wait in the replica's inbox: enough to go on fetching while the
 * replica builds its indexes before the last pages of an initial sync (EARLY_INDEX_BUILD: 0.7 s for 300k changes).
 */
export const INBOX_PAGES_AHEAD = 16;
/** No page is fetched ahead while the pages held (queued or being applied) are this large: one huge blob at a time. */
export const MAX_BYTES_AHEAD = 32 * 1024 * 1024;

/** A page whose body went to the replica's inbox (see openPageInbox): the cursor fields read from its end. */
export interface InboxPageRef {
  pageId: number;
  lastEntityChangeId: number;
  outstandingPullCount: number;
  bytes: number;
}

export type PulledPage = ChangedPage | ChangedPageJson | InboxPageRef;

export const isJson = (p: PulledPage): p is ChangedPageJson => 'json' in p;
export const isInInbox = (p: PulledPage): p is InboxPageRef => 'pageId' in p;
const isParsed = (p: PulledPage): p is ChangedPage => 'entityChanges' in p;
/** The page that ends a pull: no records (a page left as JSON text is never empty: see JSON_PAGE_MIN_BYTES). */
export const isFinal = (p: PulledPage): boolean => isParsed(p) && p.entityChanges.length === 0;

const kindOf = (p: PulledPage): 'parsed' | 'json' | 'inbox' => (isParsed(p) ? 'parsed' : isJson(p) ? 'json' : 'inbox');

/**
 * Takes from the front of `queue` (which must not be empty) the first page and those after it of the same kind, up
 * to about `maxRecords` parsed records or `maxJsonBytes` of JSON text; a final page ends the run.
 */
export function takeMergeable(queue: PulledPage[], maxRecords: number, maxJsonBytes: number): PulledPage[] {
  const pages: PulledPage[] = [queue.shift()!];
  const kind = kindOf(pages[0]);
  const sizeOf = (p: PulledPage) => (isParsed(p) ? p.entityChanges.length : p.bytes);
  const max = kind === 'parsed' ? maxRecords : maxJsonBytes;
  let size = sizeOf(pages[0]);
  while (queue.length && !isFinal(pages[pages.length - 1]) && kindOf(queue[0]) === kind) {
    const more = sizeOf(queue[0]);
    if (size + more > max) break;
    pages.push(queue.shift()!);
    size += more;
  }
  return pages;
}

/** Hands the pages of a pull to the applier, fetched ahead of it. */
export interface PageSource {
  /** Waits for at least one page, then returns those already here that are applied together (takeMergeable). */
  take(maxRecords: number, maxJsonBytes: number): Promise<PulledPage[]>;
  stop(): void;
}
