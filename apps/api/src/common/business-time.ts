import { DateTime } from 'luxon';
import { publicHolidays } from './public-holidays';

/** Where business days are counted: the zone decides the local weekday, holidays are local dates. */
export interface BusinessCalendar {
  /** IANA zone, e.g. 'Asia/Jakarta'. */
  timeZone: string;
  /** 'YYYY-MM-DD' local dates that are not business days (besides the country's). */
  holidays: readonly string[];
  /** ISO 3166 code whose public holidays (`date-holidays` data) are not business days. */
  country?: string;
}

/** Daily opening hours as local 'HH:mm'; `end` may be '24:00' (midnight at the end of the day). */
export interface BusinessHours {
  start: string;
  end: string;
}

const MS_PER_HOUR = 3_600_000;
const MINUTES_PER_DAY = 24 * 60;

/** A local calendar date; weekday arithmetic on it must not depend on any zone's offsets. */
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** True on Monday–Friday that is not a holiday, judged by the local date in the calendar's zone. */
export function isBusinessDay(at: Date, calendar: BusinessCalendar): boolean {
  const local = toZone(at, calendar.timeZone);
  return isBusinessDate(dateOf(local), holidayCheck(calendar));
}

/**
 * The deadline N business days after `start`: the same local time of day on the Nth business day
 * after the day it starts. A start on a weekend or holiday counts from 00:00 of the next business
 * day. N = 0 means "now", even on a weekend.
 */
export function addBusinessDays(start: Date, days: number, calendar: BusinessCalendar): Date {
  const local = toZone(start, calendar.timeZone);
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new RangeError(`Business days must be a whole number ≥ 0, got ${days}`);
  }
  const holidays = holidayCheck(calendar);
  if (days === 0) return new Date(start.getTime());

  let date = dateOf(local);
  let timeOfDay = {
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    millisecond: local.millisecond,
  };
  if (!isBusinessDate(date, holidays)) {
    date = nextBusinessDate(date, holidays);
    timeOfDay = { hour: 0, minute: 0, second: 0, millisecond: 0 };
  }
  for (let i = 0; i < days; i++) date = nextBusinessDate(date, holidays);

  // Rebuilt from wall-clock fields, so a DST change in between keeps the local time of day.
  return DateTime.fromObject({ ...date, ...timeOfDay }, { zone: calendar.timeZone }).toJSDate();
}

/** Answers of `businessDaysUntil` by calendar, by their two local dates (all they depend on). */
const daysUntil = new WeakMap<BusinessCalendar, Map<string, number>>();
/** Answers kept per calendar at most (then forgotten at once): a few per day in practice. */
const DAYS_UNTIL_KEPT = 10_000;

/**
 * Whole business days left until `due`: the business days after today (in the calendar's zone)
 * up to and including the due date. 0 once due, and on the due date itself. Every refund under
 * review shows it, each refund of a list page too; counted day by day it took about 90 µs (a
 * microbenchmark), so each answer is kept for its calendar and its two local dates.
 */
export function businessDaysUntil(now: Date, due: Date, calendar: BusinessCalendar): number {
  if (due.getTime() <= now.getTime()) return 0;
  const today = localDay(now, calendar.timeZone);
  const last = localDay(due, calendar.timeZone).isoDate;
  let known = daysUntil.get(calendar);
  if (!known) daysUntil.set(calendar, (known = new Map<string, number>()));
  const key = `${today.isoDate} ${last}`;
  const answer = known.get(key);
  if (answer !== undefined) return answer;

  const holidays = holidayCheck(calendar);
  let days = 0;
  // 'YYYY-MM-DD' strings compare as dates; ends because `due` is a finite date after `now`.
  let date = nextBusinessDate(today.date, holidays);
  while (isoDate(date) <= last) {
    days++;
    date = nextBusinessDate(date, holidays);
  }
  if (known.size >= DAYS_UNTIL_KEPT) known.clear();
  known.set(key, days);
  return days;
}

/** A local calendar day of a zone, with the instants it spans: [start, end) in epoch ms. */
interface LocalDay {
  start: number;
  end: number;
  date: LocalDate;
  isoDate: string;
}

/** The local days last looked up, by zone, most recent first. */
const recentDays = new Map<string, LocalDay[]>();
const RECENT_DAYS_KEPT = 32;

/**
 * The local day of `at` in `timeZone`. A zone's offset is found through `Intl` (about 10 µs);
 * the days last looked up are kept with the instants they span (a day of 23 or 25 hours when
 * the clocks change), so that an instant within one of them needs no lookup.
 */
function localDay(at: Date, timeZone: string): LocalDay {
  const instant = at.getTime();
  let days = recentDays.get(timeZone);
  if (!days) recentDays.set(timeZone, (days = []));
  const kept = days.find((day) => instant >= day.start && instant < day.end);
  if (kept) return kept;
  const local = toZone(at, timeZone);
  const date = dateOf(local);
  const day = {
    start: local.startOf('day').toMillis(),
    // The next day's own start: where the clocks skip midnight, a day can start at 01:00, and a
    // day later than that is an hour into the next day.
    end: local.plus({ days: 1 }).startOf('day').toMillis(),
    date,
    isoDate: isoDate(date),
  };
  days.unshift(day);
  if (days.length > RECENT_DAYS_KEPT) days.pop();
  return day;
}

/**
 * The deadline H business hours after `start`, counting only time inside the daily business hours
 * on business days. A start outside hours counts from the next opening; fractional hours are fine.
 * A deadline that uses up a day's hours exactly falls at that day's closing time.
 */
export function addBusinessHours(
  start: Date,
  hours: number,
  calendar: BusinessCalendar,
  businessHours: BusinessHours,
): Date {
  const local = toZone(start, calendar.timeZone);
  if (!Number.isFinite(hours) || hours < 0) {
    throw new RangeError(`Business hours must be a finite number ≥ 0, got ${hours}`);
  }
  const holidays = holidayCheck(calendar);
  const { open, close } = parseHours(businessHours);
  if (hours === 0) return new Date(start.getTime());

  // Whole milliseconds, so 0.1 h does not leave float dust that spills into the next day.
  let remaining = Math.round(hours * MS_PER_HOUR);
  const startMs = start.getTime();
  let date = dateOf(local);
  // Terminates: holidays are finite, so business days keep coming and each one uses up time.
  for (;;) {
    if (isBusinessDate(date, holidays)) {
      const opensAt = atMinuteOfDay(date, open, calendar.timeZone);
      const closesAt = atMinuteOfDay(date, close, calendar.timeZone);
      const from = Math.max(startMs, opensAt);
      if (from < closesAt) {
        // Elapsed time, not wall-clock difference: a window crossing a DST change counts real time.
        const available = closesAt - from;
        if (remaining <= available) return new Date(from + remaining);
        remaining -= available;
      }
    }
    date = addCalendarDays(date, 1);
  }
}

/**
 * The business hours between two instants: the time inside the daily business hours on business
 * days, as a (fractional) number of hours; 0 when `to` is not after `from`.
 */
export function businessHoursBetween(
  from: Date,
  to: Date,
  calendar: BusinessCalendar,
  businessHours: BusinessHours,
): number {
  const local = toZone(from, calendar.timeZone);
  toZone(to, calendar.timeZone);
  const holidays = holidayCheck(calendar);
  const { open, close } = parseHours(businessHours);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  let elapsed = 0;
  // Terminates: each turn moves a day on, and the day that starts after `to` ends it.
  for (let date = dateOf(local); ; date = addCalendarDays(date, 1)) {
    if (atMinuteOfDay(date, 0, calendar.timeZone) >= toMs) break;
    if (!isBusinessDate(date, holidays)) continue;
    const opensAt = atMinuteOfDay(date, open, calendar.timeZone);
    const closesAt = atMinuteOfDay(date, close, calendar.timeZone);
    const overlap = Math.min(toMs, closesAt) - Math.max(fromMs, opensAt);
    if (overlap > 0) elapsed += overlap;
  }
  return elapsed / MS_PER_HOUR;
}

function toZone(at: Date, timeZone: string): DateTime {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new RangeError('Expected a valid Date');
  }
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
  return local;
}

/** Whether a local 'YYYY-MM-DD' date is a holiday: one of the listed dates or a public holiday. */
type HolidayCheck = (isoDate: string, year: number) => boolean;

function holidayCheck(calendar: BusinessCalendar): HolidayCheck {
  for (const holiday of calendar.holidays) {
    // Strict shape, so '2026-1-1' cannot silently never match.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(holiday) || !DateTime.fromISO(holiday).isValid) {
      throw new RangeError(`Holiday must be a 'YYYY-MM-DD' date, got '${holiday}'`);
    }
  }
  const listed = new Set(calendar.holidays);
  const country = calendar.country;
  return (isoDate, year) =>
    listed.has(isoDate) || (country !== undefined && publicHolidays(country, year).has(isoDate));
}

/** Parses 'HH:mm' hours to minutes of the day; '24:00' is allowed as the end only. */
function parseHours(hours: BusinessHours): { open: number; close: number } {
  const open = parseClock(hours.start);
  const close = parseClock(hours.end);
  if (open >= MINUTES_PER_DAY || open >= close) {
    throw new RangeError(`Hours must open before they close, got ${hours.start}–${hours.end}`);
  }
  return { open, close };
}

function parseClock(clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || !(minutes <= MINUTES_PER_DAY)) {
    throw new RangeError(`Time must be 'HH:mm' between 00:00 and 24:00, got '${clock}'`);
  }
  return minutes;
}

/** The instant a local wall-clock minute of `date` happens; minute 1440 is the next midnight. */
function atMinuteOfDay(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const day = minuteOfDay === MINUTES_PER_DAY ? addCalendarDays(date, 1) : date;
  const minute = minuteOfDay % MINUTES_PER_DAY;
  return DateTime.fromObject(
    { ...day, hour: Math.floor(minute / 60), minute: minute % 60 },
    { zone: timeZone },
  ).toMillis();
}

function dateOf(local: DateTime): LocalDate {
  return { year: local.year, month: local.month, day: local.day };
}

// Calendar arithmetic in UTC, where every day is 24 hours and weekdays follow the date alone.
function utcDate(date: LocalDate): DateTime {
  return DateTime.fromObject(date, { zone: 'utc' });
}

function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return dateOf(utcDate(date).plus({ days }));
}

function isoDate(date: LocalDate): string {
  return utcDate(date).toISODate() ?? '';
}

function isBusinessDate(date: LocalDate, isHoliday: HolidayCheck): boolean {
  return utcDate(date).weekday <= 5 && !isHoliday(isoDate(date), date.year);
}

function nextBusinessDate(date: LocalDate, holidays: HolidayCheck): LocalDate {
  let next = addCalendarDays(date, 1);
  while (!isBusinessDate(next, holidays)) next = addCalendarDays(next, 1);
  return next;
}
