import type { BusinessCalendar } from '../common/business-time';

/** Validated configuration: read once at start-up from the environment (see docs/operations.md). */
export interface CaseSlaHours {
  firstResponse: number;
  resolution: number;
}

export type CasePriority = 'URGENT' | 'HIGH' | 'NORMAL' | 'LOW';

/** The case statuses that may stop the SLA clock (SLA_PAUSE_STATUSES). */
export type PausableCaseStatus = 'PENDING_CUSTOMER' | 'ON_HOLD';

/**
 * Where the rate limit counts requests: in each instance's memory (one instance), or in a store
 * every instance shares, so that a caller gets its allowance once across them all.
 */
export type RateLimitStore =
  { kind: 'memory' } | { kind: 'postgres' } | { kind: 'redis'; url: string };

export class AppConfig {
  production!: boolean;
  port!: number;
  /** Unset: the service starts its own embedded PostgreSQL under `.data/`. */
  databaseUrl?: string;
  /** Migrations hold a session lock: a direct connection when `databaseUrl` is a pooler. */
  databaseDirectUrl?: string;
  /** Hot queries as named prepared statements (off behind a transaction pooler). */
  databasePreparedStatements!: boolean;
  embeddedPgPort?: number;
  dataDir!: string;
  /** Unset (never in production): the checkout's generated secret, see `development-secret.ts`. */
  jwtSecret?: string;
  /** When set, tokens must carry this `iss` (and this `aud`). */
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Longest lifetime a token may have: `exp` − `iat` (or − now without `iat`). */
  maxTokenHours!: number;
  reviewSlaBusinessDays!: number;
  businessTimezone!: string;
  /** Whose public holidays are not business days (`date-holidays`); null: no country calendar. */
  holidaysCountry!: string | null;
  /** Extra local dates that are not business days. */
  holidays!: string[];
  disputeWindowDays!: number;
  slaCheckIntervalSeconds!: number;
  draftExpiryDays!: number;
  infoRequestExpiryDays!: number;
  disputeMerchantResponseDays!: number;
  /** Business days a settlement offer stays open. */
  offerExpiryBusinessDays!: number;
  businessHours!: { start: string; end: string };
  caseSlaHours!: Record<CasePriority, CaseSlaHours>;
  /** While a case is in one of these, its SLA clock stands still. */
  slaPauseStatuses!: PausableCaseStatus[];
  /** How long after solving the customer may rate a case. */
  csatWindowDays!: number;
  /** A SOLVED case closes by itself this long after solving. */
  caseAutoCloseDays!: number;
  supportChannelsFile?: string;
  rateLimitPerMinute!: number;
  rateLimitStore!: RateLimitStore;
  /** Fastify's `trustProxy`: whose X-Forwarded-For names the client. */
  trustProxy!: boolean | number | string[];
  webhookTimeoutSeconds!: number;
  webhookRetryBaseSeconds!: number;
  webhookRetryHours!: number;
  webhookAllowPrivateUrls!: boolean;
  /** Encrypts webhook signing secrets at rest (AES-256-GCM); unset, they are stored plain. */
  webhookSecretKey?: Buffer;
  /** The key being replaced: what it sealed is still read, and sealed again with the new key. */
  webhookSecretKeyPrevious?: Buffer;
  /** The most DRAFT refunds one customer may have at once. */
  maxOpenDraftsPerCustomer!: number;
  /** The most bytes one customer may upload, all their files together. */
  maxAttachmentBytesPerCustomer!: number;
  /** A static bearer that may read GET /metrics (besides system tokens). */
  metricsToken?: string;
  /** Events and their webhook deliveries older than this are purged. */
  eventRetentionDays!: number;
  logLevel!: string;
}

/** Where business days and hours are counted, as the configuration sets it. */
export function businessCalendar(config: AppConfig): BusinessCalendar {
  return {
    timeZone: config.businessTimezone,
    holidays: config.holidays,
    ...(config.holidaysCountry ? { country: config.holidaysCountry } : {}),
  };
}
