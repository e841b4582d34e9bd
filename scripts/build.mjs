// Compiles the TypeScript entry points to plain JavaScript in dist/ (`npm run build`), which
// production runs with `node dist/main.js`. `npm start` runs this with --if-stale first, so it
// never runs a build older than src/.
//
//   node scripts/build.mjs [--if-stale] [--outdir DIR]
//
// Our own code is bundled, one file per entry, with the pure-JavaScript packages it imports (MikroORM
// and knex among them): loading a few files instead of some thousand is most of a cold start.
// Packages that load native code, read files beside their own at run time, or start worker threads
// (EXTERNAL) stay in node_modules and load from there as they do under tsx. Code that is only
// sometimes needed (the migrator, GraphiQL) is split into chunks that load on first use.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The programs, each compiled to dist/ under the same path (src/cli/db.ts → dist/cli/db.js). */
const ENTRIES = ['src/main.ts', 'src/cli/db.ts', 'src/cli/hangar.ts'];

/** What a build depends on: its hash is recorded in the output and compared by --if-stale. */
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];
const STAMP = '.build-stamp';
const EXTERNAL = [
  'argon2',
  'sqlite3',
  'better-sqlite3',
  'pg',
  'pg-native',
  // Drivers knex and MikroORM can load that Hangar does not use; they are not installed.
  'mysql',
  'mysql2',
  'mariadb',
  'oracledb',
  'tedious',
  'pg-query-stream',
  'libsql',
  '@libsql/*',
  'mssql',
  '@mikro-orm/entity-generator',
  '@mikro-orm/seeder',
  '@mikro-orm/mongodb',
  'pino',
  'pino-pretty',
  'thread-stream',
  'swagger-ui-dist',
  '@graphql-yoga/render-graphiql',
];
// The bundled CommonJS packages call require() for Node's built-in modules; an ES module has none.
// The shim's require() also loads the external packages (below).
const REQUIRE_SHIM = "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);";
// A running server may still load chunks of the build before, so those are kept for a while.
const KEEP_OLD_CHUNKS_MS = 24 * 60 * 60 * 1000;

/**
 * Every external package is CommonJS (or ships a CommonJS build), so the bundle require()s it rather
 * than import it. Node parses a CommonJS module imported from an ES module a second time, with its
 * export lexer, following every re-export: for MikroORM and knex, some hundred files and a tenth of
 * a cold start. Each import of one becomes a small bundled CommonJS module that requires it, and
 * esbuild's interop gives the importer the same bindings Node's would.
 */
const requireExternals = {
  name: 'require-externals',
  setup(build) {
    const isExternal = (path) =>
      EXTERNAL.some((pattern) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern || path.startsWith(`${pattern}/`)));
    build.onResolve({ filter: /^[^./]/ }, ({ path, kind }) => {
      if (!isExternal(path)) return undefined;
      if (kind === 'require-call') return { path, external: true };
      return { path, namespace: kind === 'dynamic-import' ? 'require-external-lazily' : 'require-external' };
    });
    build.onLoad({ filter: /.*/, namespace: 'require-external' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: 'js',
    }));
    // A module loaded by import() becomes a chunk of its own, and esbuild gives a CommonJS chunk a
    // default export only; this one names the package's exports, as read here at build time.
    build.onLoad({ filter: /.*/, namespace: 'require-external-lazily' }, ({ path }) => {
      const names = Object.keys(createRequire(join(ROOT, 'package.json'))(path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
      return {
        contents: `const m = require(${JSON.stringify(path)});\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`,
        loader: 'js',
      };
    });
  },
};

/**
 * MikroORM reads its version from its own package.json, by a path relative to its file
 * (utils/Utils.js), and refuses to start when another @mikro-orm package differs: bundled, that path
 * would reach ours. It is pointed back at @mikro-orm/core's.
 */
const mikroOrmVersion = {
  name: 'mikro-orm-version',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(\.\.\/)?package\.json$/ }, ({ importer }) =>
      /node_modules\/@mikro-orm\/core\/utils\/Utils\.js$/.test(importer) ? { path: join(ROOT, 'node_modules/@mikro-orm/core/package.json') } : undefined,
    );
  },
};

function filesUnder(path) {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

/** A digest of every input file's path and content. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update('\0');
  return hash.digest('hex');
}

export function entries() {
  return ENTRIES;
}

/** Whether `outdir` holds a complete build of the sources as they are now. */
export function upToDate(outdir, hash = sourceHash()) {
  const stamp = join(outdir, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
}

export async function buildTo(outdir) {
  const hash = sourceHash();
  // The stamp goes first, so a build cut short is never taken for a complete one.
  rmSync(join(outdir, STAMP), { force: true });
  // Loaded here: the check that nothing changed is all that `npm start` needs most of the time.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: entries(),
    outbase: 'src',
    outdir,
    bundle: true,
    plugins: [requireExternals, mikroOrmVersion],
    banner: { js: REQUIRE_SHIM },
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Less code to compile at start, and less memory for it. Identifiers keep their names: code that
    // reads a function's or a class's name (MikroORM does) needs them, and esbuild's keepNames
    // would wrap every function created, on hot paths too. The source map, which
    // --enable-source-maps reads at start, leaves the sources out.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  pruneOldChunks(outdir, new Set(Object.keys(result.metafile.outputs).map((file) => resolve(ROOT, file))));
  writeFileSync(join(outdir, STAMP), hash);
}

function pruneOldChunks(outdir, current) {
  const chunks = join(outdir, 'chunks');
  if (!existsSync(chunks)) return;
  for (const name of readdirSync(chunks)) {
    const file = join(chunks, name);
    if (!current.has(file) && Date.now() - statSync(file).mtimeMs > KEEP_OLD_CHUNKS_MS) rmSync(file);
  }
}

async function cli(args) {
  const at = args.indexOf('--outdir');
  const outdir = resolve(at >= 0 ? args[at + 1] : join(ROOT, 'dist'));
  if (args.includes('--if-stale') && upToDate(outdir)) return;
  const started = Date.now();
  await buildTo(outdir);
  console.error(`built ${entries().join(', ')} into ${relative(process.cwd(), outdir) || '.'} in ${Date.now() - started} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((error) => {
    // esbuild has already printed the errors with their source lines.
    console.error(`build failed: ${error.message.split('\n')[0]}`);
    process.exit(1);
  });
}
