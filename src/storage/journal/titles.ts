// Titles of calendar notes, from the calendar root's #monthPattern / #datePattern / #weekPattern or Trilium's
// defaults ("11 - November", "24 - Tuesday", "Week 48"), with English month and weekday names.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const DEFAULT_MONTH_PATTERN = '{monthNumberPadded} - {month}';
export const DEFAULT_DATE_PATTERN = '{dayInMonthPadded} - {weekDay}';
export const DEFAULT_WEEK_PATTERN = 'Week {weekNumber}';

/** A calendar day without a time zone: the date the user means. */
export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isoDate(d: CalendarDate): string {
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

export function parseIsoDate(text: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const d = { year: +m[1], month: +m[2], day: +m[3] };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  return check.getUTCMonth() === d.month - 1 && check.getUTCDate() === d.day ? d : null;
}

export function localToday(now: Date): CalendarDate {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

/** 0 = Sunday … 6 = Saturday */
export function weekday(d: CalendarDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

export function monthTitle(pattern: string | null, d: CalendarDate): string {
  const name = MONTHS[d.month - 1];
  return (pattern || DEFAULT_MONTH_PATTERN)
    .replace(/{shortMonth3}/g, name.slice(0, 3))
    .replace(/{shortMonth4}/g, name.slice(0, 4))
    .replace(/{isoMonth}/g, `${d.year}-${pad(d.month)}`)
    .replace(/{monthNumberPadded}/g, pad(d.month))
    .replace(/{month}/g, name);
}

export function dayTitle(pattern: string | null, d: CalendarDate): string {
  const name = WEEKDAYS[weekday(d)];
  return (pattern || DEFAULT_DATE_PATTERN)
    .replace(/{ordinal}/g, ordinal(d.day))
    .replace(/{dayInMonthPadded}/g, pad(d.day))
    .replace(/{isoDate}/g, isoDate(d))
    .replace(/{weekDay3}/g, name.slice(0, 3))
    .replace(/{weekDay2}/g, name.slice(0, 2))
    .replace(/{weekDay}/g, name);
}

export function weekTitle(pattern: string | null, weekNumber: number): string {
  return (pattern || DEFAULT_WEEK_PATTERN).replace(/{weekNumber}/g, String(weekNumber));
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st … */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
