import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

const MS_PER_DAY = 86_400_000;

/** Country codes the `date-holidays` data knows (ISO 3166-1 alpha-2). */
export function isKnownHolidayCountry(country: string): boolean {
  return Object.hasOwn(new Holidays().getCountries(), country);
}

const byCountryYear = new Map<string, ReadonlySet<string>>();

/**
 * The country's public holidays of one year as local 'YYYY-MM-DD' dates, from the maintained
 * `date-holidays` data. Only type `public`: bank, school, optional and observance days are
 * working days for a support desk. Cached: the data is fixed for the life of the process.
 */
export function publicHolidays(country: string, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let dates = byCountryYear.get(key);
  if (!dates) {
    if (!isKnownHolidayCountry(country)) {
      throw new RangeError(`No public holiday data for country '${country}'`);
    }
    const found = new Set<string>();
    for (const holiday of new Holidays(country).getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      // `date` is the local day it starts ('2026-03-20 00:00:00 -0600' for a day that begins at
      // the previous sunset); a holiday of several days covers each of them.
      const first = DateTime.fromISO(holiday.date.slice(0, 10), { zone: 'utc' });
      const days = Math.max(1, Math.round((+holiday.end - +holiday.start) / MS_PER_DAY));
      for (let i = 0; i < days; i++) found.add(first.plus({ days: i }).toISODate() ?? '');
    }
    dates = found;
    byCountryYear.set(key, dates);
  }
  return dates;
}
