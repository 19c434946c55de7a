// Week numbers for week notes, with Trilium's options: firstDayOfWeek (0 = Sunday, 1 = Monday…), firstWeekOfYear
// (0: the week holding 1 January, 1: the first week with a Thursday (ISO 8601), 2: the first week with at least
// minDaysInFirstWeek days of the year).
import type { CalendarDate } from './titles';

export interface WeekRules {
  firstDayOfWeek: number;
  firstWeekOfYear: number;
  minDaysInFirstWeek: number;
}

const DAY = 86400000;
const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

function firstWeekStart(year: number, r: WeekRules): number {
  const jan1 = utc(year, 1, 1);
  const offset = (new Date(jan1).getUTCDay() - r.firstDayOfWeek + 7) % 7;
  let start = jan1 - offset * DAY;
  if (r.firstWeekOfYear === 1) {
    // the first week is the one whose fourth day (Thursday for Monday weeks) is in the year
    if (new Date(start + 3 * DAY).getUTCFullYear() < year) start += 7 * DAY;
  } else if (r.firstWeekOfYear === 2) {
    if (7 - offset < r.minDaysInFirstWeek) start += 7 * DAY;
  }
  return start;
}

/** "2026-W48" and the first day of that week. */
export function weekOf(d: CalendarDate, r: WeekRules): { key: string; year: number; number: number; start: CalendarDate } {
  const t = utc(d.year, d.month, d.day);
  let year = d.year;
  if (t >= firstWeekStart(year + 1, r)) year += 1;
  else if (t < firstWeekStart(year, r)) year -= 1;
  const start0 = firstWeekStart(year, r);
  const number = Math.floor((t - start0) / (7 * DAY)) + 1;
  const startT = start0 + (number - 1) * 7 * DAY;
  const s = new Date(startT);
  return {
    key: `${year}-W${String(number).padStart(2, '0')}`, year, number,
    start: { year: s.getUTCFullYear(), month: s.getUTCMonth() + 1, day: s.getUTCDate() },
  };
}

export function addDays(d: CalendarDate, n: number): CalendarDate {
  const s = new Date(utc(d.year, d.month, d.day) + n * DAY);
  return { year: s.getUTCFullYear(), month: s.getUTCMonth() + 1, day: s.getUTCDate() };
}
