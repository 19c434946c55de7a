// What VS Code's Markdown preview shows of a Trilium note that the note's Markdown does not hold: the content of the
// notes it includes and the bytes of its images. The preview's markdown-it plugin runs synchronously and the replica
// answers asynchronously, so this is a cache: a miss starts the read and answers "not yet"; when reads finish,
// `onFilled` asks the preview to render again (the glue runs `markdown.preview.refresh`), and this time they hit.
import type { ReplicaApi } from '../storage/replicaApi';
import { imageRef } from './sanitize';
import { includedNoteHtml, loadImages } from './noteHtml';

/** A read that found nothing to show (a missing note, a file that is not an image): cached too, so it is not retried. */
const NOTHING = null;
const MAX_CHARS = 64 * 1024 * 1024;

export class PreviewResources {
  private readonly cache = new Map<string, string | typeof NOTHING>();
  private readonly loading = new Set<string>();
  /** Bumped when the cache is cleared: reads started before that do not fill it. */
  private generation = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private replica: ReplicaApi | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Characters held (data: URIs are large); past MAX_CHARS the oldest entries go. */
  private chars = 0;

  constructor(private readonly onFilled: () => void) {}

  setReplica(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.replica = replica;
    this.unsubscribe = replica?.onDidChange(() => this.replicaChanged());
    this.replicaChanged();
  }

  /**
   * The safe HTML an included note's section shows (its title and, for a text note, its content); null when the
   * note does not exist; undefined while it is being read.
   */
  includedNote(noteId: string): string | null | undefined {
    return this.lookup(`include:${noteId}`, async (replica) => (await includedNoteHtml(replica, noteId, new Set())) ?? NOTHING);
  }

  /** A data: URI of the image a note's `api/images/…` or `api/attachments/…` address names; undefined when unknown or not yet read. */
  imageSrc(src: string): string | undefined {
    const ref = imageRef(src);
    if (!ref) return undefined;
    const key = `${ref.kind}:${ref.id}`;
    return this.lookup(`image:${key}`, async (replica) => (await loadImages(replica, [ref])).get(key) ?? NOTHING) ?? undefined;
  }

  /** After a change in the replica, everything is read again (an included note may include the note that changed). */
  replicaChanged(): void {
    if (this.cache.size === 0 && this.loading.size === 0) return;
    this.generation++;
    this.cache.clear();
    this.chars = 0;
    this.loading.clear();
    this.scheduleRefresh();
  }

  dispose(): void {
    this.unsubscribe?.();
    clearTimeout(this.refreshTimer);
    this.cache.clear();
  }

  private lookup(key: string, read: (replica: ReplicaApi) => Promise<string | typeof NOTHING>): string | null | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const replica = this.replica;
    if (!replica || this.loading.has(key)) return undefined;
    this.loading.add(key);
    const generation = this.generation;
    read(replica).then(
      (value) => this.fill(generation, key, value),
      () => this.fill(generation, key, NOTHING),
    );
    return undefined;
  }

  private fill(generation: number, key: string, value: string | typeof NOTHING): void {
    if (generation !== this.generation) return;
    this.loading.delete(key);
    this.cache.set(key, value);
    this.chars += value?.length ?? 0;
    for (const [old, v] of this.cache) {
      if (this.chars <= MAX_CHARS || old === key) break;
      this.cache.delete(old);
      this.chars -= v?.length ?? 0;
    }
    this.scheduleRefresh();
  }

  /** One refresh for the reads that finish together. */
  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.onFilled();
    }, 30);
  }
}
