import { ConfigError, loadConfig } from '../config/load-config';
import { createLogger } from '../logging/logger';
import { EmbeddedPostgresError } from './embedded-postgres';
import { migrate, MigrationError } from './migrator';
import { openDatabase } from './open-database';

/** `npm run db:migrate`: applies pending migrations to DATABASE_DIRECT_URL, else DATABASE_URL
 * (or the embedded database). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    const applied = await migrate(config.databaseDirectUrl ?? database.url, logger);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof MigrationError ||
    error instanceof EmbeddedPostgresError;
  console.error(known ? error.message : error);
  process.exit(1);
});
