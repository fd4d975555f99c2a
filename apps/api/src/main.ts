import 'reflect-metadata';
import { AppConfig } from './config/app-config';
import { developmentSecretFile } from './config/development-secret';
import { ConfigError, loadConfig } from './config/load-config';
import { createApp } from './create-app';
import { migrate, MigrationError } from './database/migrator';
import { openDatabase } from './database/open-database';
import { FEATURE_MODULES } from './features';
import { createLogger } from './logging/logger';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  if (!config.jwtSecret) {
    logger.warn(
      { file: developmentSecretFile(config.dataDir) },
      'AUTH_JWT_SECRET is not set: using the secret generated for this checkout (never in production)',
    );
  }
  if (!config.webhookSecretKey) {
    logger.warn(
      'WEBHOOK_SECRET_KEY is not set: webhook signing secrets are stored in plain text (development only)',
    );
  }
  const database = await openDatabase(config, logger);
  try {
    await migrate(config.databaseDirectUrl ?? database.url, logger);
  } catch (error) {
    logger.fatal(
      error instanceof MigrationError ? error.message : { err: error },
      'start-up stopped',
    );
    await database.close();
    process.exit(1);
  }

  const app = await createApp(
    { ...config, databaseUrl: database.url },
    logger,
    FEATURE_MODULES,
  ).catch(async (error: unknown) => {
    // Configuration read by feature modules (SUPPORT_CHANNELS) fails here, not in loadConfig.
    logger.fatal(error instanceof ConfigError ? error.message : { err: error }, 'start-up stopped');
    await database.close();
    process.exit(1);
  });
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    // Requests in flight finish first: Nest closes the database pool before the HTTP server.
    await app.getHttpAdapter().getInstance().close();
    await app.close();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutdown(signal));
  }

  try {
    await app.listen({ port: config.port, host: '0.0.0.0' });
  } catch (error) {
    await app.close();
    await database.close();
    throw error;
  }
  logger.info(
    { url: `http://localhost:${config.port}`, docs: '/docs', console: '/console' },
    'refund desk listening',
  );
}

main().catch((error: unknown) => {
  // Start-up failures (the embedded database not starting, a port taken) end here, briefly.
  console.error(
    `refund desk did not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
