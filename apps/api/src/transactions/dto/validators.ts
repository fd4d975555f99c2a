import { applyDecorators } from '@nestjs/common';
import {
  buildMessage,
  IsString,
  isISO8601,
  Length,
  Matches,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { isPaymentCurrency } from '../currency';

// RFC 3339: a date-time with an explicit offset, so that no instant depends on a server's zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An ISO 8601 date-time with a time zone (`2025-01-31T10:00:00Z`), between 1970 and 9999. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown): boolean => {
          if (typeof value !== 'string' || !DATE_TIME.test(value)) return false;
          if (!isISO8601(value, { strict: true, strictSeparator: true })) return false;
          const time = new Date(value).getTime();
          return time >= EARLIEST && time <= LATEST;
        },
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO 8601 date-time with a time zone`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * An amount in minor units: a JSON number that is a whole number from 1 to 2^53 − 1. One message
 * whatever is wrong (a string, a fraction, zero), not one per rule.
 */
export function IsAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAmount',
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= 1,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a whole number of minor units from 1 to ` +
            `${Number.MAX_SAFE_INTEGER}, sent as a JSON number (150000, not "150000")`,
          options,
        ),
      },
    },
    options,
  );
}

/** An ISO 4217 currency code in capitals, as a payment may carry it. */
export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCurrencyCode',
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'string' && isPaymentCurrency(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO 4217 currency code such as IDR`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * A customer or merchant id as a JWT `sub` carries it: free text of 1-128 characters, without
 * control characters (PostgreSQL refuses NUL in text).
 */
export function IsPrincipalId(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, 128),
    Matches(/^[^\p{Cc}]*$/u, { message: '$property must not contain control characters' }),
  );
}
