/**
 * The `kiemtra` command line. Entry point only: each command calls into the modules that do the work.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { migrate, openDatabase, type Orm } from './db';
import { DatasetInvalidError, formatImportError, importDataset, type ImportReport } from './import';
import { startServer } from './server';
import { redactUrl, waitForDatabase } from './health';
import { schemaSdl } from './schema';
import { DEFAULT_SEED, SEEDS, seedDir } from './seeds';
import { GenerateError, GENERATED_FILES, generateDataset, parseGenerateArgs, SCALES, type GenerateSummary } from './generate';
import { createVerifier, signToken } from './auth/tokens';
import { hasRole, OPEN_CALLER, Role, type Caller } from './auth/caller';
import { GraphQLError } from 'graphql';
import { FORMATS, parseExportParams, runExport, type Format } from './export';
import { projectRoot } from './paths';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);

/** A wrong setting is one clear line (what and which variable), not a stack trace. */
function loadConfigOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`kiemtra: configuration: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

// `kiemtra … | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/**
 * Opens the database and runs `work`. On PostgreSQL, `wait` (serve, start) retries an unreachable server for up to
 * KIEMTRA_DB_WAIT_SECONDS (default 60); other commands try once. Either way, a clear line and no stack trace.
 */
async function withDatabase<T>(work: (orm: Orm) => Promise<T>, wait = false): Promise<T> {
  const orm = await openDatabase(config);
  try {
    if (config.databaseUrl) {
      const seconds = wait ? config.dbWaitSeconds : 0;
      await waitForDatabase(orm, { seconds, shownAs: redactUrl(config.databaseUrl), logger, onFirstFailure: (line) => process.stderr.write(`kiemtra: ${line}\n`) });
    }
    return await work(orm);
  } finally {
    await orm.close(true);
  }
}

function describeDatabase(): string {
  return config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
}

function printReport(report: ImportReport): void {
  const out = process.stdout;
  out.write(report.dryRun ? 'Dry run: the dataset is valid; nothing was written. It would change:\n' : 'Imported:\n');
  for (const [file, c] of Object.entries(report.files)) {
    const removed = c.removed ? `, ${c.removed} earlier versions removed` : '';
    out.write(`  ${file.padEnd(22)} ${String(c.rows).padStart(9)} rows: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged${removed}\n`);
  }
  if (Object.keys(report.files).length === 0) out.write('  (no dataset files found)\n');
  const seconds = report.phases.reduce((sum, p) => sum + p.ms, 0) / 1000;
  const rows = Object.values(report.files).reduce((sum, c) => sum + c.rows, 0);
  out.write(`  ${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / Math.max(seconds, 0.001))} rows/s): `);
  out.write(report.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(', ') + '\n');
}

/** Runs an import with a progress bar on a terminal; prints every error and sets the exit code on failure. */
async function runImport(orm: Orm, dir: string, dryRun: boolean, as?: { scopeCode: string; actor: string }): Promise<boolean> {
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: ' {file} [{bar}] {percentage}% | {value}/{total} bytes', stream: process.stderr, hideCursor: true }, Presets.shades_classic)
    : undefined;
  let current = '';
  try {
    const report = await importDataset(orm, dir, {
      dryRun,
      scopeCode: as?.scopeCode,
      actor: as?.actor,
      onProgress: (file, read, total) => {
        if (!bar) return;
        if (file !== current) {
          if (current) bar.stop();
          current = file;
          bar.start(total, 0, { file: file.padEnd(20) });
        }
        bar.update(read);
      },
      // Said without a terminal too: a log (or a test killing the process mid-import) sees when the write begins.
      onStage: (stage) => {
        bar?.stop();
        current = '';
        process.stderr.write(`${stage}${dryRun ? ' (dry run)' : ''} in one transaction…\n`);
      },
    });
    bar?.stop();
    printReport(report);
    return true;
  } catch (err) {
    bar?.stop();
    if (err instanceof DatasetInvalidError) {
      for (const e of err.errors) process.stderr.write(formatImportError(e) + '\n');
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return false;
    }
    throw err;
  }
}

async function isEmpty(orm: Orm): Promise<boolean> {
  const rows = await orm.em.fork().getConnection().execute('select exists (select 1 from units) as any');
  return !rows[0].any;
}

async function serve(orm: Orm): Promise<void> {
  const verifier = await createVerifier(config.auth);
  const server = await startServer(orm, logger, config.host, config.port, {
    timeZone: config.timeZone,
    verifier,
    nodeEnv: config.nodeEnv,
    rateLimitPerMinute: config.rateLimitPerMinute,
    responseCacheMb: config.responseCacheMb,
    executor: config.executor,
  });
  logger.info({ database: describeDatabase() }, `kiemtra serving GraphQL and GraphiQL at ${server.url}`);
  // The first line is read by scripts (bench/scale.ts): its URL ends the line.
  process.stdout.write(`kiemtra: GraphQL API and GraphiQL at ${server.url}\n`);
  process.stdout.write(`kiemtra: explorer at ${server.url.replace(/\/graphql$/, '/explorer')}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await server.stop();
}

/** The installed package's version (package.json is above both src/ and dist/src/). */
function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(`${projectRoot()}/package.json`, 'utf8')) as { version: string }).version;
}

const program = new Command('kiemtra')
  .version(packageVersion(), '-V, --version', 'print the version of kiemtra')
  .description('GraphQL API over the party organization tree and its inspection, supervision and discipline work.')
  .addHelpText(
    'after',
    `
Database: PostgreSQL when DATABASE_URL is set, else embedded PGlite in KIEMTRA_DATA_DIR (default .kiemtra/).
Other settings: PORT (4000), HOST (127.0.0.1), LOG_LEVEL (info), NODE_ENV.`,
  );

program
  .command('start')
  .description('Migrate, load the reference dataset into an empty database, and serve (what `npm start` runs).')
  .action(() =>
    withDatabase(async (orm) => {
      await migrate(orm);
      if (await isEmpty(orm)) {
        process.stdout.write(`Empty database: loading the reference dataset ${DEFAULT_SEED}…\n`);
        if (!(await runImport(orm, seedDir(DEFAULT_SEED), false))) return;
      }
      await serve(orm);
    }, true),
  );

program
  .command('serve')
  .description('Serve the GraphQL API (POST/GET /graphql), GraphiQL in a browser at /graphql, /health (liveness) and /ready (database).')
  .action(() => withDatabase(serve, true));

program
  .command('token')
  .description('Print a signed access token (needs KIEMTRA_AUTH_PRIVATE_KEY_FILE; issuer and audience from KIEMTRA_AUTH_ISSUER / _AUDIENCE).')
  .requiredOption('--unit <code>', 'the unit whose subtree the token may see')
  .requiredOption('--roles <roles>', `comma-separated roles: ${Object.values(Role).join(', ')}`)
  .option('--subject <sub>', 'the token subject (who it is for)', 'kiemtra-cli')
  .option('--expires <duration>', 'lifetime, e.g. 15m, 8h, 30d', '15m')
  .action(async (opts: { unit: string; roles: string; subject: string; expires: string }) => {
    const roles = opts.roles.split(',').map((r) => r.trim().toUpperCase());
    const unknown = roles.filter((r) => !Object.values(Role).includes(r as Role));
    if (unknown.length > 0 || roles.length === 0) {
      process.stderr.write(`error: unknown role ${unknown.join(', ')} (roles: ${Object.values(Role).join(', ')})\n`);
      process.exitCode = 1;
      return;
    }
    if (!/^\d+\s*[smhdw]$/.test(opts.expires)) {
      process.stderr.write(`error: --expires must be a number and a unit (s, m, h, d, w), e.g. 15m; got "${opts.expires}"\n`);
      process.exitCode = 1;
      return;
    }
    try {
      const token = await signToken(config.auth, { subject: opts.subject, unit: opts.unit, roles: roles as Role[], expiresIn: opts.expires });
      process.stdout.write(`${token}\n`);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });

program
  .command('migrate')
  .description('Apply every pending database migration.')
  .action(() =>
    withDatabase(async (orm) => {
      const applied = await migrate(orm);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
    }),
  );

program
  .command('import')
  .description('Import a dataset folder in the interchange format (docs/dataset-format.md): all or nothing.')
  .argument('<dir>', 'folder holding units.csv, cadre_categories.csv, campaigns.csv, discipline.csv, documents.csv, reported_figures.csv (each optional)')
  .option('--dry-run', 'validate and report what would change, without writing', false)
  .option('--token <jwt>', 'import as the holder of this token (EDITOR role): every row must stay in its unit\'s subtree (or set KIEMTRA_TOKEN)')
  .action(async (dir: string, opts: { dryRun: boolean; token?: string }) => {
    const token = opts.token ?? process.env.KIEMTRA_TOKEN;
    let as: { scopeCode: string; actor: string } | undefined;
    if (token) {
      const verifier = await createVerifier(config.auth);
      if (!verifier) return fail('--token needs a key to verify it: set KIEMTRA_AUTH_PUBLIC_KEY_FILE (or a JWKS)');
      let caller: Caller;
      try {
        caller = await verifier(token);
      } catch (err) {
        return fail(`the token is not accepted: ${(err as Error).message}`);
      }
      if (!hasRole(caller, Role.EDITOR)) return fail('importing needs the EDITOR role');
      as = { scopeCode: caller.unitCode!, actor: `token:${caller.subject}` };
    }
    await withDatabase(async (orm) => {
      await migrate(orm);
      await runImport(orm, dir, opts.dryRun, as);
    });
  });

function fail(message: string): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
}

program
  .command('seed')
  .description('Load a reference dataset shipped with kiemtra, through the same import code; without a name, list them.')
  .addArgument(new Command().createArgument('[name]', 'the dataset').choices(Object.keys(SEEDS)))
  .option('--dry-run', 'validate and report what would change, without writing', false)
  .action((name: string | undefined, opts: { dryRun: boolean }) => {
    if (name === undefined) {
      for (const [seed, { description }] of Object.entries(SEEDS)) process.stdout.write(`${seed}\n  ${description}\n`);
      return;
    }
    return withDatabase(async (orm) => {
      await migrate(orm);
      await runImport(orm, seedDir(name), opts.dryRun);
    });
  });

program
  .command('generate')
  .description('Write a synthetic dataset (a ragged national tree with Vietnamese names, and years of facts) that imports without an error. Deterministic: the same arguments write byte-identical files.')
  .argument('<dir>', 'folder to write; created if missing, else it must be empty or hold only files of an earlier run')
  .option('--scale <scale>', `${SCALES.join(', ')}: about 1.8k units and 31k fact rows, 6.2k units and 120k, or 253k units and 4.2M`, 'small')
  .option('--years <from-to>', 'the years of the facts, e.g. 2014-2024 (or one year)', '2014-2024')
  .option('--seed <n>', 'seed of the pseudo-random generator, a whole number', '1')
  .action(async (dir: string, opts: { scale: string; years: string; seed: string }) => {
    const parsed = parseGenerateArgs(opts);
    if ('error' in parsed) return fail(parsed.error);
    const bar = process.stderr.isTTY
      ? new SingleBar({ format: ' facts [{bar}] {percentage}% | {value}/{total} unit-years', stream: process.stderr, hideCursor: true }, Presets.shades_classic)
      : undefined;
    let summary: GenerateSummary;
    try {
      summary = await generateDataset({
        ...parsed.value,
        dir,
        onProgress: (done, total) => {
          if (!bar) return;
          if (done === 0 || !bar.isActive) bar.start(total, done);
          else bar.update(done);
        },
      });
    } catch (err) {
      if (err instanceof GenerateError) return fail(err.message);
      throw err;
    } finally {
      bar?.stop();
    }
    const { scale, fromYear, toYear, seed } = parsed.value;
    const out = process.stdout;
    out.write(`Generated a ${scale} dataset (seed ${seed}, ${fromYear}–${toYear}) in ${dir} in ${(summary.elapsedMs / 1000).toFixed(1)} s:\n`);
    const rows: Record<string, number> = { 'cadre_categories.csv': summary.categories, 'units.csv': summary.units, ...summary.facts };
    for (const file of GENERATED_FILES) {
      out.write(`  ${file.padEnd(22)} ${String(rows[file]).padStart(9)} rows ${(summary.bytes[file] / 1e6).toFixed(1).padStart(8)} MB\n`);
    }
    out.write(`Import it with: kiemtra import ${dir}\n`);
  });

program
  .command('export')
  .description('Write an `aggregate`, or a unit\'s children table (--report children), as CSV or Excel: the parameters of GET /export.csv and /export.xlsx.')
  .option('--report <report>', 'aggregate (default) or children: one row per child unit with its rollup')
  .option('--root <code>', 'the unit whose subtree to export (required)')
  .option('--year <year>', 'the year (shorthand for --from-year Y --to-year Y)')
  .option('--from-year <year>', 'first year (aggregate)')
  .option('--to-year <year>', 'last year (aggregate; default --from-year)')
  .option('--from-month <month>', 'first month of each year (default 1)')
  .option('--to-month <month>', 'last month of each year (default 12)')
  .option('--measure <measure>', 'what to count (aggregate): CAMPAIGNS, DISCIPLINED_MEMBERS, DOCUMENTS…')
  .option('--group-by <dimensions>', 'comma-separated dimensions, e.g. CHILD_UNIT,CADRE_CATEGORY')
  .option('--at-tier <tier>', 'the tier of UNIT_AT_TIER')
  .option('--tiers <list>', 'filter: comma-separated tiers')
  .option('--bodies <list>', 'filter: comma-separated bodies')
  .option('--authorities <list>', 'filter: comma-separated authorities')
  .option('--activities <list>', 'filter: comma-separated activities')
  .option('--origins <list>', 'filter: comma-separated origins')
  .option('--statuses <list>', 'filter: comma-separated campaign statuses')
  .option('--forms <list>', 'filter: comma-separated discipline forms')
  .option('--subjects <list>', 'filter: comma-separated subjects')
  .option('--categories <list>', 'filter: comma-separated cadre category codes')
  .option('--lang <lang>', 'labels and headers: vi (default) or en')
  .addOption(new Option('--format <format>', 'csv or xlsx (default: from the --out extension, else csv)').choices(FORMATS))
  .option('--out <file>', 'write to this file (default: CSV on standard output; required for xlsx)')
  .option('--token <jwt>', 'export as the holder of this token (ANALYST role, its unit\'s subtree only; or set KIEMTRA_TOKEN)')
  // A wrong option is a usage error like a wrong value: exit 2 (commander has printed its line).
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .action(async (opts: Record<string, string | undefined>) => {
    const { format: formatOption, out, token: tokenOption, ...params } = opts;
    const usage = (message: string) => {
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = 2;
    };
    const format: Format = (formatOption as Format | undefined) ?? (out && /\.xlsx$/i.test(out) ? 'xlsx' : 'csv');
    if (format === 'xlsx' && !out) return usage('--format xlsx needs --out <file> (a workbook is not written to a terminal)');
    let request;
    try {
      request = parseExportParams(params, 'cli');
    } catch (err) {
      if (err instanceof GraphQLError) return usage(err.message);
      throw err;
    }
    let caller: Caller = OPEN_CALLER;
    const token = tokenOption ?? process.env.KIEMTRA_TOKEN;
    if (token) {
      const verifier = await createVerifier(config.auth);
      if (!verifier) return fail('--token needs a key to verify it: set KIEMTRA_AUTH_PUBLIC_KEY_FILE (or a JWKS)');
      try {
        caller = await verifier(token);
      } catch (err) {
        return fail(`the token is not accepted: ${(err as Error).message}`);
      }
    }
    await withDatabase(async (orm) => {
      try {
        const file = await runExport(orm, caller, request, format, { timeZone: config.timeZone });
        if (out) {
          fs.writeFileSync(out, file.body);
          process.stderr.write(`Wrote ${out}: ${file.table.rows.length} rows (${file.table.title})\n`);
        } else process.stdout.write(file.body);
      } catch (err) {
        const code = err instanceof GraphQLError ? err.extensions.code : undefined;
        // The arguments name something wrong (a value, or a unit that is not there): a usage error, as above.
        if (code === 'BAD_USER_INPUT' || code === 'NOT_FOUND') return usage((err as Error).message);
        if (code === 'FORBIDDEN' || code === 'SERVICE_UNAVAILABLE') return fail((err as Error).message);
        throw err;
      }
    });
  });

program
  .command('schema')
  .description('Print the GraphQL schema (SDL), or write it to a file.')
  .addOption(new Option('--out <file>', 'write to this file instead of standard output'))
  .action(async (opts: { out?: string }) => {
    const sdl = await schemaSdl();
    if (opts.out) fs.writeFileSync(opts.out, sdl);
    else process.stdout.write(sdl);
  });

program.parseAsync(process.argv).catch((err: Error & { code?: unknown }) => {
  // A database driver's message can quote SQL and row values: say only what kind of failure it was.
  const code = typeof err.code === 'string' ? err.code : undefined;
  const fromDatabase = code !== undefined && /^[0-9A-Z]{5}$/.test(code);
  const message = fromDatabase ? `a database error (SQLSTATE ${code}); see the log for its class` : err.message;
  logger.error({ err: { type: err.name, code } }, 'kiemtra failed');
  process.stderr.write(`kiemtra: ${message}\n`);
  process.exitCode = 1;
});
