import { rm } from 'node:fs/promises';
import { adminClient, TEMPLATE_ENV } from './database';

export default async function globalTeardown(): Promise<void> {
  const admin = await adminClient();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${process.env[TEMPLATE_ENV]} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const embedded = (globalThis as Record<string, unknown>).__EMBEDDED_PG__ as
    { stop(): Promise<void>; dataDirs: string[] } | undefined;
  if (embedded) {
    await embedded.stop();
    for (const dir of embedded.dataDirs) await rm(dir, { recursive: true, force: true });
  }
}
