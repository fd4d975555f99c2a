import { CONFIG_VARIABLES, loadConfig, variablesRead } from './load-config';

describe('loadConfig', () => {
  it('has a safe default for every variable', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      reviewSlaBusinessDays: 5,
      businessTimezone: 'Asia/Jakarta',
      holidaysCountry: 'ID',
      slaPauseStatuses: ['PENDING_CUSTOMER'],
      csatWindowDays: 14,
      caseAutoCloseDays: 7,
      holidays: [],
      disputeWindowDays: 30,
      slaCheckIntervalSeconds: 60,
      draftExpiryDays: 30,
      infoRequestExpiryDays: 14,
      disputeMerchantResponseDays: 3,
      businessHours: { start: '09:00', end: '18:00' },
      rateLimitPerMinute: 600,
      webhookTimeoutSeconds: 10,
      webhookRetryBaseSeconds: 30,
      webhookRetryHours: 24,
      webhookAllowPrivateUrls: false,
      logLevel: 'info',
      jwtSecret: undefined,
      jwtIssuer: undefined,
      jwtAudience: undefined,
      maxTokenHours: 24,
      maxOpenDraftsPerCustomer: 20,
      maxAttachmentBytesPerCustomer: 100 * 1024 * 1024,
    });
    expect(config.caseSlaHours.URGENT).toEqual({ firstResponse: 1, resolution: 8 });
    expect(config.caseSlaHours.LOW).toEqual({ firstResponse: 24, resolution: 120 });
  });

  it('prepares statements unless a pooler is in front (DATABASE_DIRECT_URL) or it is told not to', () => {
    const pooled = 'postgresql://app@pgbouncer:6432/refund_desk';
    const direct = 'postgresql://app@db:5432/refund_desk';
    expect(loadConfig({ DATABASE_URL: direct }).databasePreparedStatements).toBe(true);
    expect(
      loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }).databasePreparedStatements,
    ).toBe(false);
    expect(
      loadConfig({
        DATABASE_URL: pooled,
        DATABASE_DIRECT_URL: direct,
        DATABASE_PREPARED_STATEMENTS: 'true',
      }).databasePreparedStatements,
    ).toBe(true);
    expect(
      loadConfig({ DATABASE_URL: direct, DATABASE_PREPARED_STATEMENTS: 'false' })
        .databasePreparedStatements,
    ).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'sometimes' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS/,
    );
  });

  it('reads DATABASE_DIRECT_URL, a postgresql:// URL beside DATABASE_URL', () => {
    const pooled = 'postgresql://app@pgbouncer:6432/refund_desk';
    const direct = 'postgresql://app@db:5432/refund_desk';
    expect(loadConfig({ DATABASE_URL: pooled }).databaseDirectUrl).toBeUndefined();
    expect(
      loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }).databaseDirectUrl,
    ).toBe(direct);
    expect(() => loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'db:5432' })).toThrow(
      /DATABASE_DIRECT_URL/,
    );
    expect(() => loadConfig({ DATABASE_DIRECT_URL: direct })).toThrow(
      /DATABASE_DIRECT_URL needs DATABASE_URL/,
    );
  });

  it('refuses to start in production without AUTH_JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
    const secret = 'x'.repeat(32);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret }).jwtSecret).toBe(secret);
  });

  it.each([
    ['PORT', 'abc'],
    ['REVIEW_SLA_BUSINESS_DAYS', '-1'],
    ['OFFER_EXPIRY_BUSINESS_DAYS', '0'],
    ['BUSINESS_TIMEZONE', 'Mars/Olympus'],
    ['HOLIDAYS', '2026-13-45'],
    ['HOLIDAYS_COUNTRY', 'Indonesia'],
    ['HOLIDAYS_COUNTRY', 'XX'],
    ['SLA_PAUSE_STATUSES', 'OPEN'],
    ['CSAT_WINDOW_DAYS', '-3'],
    ['CASE_AUTO_CLOSE_DAYS', 'weekly'],
    ['BUSINESS_HOURS', '18:00-09:00'],
    ['CASE_SLA_HOURS', 'URGENT=1/8'],
    ['RATE_LIMIT_PER_MINUTE', 'lots'],
    ['RATE_LIMIT_STORE', 'mongodb://x'],
    ['WEBHOOK_ALLOW_PRIVATE_URLS', 'maybe'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['AUTH_JWT_SECRET', 'short'],
    ['SLA_CHECK_INTERVAL_SECONDS', '0'],
    ['AUTH_MAX_TOKEN_HOURS', 'forever'],
    ['AUTH_MAX_TOKEN_HOURS', '0'],
    ['MAX_OPEN_DRAFTS_PER_CUSTOMER', '0'],
    ['MAX_OPEN_DRAFTS_PER_CUSTOMER', 'many'],
    ['MAX_ATTACHMENT_BYTES_PER_CUSTOMER', '100MiB'],
    ['MAX_ATTACHMENT_BYTES_PER_CUSTOMER', '0'],
    ['WEBHOOK_SECRET_KEY', 'not-hex'.repeat(10)],
    ['WEBHOOK_SECRET_KEY', 'ab'.repeat(16)],
    ['WEBHOOK_SECRET_KEY_PREVIOUS', 'ab'.repeat(32)],
  ])('names the bad variable %s (%s)', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`Invalid configuration: ${name}`),
    );
  });

  it('reads the issuer, audience and longest lifetime tokens must have', () => {
    const config = loadConfig({
      AUTH_JWT_ISSUER: ' https://id.example.com ',
      AUTH_JWT_AUDIENCE: 'refund-desk',
      AUTH_MAX_TOKEN_HOURS: '0.5',
    });
    expect(config).toMatchObject({
      jwtIssuer: 'https://id.example.com',
      jwtAudience: 'refund-desk',
      maxTokenHours: 0.5,
    });
  });

  it('reads the holiday country, in any case, or none for no country calendar', () => {
    expect(loadConfig({ HOLIDAYS_COUNTRY: 'sg' }).holidaysCountry).toBe('SG');
    expect(loadConfig({ HOLIDAYS_COUNTRY: 'none' }).holidaysCountry).toBeNull();
  });

  it('reads the SLA pause statuses, or none', () => {
    expect(
      loadConfig({ SLA_PAUSE_STATUSES: 'pending_customer, ON_HOLD' }).slaPauseStatuses,
    ).toEqual(['PENDING_CUSTOMER', 'ON_HOLD']);
    expect(loadConfig({ SLA_PAUSE_STATUSES: 'none' }).slaPauseStatuses).toEqual([]);
  });

  it('reads holidays and per-priority SLA hours', () => {
    const config = loadConfig({
      HOLIDAYS: '2026-12-25, 2027-01-01',
      CASE_SLA_HOURS: 'URGENT=0.5/2,HIGH=1/4,NORMAL=2/8,LOW=4/16',
    });
    expect(config.holidays).toEqual(['2026-12-25', '2027-01-01']);
    expect(config.caseSlaHours.URGENT).toEqual({ firstResponse: 0.5, resolution: 2 });
  });

  it('reads the webhook secret key as 32 bytes of hex; unset, secrets are stored plain', () => {
    expect(loadConfig({}).webhookSecretKey).toBeUndefined();
    const config = loadConfig({
      WEBHOOK_SECRET_KEY: ` ${'0f'.repeat(32)} `,
      WEBHOOK_SECRET_KEY_PREVIOUS: 'A1'.repeat(32),
    });
    expect(config.webhookSecretKey).toEqual(Buffer.alloc(32, 0x0f));
    expect(config.webhookSecretKeyPrevious).toEqual(Buffer.alloc(32, 0xa1));
  });

  it('trusts no proxy by default, and reads TRUST_PROXY as a flag, a hop count or addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'loadbalancer' })).toThrow(/TRUST_PROXY/);
  });

  it('counts requests in memory by default, or in postgres or redis with RATE_LIMIT_STORE', () => {
    expect(loadConfig({}).rateLimitStore).toEqual({ kind: 'memory' });
    expect(loadConfig({ RATE_LIMIT_STORE: 'memory' }).rateLimitStore).toEqual({ kind: 'memory' });
    expect(loadConfig({ RATE_LIMIT_STORE: 'postgres' }).rateLimitStore).toEqual({
      kind: 'postgres',
    });
    const url = 'redis://:secret@cache.internal:6379/2';
    expect(loadConfig({ RATE_LIMIT_STORE: url }).rateLimitStore).toEqual({ kind: 'redis', url });
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/RATE_LIMIT_STORE/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'http://cache:6379' })).toThrow(/RATE_LIMIT_STORE/);
    // The message names the variable without echoing a password.
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis://:secret@bad host' })).toThrow(
      /^(?!.*secret).*RATE_LIMIT_STORE/,
    );
  });

  it('reads METRICS_TOKEN and EVENT_RETENTION_DAYS, refusing a short token or a zero retention', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({}).eventRetentionDays).toBe(90);
    const token = 'm'.repeat(32);
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadConfig({ EVENT_RETENTION_DAYS: '30' }).eventRetentionDays).toBe(30);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: `${'m'.repeat(32)} x` })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: '0' })).toThrow(/EVENT_RETENTION_DAYS/);
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: 'ninety' })).toThrow(/EVENT_RETENTION_DAYS/);
  });

  it('describes every variable it reads, and no other (docs/operations.md lists them)', () => {
    expect(variablesRead().sort()).toEqual(Object.keys(CONFIG_VARIABLES).sort());
  });

  it.each(
    Object.entries(CONFIG_VARIABLES).flatMap(([name, { default: fallback }]) => {
      const value = /^`([^`]+)`$/.exec(fallback)?.[1];
      return value === undefined ? [] : [[name, value]];
    }),
  )('applies the documented default of %s, %s, when it is unset', (name, value) => {
    expect(loadConfig({ [name]: value })).toEqual(loadConfig({}));
  });
});
