// "Trilium: Open Today's Note" and "Trilium: Open Day Note…": the journal's day note, found or created as Trilium's
// calendar does (src/storage/journal), opened in an editor.
import * as vscode from 'vscode';
import { getDayNote, isoDate, localToday, parseIsoDate, type CalendarDate } from '../storage/journal';
import type { Services } from '../commands/services';

export function journalCommands(services: Services): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const open = async (date: CalendarDate, programmatic: boolean): Promise<string> => {
    const { noteId, created } = await getDayNote(services.session.requireReplica(), date);
    if (created.length) services.log.info(`Journal: created ${created.length} calendar note(s) for ${isoDate(date)}`);
    await vscode.commands.executeCommand('trilium.openNote', noteId, { preview: !programmatic ? false : true });
    return noteId;
  };
  return {
    /** Resolves to the day note's id. */
    'trilium.openTodayNote': async () => open(localToday(new Date()), false),
    /** With a `YYYY-MM-DD` argument (tests, keybindings) no input box is shown. */
    'trilium.openDayNote': async (arg?: unknown) => {
      let text = typeof arg === 'string' ? arg : undefined;
      if (text === undefined) {
        text = await vscode.window.showInputBox({
          title: 'Open Day Note', prompt: 'The date (YYYY-MM-DD)', value: isoDate(localToday(new Date())),
          validateInput: (v) => (parseIsoDate(v) ? undefined : 'A date as YYYY-MM-DD, e.g. 2026-11-24'),
        });
        if (text === undefined) return undefined;
      }
      const date = parseIsoDate(text);
      if (!date) throw new Error(`"${text}" is not a date (YYYY-MM-DD).`);
      return open(date, typeof arg === 'string');
    },
  };
}
