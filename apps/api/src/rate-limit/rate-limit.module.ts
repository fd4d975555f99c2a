import { DynamicModule, Module, OnModuleDestroy, Provider } from '@nestjs/common';
import { ThrottlerModule, ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { AppConfig, RateLimitStore } from '../config/app-config';
import { AppError } from '../errors/app-error';
import { AppLogger } from '../logging/app-logger';
import { PostgresThrottlerStorage } from './postgres-throttler.storage';
import { RateLimitRepository } from './rate-limit.repository';

const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** A store that cannot count answers 503 RATE_LIMIT_STORE_UNAVAILABLE, never a 500. */
class UnavailableAs503 implements ThrottlerStorage, OnModuleDestroy {
  constructor(private readonly store: ThrottlerStorageRedisService) {}

  async increment(...args: Parameters<ThrottlerStorage['increment']>) {
    try {
      return await this.store.increment(...args);
    } catch {
      throw new AppError(
        'RATE_LIMIT_STORE_UNAVAILABLE',
        'The rate limit store does not answer; retry shortly.',
      );
    }
  }

  // The storage was given a URL: it owns its client and disconnects it here.
  onModuleDestroy(): void {
    this.store.onModuleDestroy();
  }
}

/** Fail a request within seconds when Redis is gone, as when the database is (see database.ts). */
const REDIS_OPTIONS = { connectTimeout: 2_500, commandTimeout: 2_500, maxRetriesPerRequest: 1 };

function storageProviders(store: RateLimitStore): Provider[] {
  switch (store.kind) {
    case 'memory':
      return [{ provide: RATE_LIMIT_STORAGE, useClass: ThrottlerStorageService }];
    case 'postgres':
      return [
        RateLimitRepository,
        PostgresThrottlerStorage,
        { provide: RATE_LIMIT_STORAGE, useExisting: PostgresThrottlerStorage },
      ];
    case 'redis':
      return [
        {
          provide: RATE_LIMIT_STORAGE,
          inject: [AppLogger],
          useFactory: (logger: AppLogger) => {
            // Given a URL, the storage owns its client and disconnects it on shutdown.
            const storage = new ThrottlerStorageRedisService(store.url, REDIS_OPTIONS);
            // While Redis is away, each request answers 503 and each reconnection attempt logs.
            storage.redis.on('error', (error: Error) =>
              logger.warn({ err: error }, 'rate limit store (Redis) unreachable'),
            );
            return new UnavailableAs503(storage);
          },
        },
      ];
  }
}

/** Where the counts are kept, by `RATE_LIMIT_STORE`. */
@Module({})
class RateLimitStoreModule {
  static forRoot(store: RateLimitStore): DynamicModule {
    return {
      module: RateLimitStoreModule,
      providers: storageProviders(store),
      exports: [RATE_LIMIT_STORAGE],
    };
  }
}

/**
 * The rate limit's allowance and store; the guard that applies it is
 * `auth/principal-throttler.guard.ts`.
 */
export function rateLimitModule(config: AppConfig): DynamicModule {
  return ThrottlerModule.forRootAsync({
    imports: [RateLimitStoreModule.forRoot(config.rateLimitStore)],
    inject: [RATE_LIMIT_STORAGE],
    useFactory: (storage: ThrottlerStorage) => ({
      throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
      skipIf: () => config.rateLimitPerMinute === 0,
      storage,
    }),
  });
}
