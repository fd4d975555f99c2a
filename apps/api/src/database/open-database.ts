import path from 'node:path';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  url: string;
  close(): Promise<void>;
}

/** The configured server, or (DATABASE_URL unset) an embedded PostgreSQL under the data folder. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, close: () => Promise.resolve() };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPgPort,
    database: 'refund_desk',
    logger,
  });
  logger.info({ dataDir: embedded.dataDir }, 'embedded PostgreSQL started; the data lives here');
  return { url: embedded.url, close: () => embedded.stop() };
}
