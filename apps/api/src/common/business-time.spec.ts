import { DateTime } from 'luxon';
import {
  addBusinessDays,
  addBusinessHours,
  businessHoursBetween,
  businessDaysUntil,
  isBusinessDay,
  type BusinessCalendar,
  type BusinessHours,
} from './business-time';

const JAKARTA = 'Asia/Jakarta';
const NEW_YORK = 'America/New_York';

const jakarta: BusinessCalendar = { timeZone: JAKARTA, holidays: [] };
const utc: BusinessCalendar = { timeZone: 'UTC', holidays: [] };
const newYork: BusinessCalendar = { timeZone: NEW_YORK, holidays: [] };
// Christmas Eve (Thu), Christmas (Fri) and the Monday after: a break that spans a weekend.
const christmas: BusinessCalendar = {
  timeZone: JAKARTA,
  holidays: ['2026-12-24', '2026-12-25', '2026-12-28'],
};
const officeHours: BusinessHours = { start: '09:00', end: '18:00' };

/** A local wall-clock time in a zone, as the instant the functions take. */
function at(local: string, zone = JAKARTA): Date {
  const dateTime = DateTime.fromISO(local, { zone });
  if (!dateTime.isValid) throw new Error(`Bad test time ${local}`);
  return dateTime.toJSDate();
}

/** The local wall-clock time of an instant, for readable expectations. */
function local(instant: Date, zone = JAKARTA): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("ccc yyyy-MM-dd'T'HH:mm:ss.SSS");
}

describe('isBusinessDay', () => {
  it('is true Monday to Friday and false at the weekend', () => {
    expect(isBusinessDay(at('2026-11-23T10:00'), jakarta)).toBe(true); // Mon
    expect(isBusinessDay(at('2026-11-27T23:59'), jakarta)).toBe(true); // Fri
    expect(isBusinessDay(at('2026-11-28T10:00'), jakarta)).toBe(false); // Sat
    expect(isBusinessDay(at('2026-11-29T10:00'), jakarta)).toBe(false); // Sun
  });

  it('is false on a holiday', () => {
    expect(isBusinessDay(at('2026-12-24T10:00'), christmas)).toBe(false);
    expect(isBusinessDay(at('2026-12-23T10:00'), christmas)).toBe(true);
  });

  it('judges the weekday in the calendar zone, not in UTC', () => {
    // Friday 20:00 UTC is already Saturday 03:00 in Jakarta (UTC+7).
    const fridayEveningUtc = new Date('2026-11-27T20:00:00Z');
    expect(isBusinessDay(fridayEveningUtc, utc)).toBe(true);
    expect(isBusinessDay(fridayEveningUtc, jakarta)).toBe(false);
    // Sunday 17:00 UTC is already Monday 00:00 in Jakarta.
    const sundayEveningUtc = new Date('2026-11-29T17:00:00Z');
    expect(isBusinessDay(sundayEveningUtc, utc)).toBe(false);
    expect(isBusinessDay(sundayEveningUtc, jakarta)).toBe(true);
  });

  it('matches holidays against the local date in the calendar zone', () => {
    // Thursday 24 Dec 17:30 UTC is Friday 25 Dec 00:30 in Jakarta.
    const instant = new Date('2026-12-24T17:30:00Z');
    expect(isBusinessDay(instant, { timeZone: JAKARTA, holidays: ['2026-12-25'] })).toBe(false);
    expect(isBusinessDay(instant, { timeZone: 'UTC', holidays: ['2026-12-25'] })).toBe(true);
  });

  it('rejects an unknown zone, a malformed holiday and an invalid date', () => {
    const monday = at('2026-11-23T10:00');
    expect(() => isBusinessDay(monday, { timeZone: 'Mars/Olympus', holidays: [] })).toThrow(
      RangeError,
    );
    expect(() => isBusinessDay(monday, { timeZone: JAKARTA, holidays: ['2026-1-1'] })).toThrow(
      RangeError,
    );
    expect(() => isBusinessDay(monday, { timeZone: JAKARTA, holidays: ['2026-02-30'] })).toThrow(
      RangeError,
    );
    expect(() => isBusinessDay(new Date(NaN), jakarta)).toThrow(RangeError);
  });
});

describe('addBusinessDays', () => {
  it('falls at the same local time on the next business day', () => {
    expect(local(addBusinessDays(at('2026-11-24T10:00'), 1, jakarta))).toBe(
      'Wed 2026-11-25T10:00:00.000',
    );
  });

  it('skips the weekend from a Friday', () => {
    expect(local(addBusinessDays(at('2026-11-27T10:00'), 1, jakarta))).toBe(
      'Mon 2026-11-30T10:00:00.000',
    );
  });

  it('keeps seconds and milliseconds of the start time', () => {
    expect(local(addBusinessDays(at('2026-11-27T10:15:30.250'), 1, jakarta))).toBe(
      'Mon 2026-11-30T10:15:30.250',
    );
  });

  it('counts a weekend start from 00:00 of the next business day', () => {
    expect(local(addBusinessDays(at('2026-11-28T10:00'), 1, jakarta))).toBe(
      'Tue 2026-12-01T00:00:00.000',
    );
    expect(local(addBusinessDays(at('2026-11-29T23:59'), 2, jakarta))).toBe(
      'Wed 2026-12-02T00:00:00.000',
    );
  });

  it('returns the start itself for zero days, even at the weekend', () => {
    const saturday = at('2026-11-28T10:00');
    expect(addBusinessDays(saturday, 0, jakarta)).toEqual(saturday);
    const wednesday = at('2026-11-25T10:00');
    expect(addBusinessDays(wednesday, 0, jakarta)).toEqual(wednesday);
  });

  it('treats a UTC Friday evening as a Jakarta Saturday', () => {
    const fridayEveningUtc = new Date('2026-11-27T20:00:00Z');
    // In UTC it is Friday 20:00, so one day later is Monday 20:00 UTC.
    expect(addBusinessDays(fridayEveningUtc, 1, utc).toISOString()).toBe(
      '2026-11-30T20:00:00.000Z',
    );
    // In Jakarta it is Saturday 03:00: counted from Monday 00:00, due Tuesday 00:00 local.
    const due = addBusinessDays(fridayEveningUtc, 1, jakarta);
    expect(local(due)).toBe('Tue 2026-12-01T00:00:00.000');
    expect(due.toISOString()).toBe('2026-11-30T17:00:00.000Z');
  });

  it('skips holidays that run into a weekend and out the other side', () => {
    // Wed 23 Dec + 1: Thu 24, Fri 25, Sat, Sun and Mon 28 are all off.
    expect(local(addBusinessDays(at('2026-12-23T10:00'), 1, christmas))).toBe(
      'Tue 2026-12-29T10:00:00.000',
    );
    expect(local(addBusinessDays(at('2026-12-23T10:00'), 2, christmas))).toBe(
      'Wed 2026-12-30T10:00:00.000',
    );
  });

  it('counts a start on a holiday from 00:00 of the next business day', () => {
    // Christmas Eve 14:00: the next business day is Tue 29, so one day later is Wed 30 00:00.
    expect(local(addBusinessDays(at('2026-12-24T14:00'), 1, christmas))).toBe(
      'Wed 2026-12-30T00:00:00.000',
    );
  });

  it('spans several weeks of ten business days', () => {
    expect(local(addBusinessDays(at('2026-11-02T10:00'), 10, jakarta))).toBe(
      'Mon 2026-11-16T10:00:00.000',
    );
    const withHoliday = { timeZone: JAKARTA, holidays: ['2026-11-10'] };
    expect(local(addBusinessDays(at('2026-11-02T10:00'), 10, withHoliday))).toBe(
      'Tue 2026-11-17T10:00:00.000',
    );
  });

  it('spans a year end with holidays', () => {
    const newYear = { timeZone: JAKARTA, holidays: ['2026-12-25', '2027-01-01'] };
    // Thu 24 Dec + 5: Mon 28, Tue 29, Wed 30, Thu 31, (Fri 1 Jan off), Mon 4 Jan.
    expect(local(addBusinessDays(at('2026-12-24T09:30'), 5, newYear))).toBe(
      'Mon 2027-01-04T09:30:00.000',
    );
  });

  it('keeps the local time across the March DST change in New York', () => {
    // Fri 6 Mar 10:00 EST (UTC-5) -> Mon 9 Mar 10:00 EDT (UTC-4): clocks moved on Sun 8 Mar.
    const start = at('2026-03-06T10:00', NEW_YORK);
    expect(start.toISOString()).toBe('2026-03-06T15:00:00.000Z');
    const due = addBusinessDays(start, 1, newYork);
    expect(local(due, NEW_YORK)).toBe('Mon 2026-03-09T10:00:00.000');
    expect(due.toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it('keeps the local time across the November DST change in New York', () => {
    const due = addBusinessDays(at('2026-10-30T10:00', NEW_YORK), 1, newYork);
    expect(local(due, NEW_YORK)).toBe('Mon 2026-11-02T10:00:00.000');
    expect(due.toISOString()).toBe('2026-11-02T15:00:00.000Z');
  });

  it.each([-1, 1.5, NaN, Infinity])('rejects %p days', (days) => {
    expect(() => addBusinessDays(at('2026-11-24T10:00'), days, jakarta)).toThrow(RangeError);
  });
});

describe('businessDaysUntil', () => {
  // 2026-11-27 is a Friday; a review of 3 business days from then is due Wednesday 12-02.
  const due = at('2026-12-02T10:00');

  it('counts the business days after today up to the due date', () => {
    expect(businessDaysUntil(at('2026-11-27T10:00'), due, jakarta)).toBe(3);
    expect(businessDaysUntil(at('2026-11-30T09:00'), due, jakarta)).toBe(2);
    expect(businessDaysUntil(at('2026-12-01T23:30'), due, jakarta)).toBe(1);
  });

  it('does not count the weekend', () => {
    expect(businessDaysUntil(at('2026-11-28T12:00'), due, jakarta)).toBe(3);
    expect(businessDaysUntil(at('2026-11-29T23:59'), due, jakarta)).toBe(3);
  });

  it('is 0 on the due date and once due', () => {
    expect(businessDaysUntil(at('2026-12-02T08:00'), due, jakarta)).toBe(0);
    expect(businessDaysUntil(due, due, jakarta)).toBe(0);
    expect(businessDaysUntil(at('2026-12-10T08:00'), due, jakarta)).toBe(0);
  });

  it('skips holidays and judges dates in the calendar zone', () => {
    const withHoliday = { timeZone: JAKARTA, holidays: ['2026-11-30'] };
    expect(businessDaysUntil(at('2026-11-27T10:00'), due, withHoliday)).toBe(2);
    // Wednesday 01:00 in Jakarta is still Tuesday in UTC, where Wednesday would count too.
    const wednesdayEarly = at('2026-12-02T01:00');
    expect(businessDaysUntil(wednesdayEarly, at('2026-12-03T10:00'), jakarta)).toBe(1);
    expect(businessDaysUntil(wednesdayEarly, at('2026-12-03T10:00'), utc)).toBe(2);
  });

  it('gives each calendar its own answers for the same two dates', () => {
    const [now, later] = [at('2026-12-23T10:00'), at('2026-12-30T10:00')];
    expect(businessDaysUntil(now, later, jakarta)).toBe(5);
    expect(businessDaysUntil(now, later, christmas)).toBe(2);
    expect(businessDaysUntil(now, later, jakarta)).toBe(5);
  });

  it('tells the local days apart at midnight, also where the clocks skip it', () => {
    // Havana moves its clocks from 00:00 to 01:00 on Sunday 2026-03-08: that day starts at 01:00.
    const havana: BusinessCalendar = { timeZone: 'America/Havana', holidays: [] };
    const due = at('2026-03-11T12:00', 'America/Havana');
    expect(businessDaysUntil(at('2026-03-08T12:00', 'America/Havana'), due, havana)).toBe(3);
    expect(businessDaysUntil(at('2026-03-09T00:30', 'America/Havana'), due, havana)).toBe(2);
    expect(businessDaysUntil(at('2026-03-08T23:59:59.999', 'America/Havana'), due, havana)).toBe(3);
    // Jakarta, at either side of midnight, each day asked after the other.
    const wednesday = at('2026-12-02T10:00');
    expect(businessDaysUntil(at('2026-11-30T23:59:59.999'), wednesday, jakarta)).toBe(2);
    expect(businessDaysUntil(at('2026-12-01T00:00'), wednesday, jakarta)).toBe(1);
    expect(businessDaysUntil(at('2026-11-30T23:59:59.999'), wednesday, jakarta)).toBe(2);
  });
});

describe('addBusinessHours', () => {
  it('carries what is left of Friday over the weekend to Monday', () => {
    expect(local(addBusinessHours(at('2026-11-27T17:00'), 4, jakarta, officeHours))).toBe(
      'Mon 2026-11-30T12:00:00.000',
    );
  });

  it('stays within the day when there is time left', () => {
    expect(local(addBusinessHours(at('2026-11-24T10:00'), 3, jakarta, officeHours))).toBe(
      'Tue 2026-11-24T13:00:00.000',
    );
  });

  it('falls at closing time when the hours use up the day exactly', () => {
    expect(local(addBusinessHours(at('2026-11-24T09:00'), 9, jakarta, officeHours))).toBe(
      'Tue 2026-11-24T18:00:00.000',
    );
  });

  it('counts fractional hours to the minute', () => {
    expect(local(addBusinessHours(at('2026-11-24T17:45'), 0.5, jakarta, officeHours))).toBe(
      'Wed 2026-11-25T09:15:00.000',
    );
    expect(local(addBusinessHours(at('2026-11-24T10:00'), 1.75, jakarta, officeHours))).toBe(
      'Tue 2026-11-24T11:45:00.000',
    );
    expect(local(addBusinessHours(at('2026-11-24T17:54'), 0.1, jakarta, officeHours))).toBe(
      'Tue 2026-11-24T18:00:00.000',
    );
  });

  it('counts a start before opening from the opening', () => {
    expect(local(addBusinessHours(at('2026-11-24T07:00'), 1, jakarta, officeHours))).toBe(
      'Tue 2026-11-24T10:00:00.000',
    );
  });

  it('counts a start after closing from the next opening', () => {
    expect(local(addBusinessHours(at('2026-11-24T19:00'), 1, jakarta, officeHours))).toBe(
      'Wed 2026-11-25T10:00:00.000',
    );
    expect(local(addBusinessHours(at('2026-11-24T18:00'), 1, jakarta, officeHours))).toBe(
      'Wed 2026-11-25T10:00:00.000',
    );
  });

  it('counts a weekend start from Monday opening', () => {
    expect(local(addBusinessHours(at('2026-11-28T12:00'), 2, jakarta, officeHours))).toBe(
      'Mon 2026-11-30T11:00:00.000',
    );
  });

  it('skips holidays and the weekend between them', () => {
    // Wed 23 Dec 17:00: one hour that day, then nothing until Tue 29 opening.
    expect(local(addBusinessHours(at('2026-12-23T17:00'), 2, christmas, officeHours))).toBe(
      'Tue 2026-12-29T10:00:00.000',
    );
    // A start on a holiday waits for the next business opening.
    expect(local(addBusinessHours(at('2026-12-25T10:00'), 1, christmas, officeHours))).toBe(
      'Tue 2026-12-29T10:00:00.000',
    );
  });

  it('spans a whole business week and into the next', () => {
    // Five days of 9 hours each.
    expect(local(addBusinessHours(at('2026-11-23T09:00'), 45, jakarta, officeHours))).toBe(
      'Fri 2026-11-27T18:00:00.000',
    );
    expect(local(addBusinessHours(at('2026-11-23T09:00'), 46, jakarta, officeHours))).toBe(
      'Mon 2026-11-30T10:00:00.000',
    );
  });

  it('returns the start itself for zero hours, even outside hours', () => {
    const saturday = at('2026-11-28T03:00');
    expect(addBusinessHours(saturday, 0, jakarta, officeHours)).toEqual(saturday);
  });

  it('counts up to midnight when business hours end at 24:00', () => {
    const lateHours = { start: '09:00', end: '24:00' };
    expect(local(addBusinessHours(at('2026-11-27T23:00'), 2, jakarta, lateHours))).toBe(
      'Mon 2026-11-30T10:00:00.000',
    );
    expect(local(addBusinessHours(at('2026-11-24T23:00'), 1, jakarta, lateHours))).toBe(
      'Wed 2026-11-25T00:00:00.000',
    );
  });

  it('reads opening hours on the calendar zone clock', () => {
    // 10:30 UTC on Friday is 17:30 in Jakarta: half an hour left, the rest on Monday.
    const instant = new Date('2026-11-27T10:30:00Z');
    const due = addBusinessHours(instant, 1, jakarta, officeHours);
    expect(local(due)).toBe('Mon 2026-11-30T09:30:00.000');
    expect(due.toISOString()).toBe('2026-11-30T02:30:00.000Z');
    expect(addBusinessHours(instant, 1, utc, officeHours).toISOString()).toBe(
      '2026-11-27T11:30:00.000Z',
    );
  });

  it('opens at local 09:00 after the March DST change in New York', () => {
    const due = addBusinessHours(at('2026-03-06T17:00', NEW_YORK), 2, newYork, officeHours);
    expect(local(due, NEW_YORK)).toBe('Mon 2026-03-09T10:00:00.000');
    expect(due.toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it.each([-1, NaN, Infinity])('rejects %p hours', (hours) => {
    expect(() => addBusinessHours(at('2026-11-24T10:00'), hours, jakarta, officeHours)).toThrow(
      RangeError,
    );
  });

  it.each([
    ['18:00', '09:00'],
    ['09:00', '09:00'],
    ['9:00', '18:00'],
    ['09:00', '18:60'],
    ['24:00', '24:00'],
    ['09:00', '24:01'],
  ])('rejects business hours %s–%s', (start, end) => {
    expect(() => addBusinessHours(at('2026-11-24T10:00'), 1, jakarta, { start, end })).toThrow(
      RangeError,
    );
  });
});

describe("a country's public holidays", () => {
  const indonesia: BusinessCalendar = { timeZone: JAKARTA, holidays: [], country: 'ID' };

  it('makes Idul Fitri 2026 in Indonesia no business day', () => {
    // Hari Raya Idul Fitri: Friday 20 and Saturday 21 March 2026.
    expect(isBusinessDay(at('2026-03-20T10:00'), indonesia)).toBe(false);
    expect(isBusinessDay(at('2026-03-20T10:00'), jakarta)).toBe(true);
    // Nyepi (Thursday 19 March) too; Monday 23 March is a working day again.
    expect(isBusinessDay(at('2026-03-19T10:00'), indonesia)).toBe(false);
    expect(isBusinessDay(at('2026-03-23T10:00'), indonesia)).toBe(true);
  });

  it('skips them in business days', () => {
    // Wed 18 Mar + 1: Nyepi, Idul Fitri, the weekend, then Monday 23.
    expect(local(addBusinessDays(at('2026-03-18T10:00'), 1, indonesia))).toBe(
      'Mon 2026-03-23T10:00:00.000',
    );
  });

  it('skips them in business hours', () => {
    expect(local(addBusinessHours(at('2026-03-18T17:00'), 2, indonesia, officeHours))).toBe(
      'Mon 2026-03-23T10:00:00.000',
    );
  });

  it('adds the listed dates to the country calendar', () => {
    // 18 March 2026 is a collective leave day (cuti bersama) only when listed.
    const withLeave = { ...indonesia, holidays: ['2026-03-18'] };
    expect(isBusinessDay(at('2026-03-18T10:00'), indonesia)).toBe(true);
    expect(isBusinessDay(at('2026-03-18T10:00'), withLeave)).toBe(false);
  });

  it("keeps another country's working days", () => {
    const singapore: BusinessCalendar = { timeZone: 'Asia/Singapore', holidays: [], country: 'SG' };
    // Nyepi is an Indonesian holiday only.
    expect(isBusinessDay(at('2026-03-19T10:00', 'Asia/Singapore'), singapore)).toBe(true);
  });

  it('refuses a country without holiday data', () => {
    expect(() => isBusinessDay(at('2026-03-19T10:00'), { ...indonesia, country: 'XX' })).toThrow(
      /No public holiday data/,
    );
  });
});

describe('businessHoursBetween', () => {
  const hoursBetween = (from: string, to: string, calendar = jakarta) =>
    businessHoursBetween(at(from), at(to), calendar, officeHours);

  it("counts the time inside one day's hours", () => {
    expect(hoursBetween('2026-11-24T10:00', '2026-11-24T12:30')).toBe(2.5);
    expect(hoursBetween('2026-11-24T07:00', '2026-11-24T20:00')).toBe(9);
  });

  it('is 0 for an empty or reversed span, and outside hours', () => {
    expect(hoursBetween('2026-11-24T12:00', '2026-11-24T12:00')).toBe(0);
    expect(hoursBetween('2026-11-24T12:00', '2026-11-24T11:00')).toBe(0);
    expect(hoursBetween('2026-11-24T18:00', '2026-11-25T09:00')).toBe(0);
  });

  it('skips a night, a weekend and holidays', () => {
    // Fri 16:00 → Mon 10:00: two hours Friday, one Monday.
    expect(hoursBetween('2026-11-27T16:00', '2026-11-30T10:00')).toBe(3);
    // Wed 23 Dec 17:00 → Tue 29 Dec 10:00 over Christmas: one hour each side.
    expect(hoursBetween('2026-12-23T17:00', '2026-12-29T10:00', christmas)).toBe(2);
    const indonesia = { ...jakarta, country: 'ID' };
    // Thu 24 Dec 16:00 → Mon 28 Dec 11:00: Christmas is an Indonesian public holiday.
    expect(hoursBetween('2026-12-24T16:00', '2026-12-28T11:00', indonesia)).toBe(4);
    expect(hoursBetween('2026-12-24T16:00', '2026-12-28T11:00')).toBe(13);
  });

  it('undoes addBusinessHours', () => {
    const start = at('2026-11-26T15:20');
    const due = addBusinessHours(start, 30.25, jakarta, officeHours);
    expect(businessHoursBetween(start, due, jakarta, officeHours)).toBe(30.25);
  });
});
