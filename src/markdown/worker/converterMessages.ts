// The messages between the host and the conversion worker (converterWorker.ts).
import type { IncludeTitles } from '../toMarkdown';

export type ConverterRequest =
  | { op: 'toMarkdown'; html: string; titles: IncludeTitles }
  | { op: 'toNoteHtml'; markdown: string; previousHtml: string; titles: IncludeTitles }
  | { op: 'warmUp'; sections: number };

export type HostToConverter = ConverterRequest & { id: number };

/**
 * `value`: the Markdown, the HTML to store (null: the Markdown is the note's own), or null after a warm-up; `ms` and
 * `cpuMs`: the conversion's wall and CPU time in the worker.
 */
export type ConverterToHost =
  | { id: number; ok: true; value: string | null; ms: number; cpuMs: number }
  | { id: number; ok: false; message: string; name: string };
