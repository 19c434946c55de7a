// The journal finds or creates day notes as Trilium's calendar (date_notes service) does: labels, titles, parents.
import { strict as assert } from 'node:assert';
import type { Replica } from '../../../src/storage';
import { getDayNote } from '../../../src/storage/journal';
import { cleanupDirs, newDoc } from '../storage/helpers';

async function labels(r: Replica, noteId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const a of await r.getAttributes(noteId)) out[`${a.type === 'label' ? '#' : '~'}${a.name}`] = a.value;
  return out;
}

async function parentOf(r: Replica, noteId: string): Promise<string[]> {
  return (await r.getParentBranches(noteId)).map((b) => b.parentNoteId).sort();
}

describe('journal: day notes', () => {
  let r: Replica;
  beforeEach(async () => { r = await newDoc(); });
  afterEach(async () => { await r.close(); cleanupDirs(); });

  it('a fresh document gets Calendar / 2026 / 11 - November / 24 - Tuesday with Trilium\'s labels', async () => {
    const { noteId, created } = await getDayNote(r, { year: 2026, month: 11, day: 24 });
    assert.equal(created.length, 4);
    const [root, year, month, day] = created;
    assert.equal(day, noteId);
    assert.deepEqual(await parentOf(r, root), ['root']);
    assert.equal((await r.getNote(root))!.title, 'Calendar');
    assert.deepEqual(await labels(r, root), { '#calendarRoot': '', '#sorted': '' });
    assert.equal((await r.getNote(year))!.title, '2026');
    assert.deepEqual(await labels(r, year), { '#yearNote': '2026', '#sorted': '' });
    assert.deepEqual(await parentOf(r, year), [root]);
    assert.equal((await r.getNote(month))!.title, '11 - November');
    assert.deepEqual(await labels(r, month), { '#monthNote': '2026-11', '#sorted': '' });
    assert.deepEqual(await parentOf(r, month), [year]);
    assert.equal((await r.getNote(day))!.title, '24 - Tuesday');
    assert.deepEqual(await labels(r, day), { '#dateNote': '2026-11-24' });
    assert.deepEqual(await parentOf(r, day), [month]);

    const again = await getDayNote(r, { year: 2026, month: 11, day: 24 });
    assert.deepEqual(again, { noteId, created: [] }, 'the same day again: found, nothing created');
    const next = await getDayNote(r, { year: 2026, month: 11, day: 25 });
    assert.equal(next.created.length, 1, 'the next day reuses root, year and month');
    assert.deepEqual(await parentOf(r, next.noteId), [month]);
  });

  it('a calendar that already has the year and month (as Trilium made it) is used as it is', async () => {
    const cal = await r.createNote({ parentNoteId: 'root', title: 'Journal' });
    await r.addAttribute(cal.noteId, 'label', 'calendarRoot');
    const year = await r.createNote({ parentNoteId: cal.noteId, title: 'Year 2026' });
    await r.addAttribute(year.noteId, 'label', 'yearNote', '2026');
    const month = await r.createNote({ parentNoteId: year.noteId, title: 'Nov' });
    await r.addAttribute(month.noteId, 'label', 'monthNote', '2026-11');
    const { noteId, created } = await getDayNote(r, { year: 2026, month: 11, day: 3 });
    assert.deepEqual(created, [noteId]);
    assert.deepEqual(await parentOf(r, noteId), [month.noteId]);
    assert.equal((await r.getNote(noteId))!.title, '03 - Tuesday');
    const dec = await getDayNote(r, { year: 2026, month: 12, day: 1 });
    assert.equal(dec.created.length, 2, 'a new month under the existing year, then the day');
    assert.deepEqual(await parentOf(r, dec.created[0]), [year.noteId]);
    assert.equal((await r.getNote(dec.created[0]))!.title, '12 - December');
  });

  it('custom #datePattern and #monthPattern, and the root\'s ~dateTemplate', async () => {
    const cal = await r.createNote({ parentNoteId: 'root', title: 'Cal' });
    const tpl = await r.createNote({ parentNoteId: 'root', title: 'Day template' });
    await r.addAttribute(cal.noteId, 'label', 'calendarRoot');
    await r.addAttribute(cal.noteId, 'label', 'datePattern', '{isoDate} {weekDay3} ({ordinal})');
    await r.addAttribute(cal.noteId, 'label', 'monthPattern', '{isoMonth} {shortMonth3}');
    await r.addAttribute(cal.noteId, 'relation', 'dateTemplate', tpl.noteId);
    const { noteId, created } = await getDayNote(r, { year: 2027, month: 2, day: 21 });
    assert.equal((await r.getNote(created[1]))!.title, '2027-02 Feb');
    assert.equal((await r.getNote(noteId))!.title, '2027-02-21 Sun (21st)');
    assert.equal((await labels(r, noteId))['~template'], tpl.noteId);
  });

  it('with #enableWeekNote the day goes under a week note, cloned into both months of a split week', async () => {
    const cal = await r.createNote({ parentNoteId: 'root', title: 'Cal' });
    await r.addAttribute(cal.noteId, 'label', 'calendarRoot');
    await r.addAttribute(cal.noteId, 'label', 'enableWeekNote');
    // Monday weeks, week 1 holds 1 January: 2026-12-31 is a Thursday in the week of Mon 28 Dec 2026 – Sun 3 Jan 2027
    const { noteId } = await getDayNote(r, { year: 2026, month: 12, day: 31 });
    const [week] = await parentOf(r, noteId);
    const weekLabels = await labels(r, week);
    assert.equal(weekLabels['#weekNote'], '2027-W01');
    assert.equal((await r.getNote(week))!.title, 'Week 1');
    const months = await parentOf(r, week);
    assert.equal(months.length, 2, 'the week spans December and January');
    const monthKeys = await Promise.all(months.map(async (m) => (await labels(r, m))['#monthNote']));
    assert.deepEqual(monthKeys.sort(), ['2026-12', '2027-01']);
  });
});
