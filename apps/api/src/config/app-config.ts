/** Validated configuration: read once at start-up from the environment (see docs/operations.md). */
export interface CaseSlaHours {
  firstResponse: number;
  resolution: number;
}

export type CasePriority = 'URGENT' | 'HIGH' | 'NORMAL' | 'LOW';

export class AppConfig {
  production!: boolean;
  port!: number;
  /** Unset: the service starts its own embedded PostgreSQL under `.data/`. */
  databaseUrl?: string;
  embeddedPgPort?: number;
  dataDir!: string;
  jwtSecret!: string;
  /** True when no secret was configured and the development default is in use. */
  jwtSecretIsDefault!: boolean;
  reviewSlaBusinessDays!: number;
  businessTimezone!: string;
  holidays!: string[];
  disputeWindowDays!: number;
  slaCheckIntervalSeconds!: number;
  draftExpiryDays!: number;
  infoRequestExpiryDays!: number;
  disputeMerchantResponseDays!: number;
  businessHours!: { start: string; end: string };
  caseSlaHours!: Record<CasePriority, CaseSlaHours>;
  supportChannelsFile?: string;
  rateLimitPerMinute!: number;
  /** Fastify's `trustProxy`: whose X-Forwarded-For names the client. */
  trustProxy!: boolean | number | string[];
  webhookTimeoutSeconds!: number;
  webhookRetryBaseSeconds!: number;
  webhookRetryHours!: number;
  webhookAllowPrivateUrls!: boolean;
  logLevel!: string;
}
