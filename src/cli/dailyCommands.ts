// trilium-sync search and today: Trilium's search language and the journal's day note, on the replica in --data.
import { getDayNote, isoDate, localToday, parseIsoDate } from '../storage/journal';
import { TriliumError } from '../storage/errors';
import { usage } from './args';
import { withReplica, type CommandContext, type CommandOutput } from './commands';

export async function searchCommand(ctx: CommandContext): Promise<CommandOutput> {
  const query = ctx.args.positional.join(' ').trim();
  if (!query) throw usage('`search` needs a query, e.g. trilium-sync search "#book orderBy note.title" --data DIR.');
  const limit = ctx.args.flags.limit !== undefined ? Number(ctx.args.flags.limit) : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw usage('--limit takes a whole number.');
  const ancestorNoteId = ctx.args.flags.ancestor;
  return withReplica(ctx, async (replica) => {
    const hits = await replica.search(query, { limit, ancestorNoteId });
    const text = hits.map((h) => `${h.noteId}  ${h.notePathTitle || h.title}\n`).join('');
    return { text, json: hits.map((h) => ({ noteId: h.noteId, title: h.title, type: h.type, notePath: h.notePath, notePathTitle: h.notePathTitle })) };
  });
}

export async function todayCommand(ctx: CommandContext): Promise<CommandOutput> {
  const given = ctx.args.flags.date;
  const date = given === undefined ? localToday(new Date()) : parseIsoDate(given);
  if (!date) throw new TriliumError('INVALID_OPERATION', `"${given}" is not a date.`, 'Give --date as YYYY-MM-DD, e.g. --date 2026-11-24.');
  return withReplica(ctx, async (replica) => {
    const { noteId, created } = await getDayNote(replica, date);
    return { text: `${noteId}\n`, json: { noteId, date: isoDate(date), created } };
  });
}
