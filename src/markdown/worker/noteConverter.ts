// Converting text notes for the editor in a worker thread: a large note's conversion (hundreds of ms and tens of MB
// of garbage for 1 MB of HTML) then neither stops the extension host nor collects in its heap, and the worker's
// code stays compiled from one note to the next. Where the worker cannot run, the same conversion runs here.
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../storage/worker/workerEntry';
import type { IncludeTitles } from '../toMarkdown';
import { noteHtmlToStore, noteMarkdown } from './conversions';
import type { ConverterRequest as Request, ConverterToHost, HostToConverter } from './converterMessages';

export interface NoteConverter {
  /** The Markdown a note's HTML opens as. */
  toMarkdown(html: string, titles: IncludeTitles): Promise<string>;
  /** The HTML to store for `markdown` saved over `previousHtml`; undefined when the Markdown is the note's own. */
  toNoteHtml(markdown: string, previousHtml: string, titles: IncludeTitles): Promise<string | undefined>;
}

/** Converts on the calling thread (the CLI, and where no worker can start). */
export const convertOnThisThread: NoteConverter = {
  toMarkdown: async (html, titles) => noteMarkdown(html, titles),
  toNoteHtml: async (markdown, previousHtml, titles) => noteHtmlToStore(markdown, previousHtml, titles),
};

/**
 * The warm-up: a note of this many sections (warmUpNote.ts, about 1 MB of HTML) converted this many times. V8 has
 * optimized the converter only after a few MB of notes, and a large note also grows the worker's heap: a fresh
 * worker's first 1 MB note took 190–260 ms; 137–166 ms after six passes of 350 kB, and 116–129 ms after these four
 * of 1 MB (about 0.75 s of one core, once, off the host's thread). The started and warmed-up worker adds 50–62 MB to
 * the process's RSS (40–45 MB with the six small passes). One pass takes 120–180 ms.
 */
export const WARM_UP = { sections: 300, passes: 4 };

/**
 * The worker's V8 young generation in MB. V8's default let the warmed-up worker hold 57–62 MB of RSS; with 12 MB it
 * holds 30–38 MB, and converts as fast.
 */
export const CONVERTER_YOUNG_GENERATION_MB = 12;


const charsOf = (r: Request): number => (r.op === 'toMarkdown' ? r.html.length : r.op === 'toNoteHtml' ? r.markdown.length : r.sections);

function onThisThread(request: Request): string | null {
  switch (request.op) {
    case 'toMarkdown': return noteMarkdown(request.html, request.titles);
    case 'toNoteHtml': return noteHtmlToStore(request.markdown, request.previousHtml, request.titles) ?? null;
    case 'warmUp': return null; // warming this thread would stop it for nothing
  }
}

export interface WorkerConverterOptions {
  /** Told once when conversions move to the calling thread, and why. */
  onFallback?: (reason: string) => void;
  /** The worker's young generation in MB (CONVERTER_YOUNG_GENERATION_MB when absent). */
  youngGenerationMb?: number;
}

export class WorkerConverter implements NoteConverter {
  private worker: Worker | undefined;
  private unavailable: string | undefined;
  private readonly pending = new Map<number, { request: Request; resolve: (v: string | null) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private warming: Promise<void> | undefined;
  /** The worker's last answer: what it did, the HTML's or Markdown's length, and its wall and CPU time there. */
  lastTiming: { op: Request['op']; chars: number; ms: number; cpuMs: number } | undefined;

  constructor(private readonly options: WorkerConverterOptions = {}) {}

  /**
   * Starts the worker and converts the warm-up note in it, once; never fails (a worker that cannot run is told). One
   * message a pass, so that a note opened meanwhile waits for one pass at most.
   */
  warmUp({ sections, passes } = WARM_UP): Promise<void> {
    return (this.warming ??= (async () => {
      for (let pass = 0; pass < passes && this.offThread; pass++) await this.call({ op: 'warmUp', sections });
    })().then(() => undefined, () => undefined));
  }

  async toMarkdown(html: string, titles: IncludeTitles): Promise<string> {
    return (await this.call({ op: 'toMarkdown', html, titles })) ?? '';
  }

  async toNoteHtml(markdown: string, previousHtml: string, titles: IncludeTitles): Promise<string | undefined> {
    return (await this.call({ op: 'toNoteHtml', markdown, previousHtml, titles })) ?? undefined;
  }

  /** True while conversions run in the worker (false once it could not start or has stopped). */
  get offThread(): boolean {
    return this.unavailable === undefined;
  }

  private call(request: Request): Promise<string | null> {
    const worker = this.started();
    if (!worker) return new Promise((resolve) => resolve(onThisThread(request)));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { request, resolve, reject });
      const message: HostToConverter = { ...request, id };
      worker.postMessage(message);
    });
  }

  private started(): Worker | undefined {
    if (this.worker || this.unavailable !== undefined) return this.worker;
    const entry = workerEntry(__dirname, 'markdownWorker.js', 'converterWorker.ts');
    if (!entry) {
      this.fallBack(`the conversion worker is missing next to ${__dirname}`);
      return undefined;
    }
    const worker = new Worker(entry.file, {
      eval: entry.eval, resourceLimits: { maxYoungGenerationSizeMb: this.options.youngGenerationMb ?? CONVERTER_YOUNG_GENERATION_MB },
    });
    worker.unref(); // an idle converter never keeps a process (the CLI, a test) alive
    worker.on('message', (m: ConverterToHost) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) this.lastTiming = { op: p.request.op, chars: charsOf(p.request), ms: m.ms, cpuMs: m.cpuMs };
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new Error(m.message), { name: m.name }));
    });
    worker.on('error', (e) => this.fallBack(`the conversion worker failed: ${e instanceof Error ? e.message : String(e)}`));
    worker.on('exit', (code) => this.fallBack(`the conversion worker stopped (exit ${code})`));
    this.worker = worker;
    return worker;
  }

  /** From now on conversions run on this thread; the ones the worker had not answered are converted here. */
  private fallBack(reason: string): void {
    if (this.unavailable !== undefined) return;
    this.unavailable = reason;
    this.worker = undefined;
    this.options.onFallback?.(`Text notes are converted on the extension host's thread: ${reason}.`);
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      try {
        p.resolve(onThisThread(p.request));
      } catch (e) {
        p.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  dispose(): void {
    const worker = this.worker;
    this.unavailable ??= 'the converter was disposed';
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('The note converter was closed.'));
    this.pending.clear();
    void worker?.terminate();
  }
}
