import { DateTime } from 'luxon';

/**
 * One opening window, repeated on each of `days` (ISO weekdays: 1 = Monday … 7 = Sunday), in
 * local time of the business time zone. `close` may be `24:00`; a `close` earlier than `open`
 * runs past midnight into the next day.
 */
export interface OpeningHours {
  days: number[];
  open: string;
  close: string;
}

export const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

const OPEN_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const CLOSE_TIME = /^(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

export function isOpenTime(value: string): boolean {
  return OPEN_TIME.test(value);
}

export function isCloseTime(value: string): boolean {
  return CLOSE_TIME.test(value);
}

function minutes(time: string): number {
  const [hours, mins] = time.split(':').map(Number);
  return hours * 60 + mins;
}

/** Whether `at` falls in one of the windows, read as wall-clock time in `timeZone`. */
export function isOpenAt(hours: readonly OpeningHours[], at: Date, timeZone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const now = local.hour * 60 + local.minute;
  const today = local.weekday;
  const yesterday = today === 1 ? 7 : today - 1;
  return hours.some(({ days, open, close }) => {
    const from = minutes(open);
    const to = minutes(close);
    if (from < to) return days.includes(today) && now >= from && now < to;
    return (days.includes(today) && now >= from) || (days.includes(yesterday) && now < to);
  });
}
