import { defineConfig } from 'prisma/config';

// The CLI is only used for `prisma generate` (and `migrate status` on machines that can fetch
// Prisma's native schema engine); the service applies migrations itself (apps/api/src/database).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/refund_desk' },
});
