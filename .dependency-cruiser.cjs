/**
 * `npm run check` runs this: no import cycles in the API (between modules, and between folders,
 * so that no two feature folders import each other), and no Prisma client: the data layer is
 * Kysely over row types generated from schema.prisma (apps/api/src/generated/kysely).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or through others.',
      severity: 'error',
      from: { path: '^apps/api/src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment:
        'Folders that import each other: when one feature must tell another something, it ' +
        'publishes an event and the other decides what to do.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^apps/api/src/' },
      to: { circular: true },
    },
    {
      name: 'no-prisma-client',
      comment: 'One data layer: Kysely through TransactionHost (see database/database.ts).',
      severity: 'error',
      from: { path: '^apps/api/src/' },
      to: { path: '^apps/api/src/generated/prisma/' },
    },
  ],
  options: {
    // Type-only imports count: a cycle of types is still two folders that know each other.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: ['node_modules', '^apps/api/src/generated/'] },
  },
};
