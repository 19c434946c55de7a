export { getDayNote, type DayNoteResult } from './dayNotes';
export { isoDate, localToday, parseIsoDate, type CalendarDate } from './titles';
