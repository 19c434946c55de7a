// The journal: finds or creates day notes the way Trilium's calendar does, so Trilium opens the same note.
// Calendar root: the note with #calendarRoot (else a new "Calendar" under root, #calendarRoot #sorted). Under it,
// year notes (#yearNote=YYYY, #sorted), month notes (#monthNote=YYYY-MM, #sorted), with #enableWeekNote week notes
// (#weekNote=YYYY-Www, #sorted, cloned into the second month when the week spans two) and day notes
// (#dateNote=YYYY-MM-DD). Each is found by its label anywhere under the root, so a calendar made elsewhere is used
// as it is. The root's ~yearTemplate, ~monthTemplate, ~weekTemplate and ~dateTemplate become ~template of new notes.
import type { ReplicaApi } from '../replicaApi';
import type { AttributeRow } from '../types';
import { dayTitle, isoDate, monthTitle, weekTitle, type CalendarDate } from './titles';
import { addDays, weekOf, type WeekRules } from './weeks';

export interface DayNoteResult {
  noteId: string;
  /** Notes this call created (root, year, month, week, day), in creation order. */
  created: string[];
}

interface Calendar {
  replica: ReplicaApi;
  rootId: string;
  rootAttrs: AttributeRow[];
  created: string[];
}

export async function getDayNote(replica: ReplicaApi, date: CalendarDate): Promise<DayNoteResult> {
  const cal = await openCalendar(replica);
  const day = isoDate(date);
  const existing = await findUnder(cal, `#dateNote="${day}"`);
  if (existing) return { noteId: existing, created: cal.created };
  const parent = (await weekNotesEnabled(cal)) ? await weekNote(cal, date) : await monthNote(cal, date);
  const noteId = await createCalendarNote(cal, parent, dayTitle(ownLabel(cal, 'datePattern'), date), 'dateNote', day, 'dateTemplate', false);
  return { noteId, created: cal.created };
}

async function openCalendar(replica: ReplicaApi): Promise<Calendar> {
  const created: string[] = [];
  let rootId: string | undefined;
  for (const hit of await replica.search('#calendarRoot', { includeArchived: true, includeHidden: true })) {
    if ((await replica.getAttributes(hit.noteId)).some((a) => a.type === 'label' && a.name === 'calendarRoot')) { rootId = hit.noteId; break; }
  }
  if (!rootId) {
    rootId = (await replica.createNote({ parentNoteId: 'root', title: 'Calendar' })).noteId;
    await replica.addAttribute(rootId, 'label', 'calendarRoot');
    await replica.addAttribute(rootId, 'label', 'sorted');
    created.push(rootId);
  }
  return { replica, rootId, rootAttrs: await replica.getAttributes(rootId), created };
}

function ownLabel(cal: Calendar, name: string): string | null {
  return cal.rootAttrs.find((a) => a.type === 'label' && a.name === name)?.value ?? null;
}

async function findUnder(cal: Calendar, query: string): Promise<string | null> {
  const hits = await cal.replica.search(query, { ancestorNoteId: cal.rootId });
  return hits[0]?.noteId ?? null;
}

async function weekNotesEnabled(cal: Calendar): Promise<boolean> {
  // #enableWeekNote counts inherited too (Trilium's hasLabel)
  return (await cal.replica.search('#enableWeekNote', { ancestorNoteId: cal.rootId, includeArchived: true }))
    .some((h) => h.noteId === cal.rootId);
}

async function createCalendarNote(
  cal: Calendar, parentNoteId: string, title: string, label: string, value: string, templateRelation: string, sorted: boolean,
): Promise<string> {
  const { noteId } = await cal.replica.createNote({ parentNoteId, title });
  await cal.replica.addAttribute(noteId, 'label', label, value);
  if (sorted) await cal.replica.addAttribute(noteId, 'label', 'sorted');
  const template = cal.rootAttrs.find((a) => a.type === 'relation' && a.name === templateRelation);
  if (template) await cal.replica.addAttribute(noteId, 'relation', 'template', template.value);
  cal.created.push(noteId);
  return noteId;
}

async function yearNote(cal: Calendar, date: CalendarDate): Promise<string> {
  const year = String(date.year);
  return (await findUnder(cal, `#yearNote="${year}"`))
    ?? createCalendarNote(cal, cal.rootId, year, 'yearNote', year, 'yearTemplate', true);
}

async function monthNote(cal: Calendar, date: CalendarDate): Promise<string> {
  const month = isoDate(date).slice(0, 7);
  const found = await findUnder(cal, `#monthNote="${month}"`);
  if (found) return found;
  const title = monthTitle(ownLabel(cal, 'monthPattern'), date);
  const year = await yearNote(cal, date);
  return createCalendarNote(cal, year, title, 'monthNote', month, 'monthTemplate', true);
}

async function weekRules(replica: ReplicaApi): Promise<WeekRules> {
  const num = async (name: string, fallback: number) => {
    const v = parseInt((await replica.getOption(name)) ?? '', 10);
    return Number.isFinite(v) ? v : fallback;
  };
  return { firstDayOfWeek: await num('firstDayOfWeek', 1), firstWeekOfYear: await num('firstWeekOfYear', 0), minDaysInFirstWeek: await num('minDaysInFirstWeek', 4) };
}

async function weekNote(cal: Calendar, date: CalendarDate): Promise<string> {
  const week = weekOf(date, await weekRules(cal.replica));
  const found = await findUnder(cal, `#weekNote="${week.key}"`);
  if (found) return found;
  const month = await monthNote(cal, week.start);
  const noteId = await createCalendarNote(cal, month, weekTitle(ownLabel(cal, 'weekPattern'), week.number), 'weekNote', week.key, 'weekTemplate', true);
  const end = addDays(week.start, 6);
  if (end.month !== week.start.month) await cal.replica.cloneNote(noteId, await monthNote(cal, end));
  return noteId;
}
