// The conversion worker: converts text notes between HTML and Markdown off the host's thread, so that opening or
// saving a large note does not stop VS Code's extension host, and keeps its compiled code warm between notes.
import { parentPort } from 'node:worker_threads';
import { forgetLastConversion } from '../convert';
import { noteHtmlToStore, noteMarkdown } from './conversions';
import type { ConverterToHost, HostToConverter } from './converterMessages';
import { warmUpNote, withOneWordEdited } from './warmUpNote';

function warmUp(sections: number): null {
  const html = warmUpNote(sections);
  const titles = new Map([['warmUpIncl1', 'Included']]);
  noteHtmlToStore(withOneWordEdited(noteMarkdown(html, titles)), html, titles);
  forgetLastConversion();
  return null;
}

function answer(m: HostToConverter): string | null {
  switch (m.op) {
    case 'toMarkdown': return noteMarkdown(m.html, m.titles);
    case 'toNoteHtml': return noteHtmlToStore(m.markdown, m.previousHtml, m.titles) ?? null;
    case 'warmUp': return warmUp(m.sections);
  }
}

const port = parentPort;
if (!port) throw new Error('converterWorker.ts runs as a worker thread');
port.on('message', (m: HostToConverter) => {
  let reply: ConverterToHost;
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const value = answer(m);
    const used = process.cpuUsage(cpu);
    reply = { id: m.id, ok: true, value, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    reply = { id: m.id, ok: false, message: error.message, name: error.name };
  }
  port.postMessage(reply);
});
