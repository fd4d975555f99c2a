import { Global, Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { ClsModule } from 'nestjs-cls';
import { AppConfig } from '../config/app-config';
import { AppLogger } from '../logging/app-logger';
import {
  createDatabase,
  createPool,
  DATABASE,
  type Database,
  KyselyTransactionalAdapter,
} from './database';

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [AppConfig, AppLogger],
      useFactory: (config: AppConfig, logger: AppLogger): Database => {
        if (!config.databaseUrl) {
          throw new Error('databaseUrl must be resolved before the app starts');
        }
        const pool = createPool(
          config.databaseUrl,
          (error) => logger.warn({ err: error }, 'database connection lost'),
          { preparedStatements: config.databasePreparedStatements },
        );
        return createDatabase(pool);
      },
    },
  ],
  exports: [DATABASE],
})
class KyselyModule implements OnModuleDestroy {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async onModuleDestroy(): Promise<void> {
    await this.db.destroy().catch(() => undefined);
  }
}

/** The database, and the unit of work services open on it (nestjs-cls transactions). */
@Global()
@Module({
  imports: [
    KyselyModule,
    // The plugin alone, not ClsModule.forRoot: that one also mounts a global guard and interceptor
    // (no-ops here), and any interceptor at all puts Nest's interceptor chain on every request:
    // measured, a third of the throughput of a status read.
    ClsModule.registerPlugins([
      new ClsPluginTransactional({
        imports: [KyselyModule],
        adapter: new KyselyTransactionalAdapter(),
      }),
    ]),
  ],
  exports: [KyselyModule],
})
export class DatabaseModule {}
