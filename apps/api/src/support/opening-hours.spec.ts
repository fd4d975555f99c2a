import { isOpenAt, OpeningHours } from './opening-hours';

const JAKARTA = 'Asia/Jakarta'; // UTC+7, no daylight saving
// 2025-03-03 is a Monday.
const jakarta = (local: string) => new Date(`${local}+07:00`);

describe('isOpenAt', () => {
  const daily: OpeningHours[] = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '08:00', close: '22:00' }];

  it('reads the window in the business time zone, open at open and closed at close', () => {
    expect(isOpenAt(daily, jakarta('2025-03-03T07:59'), JAKARTA)).toBe(false);
    expect(isOpenAt(daily, jakarta('2025-03-03T08:00'), JAKARTA)).toBe(true);
    expect(isOpenAt(daily, jakarta('2025-03-03T21:59'), JAKARTA)).toBe(true);
    expect(isOpenAt(daily, jakarta('2025-03-03T22:00'), JAKARTA)).toBe(false);
    // 01:30 UTC is 08:30 in Jakarta but 01:30 in London.
    expect(isOpenAt(daily, new Date('2025-03-03T01:30:00Z'), JAKARTA)).toBe(true);
    expect(isOpenAt(daily, new Date('2025-03-03T01:30:00Z'), 'Europe/London')).toBe(false);
  });

  it('keeps to the listed weekdays', () => {
    const weekdays: OpeningHours[] = [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00' }];
    expect(isOpenAt(weekdays, jakarta('2025-03-07T10:00'), JAKARTA)).toBe(true); // Friday
    expect(isOpenAt(weekdays, jakarta('2025-03-08T10:00'), JAKARTA)).toBe(false); // Saturday
  });

  it('is open all day with 00:00-24:00 and never with no window', () => {
    const allDay: OpeningHours[] = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00' }];
    for (const time of ['00:00', '12:00', '23:59']) {
      expect(isOpenAt(allDay, jakarta(`2025-03-03T${time}`), JAKARTA)).toBe(true);
      expect(isOpenAt([], jakarta(`2025-03-03T${time}`), JAKARTA)).toBe(false);
    }
  });

  it('runs a window that closes before it opens into the next day', () => {
    const fridayNight: OpeningHours[] = [{ days: [5], open: '22:00', close: '02:00' }];
    expect(isOpenAt(fridayNight, jakarta('2025-03-07T21:59'), JAKARTA)).toBe(false);
    expect(isOpenAt(fridayNight, jakarta('2025-03-07T23:00'), JAKARTA)).toBe(true);
    expect(isOpenAt(fridayNight, jakarta('2025-03-08T01:59'), JAKARTA)).toBe(true); // Saturday
    expect(isOpenAt(fridayNight, jakarta('2025-03-08T02:00'), JAKARTA)).toBe(false);
    expect(isOpenAt(fridayNight, jakarta('2025-03-08T23:00'), JAKARTA)).toBe(false);
    const sundayNight: OpeningHours[] = [{ days: [7], open: '23:00', close: '01:00' }];
    expect(isOpenAt(sundayNight, jakarta('2025-03-10T00:30'), JAKARTA)).toBe(true); // Monday
  });

  it('follows daylight saving time in zones that have it', () => {
    const berlin: OpeningHours[] = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '09:00', close: '10:00' }];
    // 09:30 in Berlin is 08:30 UTC in winter and 07:30 UTC in summer.
    expect(isOpenAt(berlin, new Date('2025-01-15T08:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isOpenAt(berlin, new Date('2025-07-15T08:30:00Z'), 'Europe/Berlin')).toBe(false);
    expect(isOpenAt(berlin, new Date('2025-07-15T07:30:00Z'), 'Europe/Berlin')).toBe(true);
  });
});
