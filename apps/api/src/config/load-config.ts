import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { isKnownHolidayCountry } from '../common/public-holidays';
import {
  AppConfig,
  CasePriority,
  CaseSlaHours,
  PausableCaseStatus,
  RateLimitStore,
} from './app-config';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PRIORITIES: CasePriority[] = ['URGENT', 'HIGH', 'NORMAL', 'LOW'];

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0, max = 1_000_000): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** A positive decimal (fractions let tests shorten timeouts and windows to seconds). */
function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(name, `must be a number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/**
 * Which proxies may name the client's address (X-Forwarded-For): none by default, so a client
 * cannot pick the address its rate limit is counted by. `true`, a hop count, or addresses/CIDRs.
 */
function trustProxy(env: Env): boolean | number | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || /^(false|0)$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 1, 100);
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const valid = entry.includes('/') ? ipaddr.isValidCIDR(entry) : ipaddr.isValid(entry);
    if (!valid) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be true, false, a hop count or comma-separated addresses/CIDRs, got "${entry}"`,
      );
    }
  }
  return entries;
}

function rateLimitStore(env: Env): RateLimitStore {
  const raw = env.RATE_LIMIT_STORE?.trim();
  if (raw === undefined || raw === '' || raw === 'memory') return { kind: 'memory' };
  if (raw === 'postgres') return { kind: 'postgres' };
  if (/^rediss?:\/\/./.test(raw) && URL.canParse(raw)) return { kind: 'redis', url: raw };
  throw new ConfigError(
    'RATE_LIMIT_STORE',
    `must be memory, postgres or a redis:// (rediss://) URL, got "${raw.replace(/\/\/[^@/]*@/, '//…@')}"`,
  );
}

function timezone(env: Env): string {
  const zone = env.BUSINESS_TIMEZONE?.trim() || 'Asia/Jakarta';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError('BUSINESS_TIMEZONE', `is not an IANA time zone: "${zone}"`);
  }
  return zone;
}

function holidays(env: Env): string[] {
  const raw = env.HOLIDAYS?.trim();
  if (!raw) return [];
  return raw.split(',').map((day) => {
    const date = day.trim();
    const parsed = new Date(`${date}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(parsed.getTime())) {
      throw new ConfigError('HOLIDAYS', `must be comma-separated YYYY-MM-DD dates, got "${date}"`);
    }
    return date;
  });
}

/** The country whose public holidays are not business days; `none`: only the HOLIDAYS dates. */
function holidaysCountry(env: Env): string | null {
  const raw = env.HOLIDAYS_COUNTRY?.trim() || 'ID';
  if (raw.toLowerCase() === 'none') return null;
  const country = raw.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !isKnownHolidayCountry(country)) {
    throw new ConfigError(
      'HOLIDAYS_COUNTRY',
      `must be a country code with public holiday data (such as ID) or none, got "${raw}"`,
    );
  }
  return country;
}

const PAUSABLE_CASE_STATUSES: PausableCaseStatus[] = ['PENDING_CUSTOMER', 'ON_HOLD'];

/** The case statuses in which the SLA clock stands still; `none`: it always runs. */
function slaPauseStatuses(env: Env): PausableCaseStatus[] {
  const raw = env.SLA_PAUSE_STATUSES?.trim() || 'PENDING_CUSTOMER';
  if (raw.toLowerCase() === 'none') return [];
  const statuses = raw.split(',').map((status) => status.trim().toUpperCase());
  for (const status of statuses) {
    if (!PAUSABLE_CASE_STATUSES.includes(status as PausableCaseStatus)) {
      throw new ConfigError(
        'SLA_PAUSE_STATUSES',
        `must list ${PAUSABLE_CASE_STATUSES.join(' and/or ')}, or be none, got "${status}"`,
      );
    }
  }
  return [...new Set(statuses as PausableCaseStatus[])];
}

function businessHours(env: Env): { start: string; end: string } {
  const raw = env.BUSINESS_HOURS?.trim() || '09:00-18:00';
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(raw);
  if (!match || `${match[3]}:${match[4]}` <= `${match[1]}:${match[2]}`) {
    throw new ConfigError('BUSINESS_HOURS', `must look like 09:00-18:00, got "${raw}"`);
  }
  const [start, end] = raw.split('-');
  return { start, end };
}

function caseSlaHours(env: Env): Record<CasePriority, CaseSlaHours> {
  const raw = env.CASE_SLA_HOURS?.trim() || 'URGENT=1/8,HIGH=4/24,NORMAL=8/72,LOW=24/120';
  const result: Partial<Record<CasePriority, CaseSlaHours>> = {};
  for (const part of raw.split(',')) {
    const match = /^(URGENT|HIGH|NORMAL|LOW)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!match) {
      throw new ConfigError(
        'CASE_SLA_HOURS',
        `must look like URGENT=1/8,HIGH=4/24,… got "${part}"`,
      );
    }
    result[match[1] as CasePriority] = {
      firstResponse: Number(match[2]),
      resolution: Number(match[3]),
    };
  }
  const missing = PRIORITIES.filter((priority) => !result[priority]);
  if (missing.length > 0) {
    throw new ConfigError('CASE_SLA_HOURS', `lacks ${missing.join(', ')}`);
  }
  return result as Record<CasePriority, CaseSlaHours>;
}

/** A 256-bit key as 64 hex characters (`openssl rand -hex 32`), or undefined when unset. */
function hexKey(env: Env, name: string): Buffer | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) {
    throw new ConfigError(
      name,
      `must be 64 hex characters (32 random bytes: openssl rand -hex 32), got ${raw.length} characters`,
    );
  }
  return Buffer.from(raw, 'hex');
}

/** The static bearer of GET /metrics: long and random, as any secret (a scraper's config holds it). */
function metricsToken(env: Env): string | undefined {
  const raw = env.METRICS_TOKEN?.trim();
  if (!raw) return undefined;
  if (!/^[\x21-\x7e]{32,256}$/.test(raw)) {
    throw new ConfigError('METRICS_TOKEN', 'must be 32 to 256 visible ASCII characters');
  }
  return raw;
}

function postgresUrl(env: Env, name: 'DATABASE_URL' | 'DATABASE_DIRECT_URL'): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(name, 'must be a postgresql:// URL');
  }
  return raw;
}

/** Reads and validates the environment, failing fast with the name of the bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const secret = env.AUTH_JWT_SECRET?.trim();
  if (production && !secret) {
    throw new ConfigError('AUTH_JWT_SECRET', 'is required when NODE_ENV=production');
  }
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ConfigError('AUTH_JWT_SECRET', 'must be at least 32 characters (HS256 key)');
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const webhookSecretKey = hexKey(env, 'WEBHOOK_SECRET_KEY');
  const webhookSecretKeyPrevious = hexKey(env, 'WEBHOOK_SECRET_KEY_PREVIOUS');
  if (webhookSecretKeyPrevious && !webhookSecretKey) {
    throw new ConfigError('WEBHOOK_SECRET_KEY_PREVIOUS', 'needs WEBHOOK_SECRET_KEY set too');
  }
  const databaseUrl = postgresUrl(env, 'DATABASE_URL');
  const databaseDirectUrl = postgresUrl(env, 'DATABASE_DIRECT_URL');
  if (databaseDirectUrl && !databaseUrl) {
    throw new ConfigError('DATABASE_DIRECT_URL', 'needs DATABASE_URL set too');
  }
  const embeddedPgPort = env.EMBEDDED_PG_PORT?.trim()
    ? integer(env, 'EMBEDDED_PG_PORT', 0, 1024, 65535)
    : undefined;

  return Object.assign(new AppConfig(), {
    production,
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    databaseDirectUrl,
    // A transaction pooler in front (DATABASE_DIRECT_URL set) may not carry prepared statements.
    databasePreparedStatements: boolean(env, 'DATABASE_PREPARED_STATEMENTS', !databaseDirectUrl),
    embeddedPgPort,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    jwtSecret: secret || undefined,
    jwtIssuer: env.AUTH_JWT_ISSUER?.trim() || undefined,
    jwtAudience: env.AUTH_JWT_AUDIENCE?.trim() || undefined,
    maxTokenHours: decimal(env, 'AUTH_MAX_TOKEN_HOURS', 24, 0.01, 8760),
    reviewSlaBusinessDays: integer(env, 'REVIEW_SLA_BUSINESS_DAYS', 5, 0, 365),
    businessTimezone: timezone(env),
    holidaysCountry: holidaysCountry(env),
    holidays: holidays(env),
    disputeWindowDays: integer(env, 'DISPUTE_WINDOW_DAYS', 30, 0, 3650),
    slaCheckIntervalSeconds: integer(env, 'SLA_CHECK_INTERVAL_SECONDS', 60, 1, 86_400),
    draftExpiryDays: integer(env, 'DRAFT_EXPIRY_DAYS', 30, 0, 3650),
    infoRequestExpiryDays: integer(env, 'INFO_REQUEST_EXPIRY_DAYS', 14, 0, 3650),
    disputeMerchantResponseDays: integer(env, 'DISPUTE_MERCHANT_RESPONSE_DAYS', 3, 0, 365),
    offerExpiryBusinessDays: integer(env, 'OFFER_EXPIRY_BUSINESS_DAYS', 3, 1, 365),
    businessHours: businessHours(env),
    caseSlaHours: caseSlaHours(env),
    slaPauseStatuses: slaPauseStatuses(env),
    csatWindowDays: decimal(env, 'CSAT_WINDOW_DAYS', 14, 0.00001, 3650),
    caseAutoCloseDays: decimal(env, 'CASE_AUTO_CLOSE_DAYS', 7, 0.00001, 3650),
    supportChannelsFile: env.SUPPORT_CHANNELS?.trim() || undefined,
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 0),
    rateLimitStore: rateLimitStore(env),
    trustProxy: trustProxy(env),
    webhookTimeoutSeconds: decimal(env, 'WEBHOOK_TIMEOUT_SECONDS', 10, 0.1, 600),
    webhookRetryBaseSeconds: decimal(env, 'WEBHOOK_RETRY_BASE_SECONDS', 30, 0.1, 86_400),
    webhookRetryHours: decimal(env, 'WEBHOOK_RETRY_HOURS', 24, 0.0001, 720),
    webhookAllowPrivateUrls: boolean(env, 'WEBHOOK_ALLOW_PRIVATE_URLS', false),
    webhookSecretKey,
    webhookSecretKeyPrevious,
    maxOpenDraftsPerCustomer: integer(env, 'MAX_OPEN_DRAFTS_PER_CUSTOMER', 20, 1),
    maxAttachmentBytesPerCustomer: integer(
      env,
      'MAX_ATTACHMENT_BYTES_PER_CUSTOMER',
      100 * 1024 * 1024,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    metricsToken: metricsToken(env),
    eventRetentionDays: integer(env, 'EVENT_RETENTION_DAYS', 90, 1, 36_500),
    logLevel,
  });
}

/**
 * What each variable means, in one place: docs/operations.md's table is generated from this and
 * from the variables loadConfig reads (`npm run docs:generate`). A `default` in backticks is the
 * value loadConfig applies when the variable is unset (a test checks it); any other is prose.
 */
export const CONFIG_VARIABLES: Record<string, { default: string; meaning: string }> = {
  PORT: { default: '`3000`', meaning: 'HTTP port' },
  DATABASE_URL: {
    default: 'unset',
    meaning:
      '`postgresql://…` of the server to use; unset: the embedded PostgreSQL under `DATA_DIR`',
  },
  DATABASE_DIRECT_URL: {
    default: 'same as `DATABASE_URL`',
    meaning:
      'a direct connection to the same database, for migrations (a session advisory lock), when `DATABASE_URL` goes through a transaction pooler such as PgBouncer',
  },
  DATABASE_PREPARED_STATEMENTS: {
    default: '`false` when `DATABASE_DIRECT_URL` is set, otherwise `true`',
    meaning:
      'send the hot queries as named prepared statements (parsed and planned once per connection); set `false` behind a transaction pooler that does not track them (PgBouncer before 1.21, or without `max_prepared_statements`)',
  },
  EMBEDDED_PG_PORT: { default: 'a free port', meaning: 'port of the embedded PostgreSQL' },
  DATA_DIR: {
    default: '`.data`',
    meaning: 'where the embedded PostgreSQL (`postgres/`) and the generated token secret are kept',
  },
  AUTH_JWT_SECRET: {
    default: 'random, kept in `<DATA_DIR>/jwt-secret`',
    meaning:
      'HS256 secret of the bearer tokens, 32+ characters; required when `NODE_ENV=production`',
  },
  AUTH_JWT_ISSUER: { default: 'unset', meaning: 'when set, tokens must carry this `iss`' },
  AUTH_JWT_AUDIENCE: { default: 'unset', meaning: 'when set, tokens must carry this `aud`' },
  AUTH_MAX_TOKEN_HOURS: {
    default: '`24`',
    meaning: 'longest token lifetime accepted (`exp` − `iat`, or `exp` − now without `iat`)',
  },
  NODE_ENV: {
    default: 'unset',
    meaning: '`production` refuses to start without `AUTH_JWT_SECRET`',
  },
  REVIEW_SLA_BUSINESS_DAYS: {
    default: '`5`',
    meaning: 'business days a merchant has to decide; `0` makes a submission due at once',
  },
  BUSINESS_TIMEZONE: {
    default: '`Asia/Jakarta`',
    meaning: 'IANA time zone of business days and hours',
  },
  HOLIDAYS_COUNTRY: {
    default: '`ID`',
    meaning:
      'country (ISO 3166 code) whose public holidays, from the `date-holidays` data, are not business days; `none`: no country calendar',
  },
  HOLIDAYS: {
    default: 'none',
    meaning:
      'extra comma-separated `YYYY-MM-DD` dates that are not business days (such as collective leave days)',
  },
  DISPUTE_WINDOW_DAYS: {
    default: '`30`',
    meaning: 'days after a rejection during which the customer may dispute',
  },
  SLA_CHECK_INTERVAL_SECONDS: { default: '`60`', meaning: 'how often deadlines are scanned' },
  DRAFT_EXPIRY_DAYS: { default: '`30`', meaning: 'a draft untouched this long expires' },
  INFO_REQUEST_EXPIRY_DAYS: {
    default: '`14`',
    meaning: 'an unanswered request for information expires after this long',
  },
  DISPUTE_MERCHANT_RESPONSE_DAYS: {
    default: '`3`',
    meaning: 'business days the merchant has to answer a dispute',
  },
  OFFER_EXPIRY_BUSINESS_DAYS: {
    default: '`3`',
    meaning: 'business days a settlement offer stays open for the customer to answer',
  },
  BUSINESS_HOURS: { default: '`09:00-18:00`', meaning: 'support hours, for case SLAs' },
  CASE_SLA_HOURS: {
    default: '`URGENT=1/8,HIGH=4/24,NORMAL=8/72,LOW=24/120`',
    meaning: 'business hours to first response / to resolution, per case priority',
  },
  SLA_PAUSE_STATUSES: {
    default: '`PENDING_CUSTOMER`',
    meaning:
      'case statuses in which the SLA clock stands still (`PENDING_CUSTOMER`, `ON_HOLD`, comma-separated; `none`: never); on leaving them the unmet targets move later by the business hours spent there',
  },
  CSAT_WINDOW_DAYS: {
    default: '`14`',
    meaning: 'days after a case was solved during which its customer may rate it',
  },
  CASE_AUTO_CLOSE_DAYS: {
    default: '`7`',
    meaning: 'a SOLVED case not reopened closes by itself this many days after it was solved',
  },
  SUPPORT_CHANNELS: {
    default: 'built-in channels',
    meaning: 'path to a JSON file overriding the support channels',
  },
  RATE_LIMIT_PER_MINUTE: {
    default: '`600`',
    meaning:
      'requests a minute per principal, all routes together (per address without a valid token); `0`: off',
  },
  RATE_LIMIT_STORE: {
    default: '`memory`',
    meaning:
      'where requests are counted: `memory` (each instance apart: one instance only), `postgres` (the database) or a `redis://` URL, shared by every instance',
  },
  TRUST_PROXY: {
    default: '`false`',
    meaning:
      'which proxies may name the client address (`X-Forwarded-For`): `true`, a hop count, or addresses/CIDRs',
  },
  WEBHOOK_TIMEOUT_SECONDS: {
    default: '`10`',
    meaning: 'how long a webhook POST may take (decimals allowed)',
  },
  WEBHOOK_RETRY_BASE_SECONDS: {
    default: '`30`',
    meaning: 'first webhook retry delay, doubling each time, with jitter',
  },
  WEBHOOK_RETRY_HOURS: {
    default: '`24`',
    meaning: 'how long a failing webhook delivery is retried before it is marked failed',
  },
  WEBHOOK_ALLOW_PRIVATE_URLS: {
    default: '`false`',
    meaning: '`true` also allows http and loopback/private addresses (local development and tests)',
  },
  WEBHOOK_SECRET_KEY: {
    default: 'unset',
    meaning:
      '64 hex characters (`openssl rand -hex 32`): webhook signing secrets are stored encrypted with it (AES-256-GCM); unset, they are stored in plain text (development only)',
  },
  WEBHOOK_SECRET_KEY_PREVIOUS: {
    default: 'unset',
    meaning:
      'the key before `WEBHOOK_SECRET_KEY` while it is being changed: secrets it sealed are still read, and re-encrypted with the new key at start-up',
  },
  MAX_OPEN_DRAFTS_PER_CUSTOMER: {
    default: '`20`',
    meaning: 'DRAFT refunds a customer may have at once; one more answers 422 `QUOTA_EXCEEDED`',
  },
  MAX_ATTACHMENT_BYTES_PER_CUSTOMER: {
    default: '`104857600`',
    meaning:
      'bytes a customer may upload, all their files together (100 MiB); more answers 422 `QUOTA_EXCEEDED`',
  },
  METRICS_TOKEN: {
    default: 'unset',
    meaning:
      'static bearer token (32+ characters) that may read `GET /metrics`, besides `system` tokens',
  },
  EVENT_RETENTION_DAYS: {
    default: '`90`',
    meaning: 'events (and their webhook deliveries) older than this many days are purged',
  },
  LOG_LEVEL: {
    default: '`info`',
    meaning: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`',
  },
};

/** The variables loadConfig reads, in the order it reads them (found by running it). */
export function variablesRead(): string[] {
  const read = new Set<string>();
  const record = (_target: Env, name: string | symbol): undefined => {
    if (typeof name === 'string') read.add(name);
    return undefined;
  };
  loadConfig(new Proxy<Env>({}, { get: record, has: (target, name) => !!record(target, name) }));
  return [...read];
}
