// The one place that drives Prisma's schema engine, as WebAssembly (@prisma/schema-engine-wasm):
// the native engine cannot be downloaded here. That package's API is internal to Prisma and changes
// without notice, so keep every call to it in this file and its version pinned to prisma's.
//
//   node scripts/schema-engine.mjs [schema]   prints the SQL that builds the schema from empty
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');
// Not a dependency of ours: use the copy @prisma/adapter-pg is built against.
const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = createRequire(
  require.resolve('@prisma/adapter-pg'),
)('@prisma/driver-adapter-utils');

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** @type {Promise<any> | undefined} */
let engineClass;

/** Instantiates the wasm module once (wasm-bindgen keeps global state), as Prisma's CLI does. */
function loadEngineClass() {
  engineClass ??= (async () => {
    // The wasm glue reports Rust panics here; without it the panic message is lost.
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (/** @type {string} */ message) =>
        process.stderr.write(`schema engine panic: ${message}\n`),
    };
    // The package's entry imports the .wasm as an ES module, which Node 20 only does behind a
    // flag: load the JS glue and instantiate the binary ourselves.
    const glueUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import(glueUrl);
    const bytes = await readFile(new URL('./schema_engine_bg.wasm', glueUrl));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      './schema_engine_bg.js': glue,
    });
    glue.__wbg_set_wasm(instance.exports);
    /** @type {() => void} */ (instance.exports.__wbindgen_start)();
    return glue.SchemaEngine;
  })();
  return engineClass;
}

/**
 * Runs one `diff` to `schemaPath`, with `adapterFactory` as the engine's only database.
 * @param {object} adapterFactory a SqlMigrationAwareDriverAdapterFactory
 * @param {string} schemaPath
 * @param {(files: { path: string, content: string }[]) => object} from the diff's source
 * @returns {Promise<string>} the SQL script, '' when there is nothing to do
 */
async function diffTo(adapterFactory, schemaPath, from) {
  const files = [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }];
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const SchemaEngine = await loadEngineClass();
  try {
    const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, bound);
    try {
      // exitCode: true makes the engine answer 2 when the diff is not empty, so the
      // "-- This is an empty migration." placeholder never needs parsing.
      const result = await engine.diff({
        from: from(files),
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: true,
        filters: NO_FILTERS,
      });
      return result.exitCode === 2 ? (result.stdout ?? '') : '';
    } finally {
      engine.free();
    }
  } catch (error) {
    // Errors thrown by JS inside the adapter reach us as "External error id#N".
    const id = /External error id#(\d+)/.exec(String(error?.message))?.[1];
    throw (id && bound.errorRegistry.consumeError(Number(id))?.error) || error;
  }
}

/**
 * The SQL that creates everything `schemaPath` describes, on an empty database.
 * Needs no database: the engine only asks the server's version when it starts, which a stub
 * answers; any other query fails loudly, so a future engine that needs more cannot go unnoticed.
 * @param {string} [schemaPath]
 * @returns {Promise<string>}
 */
export async function renderSchemaSql(schemaPath = 'prisma/schema.prisma') {
  const offline = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => ({
      provider: 'postgres',
      adapterName: '@prisma/adapter-pg',
      getConnectionInfo: () => ({ supportsRelationJoins: true }),
      queryRaw: async (/** @type {{ sql: string }} */ query) => {
        if (!/\bversion\(\)/.test(query.sql)) throw unexpected(query.sql);
        const { Boolean, Text, Int32 } = ColumnTypeEnum;
        return {
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [Boolean, Text, Int32],
          rows: [[true, 'PostgreSQL 15.0 (offline stub)', 150000]],
        };
      },
      executeRaw: async (/** @type {{ sql: string }} */ query) => {
        throw unexpected(query.sql);
      },
      executeScript: async (/** @type {string} */ script) => {
        throw unexpected(script);
      },
      startTransaction: async () => {
        throw unexpected('a transaction');
      },
      dispose: async () => {},
    }),
    connectToShadowDb: async () => {
      throw unexpected('a shadow database');
    },
  };
  const sql = await diffTo(offline, schemaPath, () => ({ tag: 'empty' }));
  if (!sql) throw new Error(`${schemaPath} renders no SQL`);
  return sql;
}

/** @param {string} what */
function unexpected(what) {
  return new Error(`the offline schema engine asked for a database: ${what.slice(0, 200)}`);
}

/**
 * The SQL that takes the live database at `databaseUrl` to `schemaPath`: applied to a database
 * built by the migrations, it is the next migration. The engine only reads that database.
 * @param {string} databaseUrl
 * @param {string} [schemaPath]
 * @returns {Promise<string>} '' when the database already matches the schema
 */
export async function diffDatabaseToSchema(databaseUrl, schemaPath = 'prisma/schema.prisma') {
  // @prisma/adapter-pg 7.10 cannot decode PostgreSQL's one-byte "char" type (oid 18), which the
  // engine's catalog queries select (contype, relkind, ...): hand it over as text, marked by name,
  // and declare the column a Character, which is what the engine then reads it as.
  const mark = '\u0000char:';
  class CharAsTextPool extends pg.Pool {
    /** @param {any[]} args */
    async query(...args) {
      const result = await super.query(...args);
      for (const field of result?.fields ?? []) {
        if (field.dataTypeID === 18)
          Object.assign(field, { dataTypeID: 25, name: mark + field.name });
      }
      return result;
    }
  }
  const pool = new CharAsTextPool({ connectionString: databaseUrl });
  const adapter = new PrismaPg(pool);
  const factory = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: async () => {
      const connection = await adapter.connect();
      const queryRaw = connection.queryRaw.bind(connection);
      connection.queryRaw = async (/** @type {object} */ query) => {
        const result = await queryRaw(query);
        result.columnNames.forEach((/** @type {string} */ name, /** @type {number} */ i) => {
          if (!name.startsWith(mark)) return;
          result.columnNames[i] = name.slice(mark.length);
          result.columnTypes[i] = ColumnTypeEnum.Character;
        });
        return result;
      };
      return connection;
    },
    // Only `migrations` sources need one; its naive ';' splitting would break function bodies.
    connectToShadowDb: async () => {
      throw new Error('the schema engine asked for a shadow database');
    },
  };
  try {
    return await diffTo(factory, schemaPath, (files) => ({
      tag: 'schemaDatasource',
      files,
      configDir: process.cwd(),
    }));
  } finally {
    await pool.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  renderSchemaSql(process.argv[2]).then(
    (sql) => process.stdout.write(sql),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
