/**
 * `kiemtra generate`: writes a synthetic dataset in the interchange format (docs/dataset-format.md) that the
 * importer accepts without an error: a ragged national tree with Vietnamese names, and years of campaigns,
 * disciplinary actions and documents with realistic (skewed) distributions. Deterministic: the same options
 * write byte-identical files. Streams its output, so memory stays flat however many fact rows it writes (only the
 * unit list is held).
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { MAX_YEAR, MIN_YEAR } from '../rollup/period';
import { CADRE_CATEGORIES } from './names';
import { Random } from './random';
import { buildTree, SCALES, type GenUnit, type Scale } from './tree';
import { FACT_FILE_NAMES, FACT_HEADERS, FactGenerator, type FactFileName } from './facts';

export { SCALES, SCALE_SPECS, type Scale } from './tree';

/** The files the generator writes: a folder holding only these may be written over. */
export const GENERATED_FILES = ['cadre_categories.csv', 'units.csv', ...FACT_FILE_NAMES] as const;
export type GeneratedFile = (typeof GENERATED_FILES)[number];

export interface GenerateOptions {
  scale: Scale;
  fromYear: number;
  toYear: number;
  seed: number;
  dir: string;
  /** Called as fact rows are written: `done` of `total` unit-years. */
  onProgress?: (done: number, total: number) => void;
}

export interface YearTotals {
  campaigns: number;
  members: number;
  organizations: number;
  documents: number;
}

export interface GenerateSummary {
  /** Rows of units.csv (one per unit: every unit is open-ended). */
  units: number;
  unitsByKind: Record<string, number>;
  categories: number;
  /** Rows per fact file. */
  facts: Record<FactFileName, number>;
  /** Sum of quantities per fact file. */
  quantities: Record<FactFileName, number>;
  /** Category codes listed on discipline rows (one per row and category). */
  categoryLinks: number;
  /** What the root's rollup of each year must show: sums of quantities. */
  byYear: Record<number, YearTotals>;
  bytes: Record<GeneratedFile, number>;
  elapsedMs: number;
}

/** A refused option or target folder: the message is for the user as it stands. */
export class GenerateError extends Error {}

/** Seeds are 32-bit: the PRNG's seed word. */
const MAX_SEED = 0xffffffff;

/** Largest string built up before it is handed to the file stream (about 1 MB of UTF-8). */
const CHUNK_CHARS = 1 << 20;

/** Buffers lines into ~1 MB chunks and writes them, waiting for the stream to drain when it asks to. */
class CsvWriter {
  private pending = '';
  private error: Error | null = null;
  bytes = 0;
  private readonly stream: fs.WriteStream;

  constructor(file: string, header: string) {
    this.stream = fs.createWriteStream(file);
    this.stream.on('error', (err) => (this.error = err));
    this.pending = header + '\n';
  }

  line(text: string): void {
    this.pending += text + '\n';
  }

  /** The buffer has grown past a chunk: time to flush (checked without awaiting, so rows cost no promise). */
  get full(): boolean {
    return this.pending.length >= CHUNK_CHARS;
  }

  async flush(): Promise<void> {
    if (this.error) throw this.error;
    if (this.pending === '') return;
    const chunk = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'close');
    if (this.error) throw this.error;
  }
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * Checks the target folder: it may be missing (it is created) or empty, or hold only files the generator writes
 * (a previous run's, which are overwritten). Anything else is refused, so that nothing of the user's is mixed in.
 */
export function prepareTargetDir(dir: string): void {
  let entries: string[];
  try {
    const stat = fs.statSync(dir);
    if (!stat.isDirectory()) throw new GenerateError(`${dir} is not a folder`);
    entries = fs.readdirSync(dir);
  } catch (err) {
    if (err instanceof GenerateError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new GenerateError(`${dir} cannot be read: ${(err as Error).message}`);
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  const foreign = entries.filter((e) => !(GENERATED_FILES as readonly string[]).includes(e)).sort();
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
    throw new GenerateError(`${dir} is not empty: it holds ${shown}; give an empty or new folder (or one that holds only a previous run's ${GENERATED_FILES.join(', ')})`);
  }
}

export function checkOptions(o: Pick<GenerateOptions, 'scale' | 'fromYear' | 'toYear' | 'seed'>): void {
  if (!SCALES.includes(o.scale)) throw new GenerateError(`unknown scale "${o.scale}" (scales: ${SCALES.join(', ')})`);
  for (const y of [o.fromYear, o.toYear]) {
    if (!Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR) throw new GenerateError(`year ${y} is outside ${MIN_YEAR}–${MAX_YEAR}`);
  }
  if (o.fromYear > o.toYear) throw new GenerateError(`the years ${o.fromYear}-${o.toYear} run backwards`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > MAX_SEED) throw new GenerateError(`the seed must be a whole number from 0 to ${MAX_SEED}; got ${o.seed}`);
}

/**
 * Parses the command line's `--scale`, `--years` ("2014-2024" or "2023") and `--seed`; returns the options or a
 * message that names the option and says what is wrong.
 */
export function parseGenerateArgs(args: { scale: string; years: string; seed: string }): { value: Omit<GenerateOptions, 'dir'> } | { error: string } {
  if (!(SCALES as readonly string[]).includes(args.scale)) return { error: `--scale: unknown scale "${args.scale}" (scales: ${SCALES.join(', ')})` };
  const years = /^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$/.exec(args.years);
  if (!years) return { error: `--years must be a year or a range of years such as 2014-2024; got "${args.years}"` };
  const [fromYear, toYear] = [Number(years[1]), Number(years[2] ?? years[1])];
  for (const y of [fromYear, toYear]) if (y < MIN_YEAR || y > MAX_YEAR) return { error: `--years: ${y} is outside ${MIN_YEAR}–${MAX_YEAR}` };
  if (fromYear > toYear) return { error: `--years: ${args.years.trim()} runs backwards (write the earlier year first)` };
  const seed = /^\s*\d{1,10}\s*$/.test(args.seed) ? Number(args.seed) : NaN;
  if (!(seed <= MAX_SEED)) return { error: `--seed must be a whole number from 0 to ${MAX_SEED}; got "${args.seed}"` };
  return { value: { scale: args.scale as Scale, fromYear, toYear, seed } };
}

export async function generateDataset(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  checkOptions(options);
  prepareTargetDir(options.dir);
  const file = (name: GeneratedFile) => path.join(options.dir, name);

  const categories = new CsvWriter(file('cadre_categories.csv'), 'code,name');
  for (const c of CADRE_CATEGORIES) categories.line(`${c.code},${csvCell(c.name)}`);
  await categories.close();

  const units = buildTree(options.scale, options.seed);
  const unitsByKind: Record<string, number> = {};
  const unitsFile = new CsvWriter(file('units.csv'), 'code,parent_code,name,kind');
  for (const u of units) {
    unitsByKind[u.kind] = (unitsByKind[u.kind] ?? 0) + 1;
    unitsFile.line(`${u.code},${u.parentCode ?? ''},${csvCell(u.name)},${u.kind}`);
    if (unitsFile.full) await unitsFile.flush();
  }
  await unitsFile.close();

  const facts = await writeFacts(units, options, file);
  return {
    units: units.length,
    unitsByKind,
    categories: CADRE_CATEGORIES.length,
    ...facts,
    bytes: { 'cadre_categories.csv': categories.bytes, 'units.csv': unitsFile.bytes, ...facts.bytes },
    elapsedMs: Math.round(performance.now() - started),
  };
}

async function writeFacts(units: GenUnit[], options: GenerateOptions, file: (name: GeneratedFile) => string) {
  const writers = Object.fromEntries(FACT_FILE_NAMES.map((f) => [f, new CsvWriter(file(f), FACT_HEADERS[f])])) as Record<FactFileName, CsvWriter>;
  const rows = Object.fromEntries(FACT_FILE_NAMES.map((f) => [f, 0])) as Record<FactFileName, number>;
  const quantities = { ...rows };
  const byYear: Record<number, YearTotals> = {};
  let categoryLinks = 0;
  let totals: YearTotals = { campaigns: 0, members: 0, organizations: 0, documents: 0 };
  const sink = {
    row(f: FactFileName, line: string, quantity: number, discipline?: { member: boolean; categories: number }) {
      writers[f].line(line);
      rows[f]++;
      quantities[f] += quantity;
      if (f === 'campaigns.csv') totals.campaigns += quantity;
      else if (f === 'documents.csv') totals.documents += quantity;
      else if (discipline!.member) totals.members += quantity;
      else totals.organizations += quantity;
      categoryLinks += discipline?.categories ?? 0;
    },
  };

  const total = units.length * (options.toYear - options.fromYear + 1);
  let done = 0;
  // Year by year, as reports come in; each year has its own stream, so one year's rows do not depend on another's.
  for (let year = options.fromYear; year <= options.toYear; year++) {
    totals = byYear[year] = { campaigns: 0, members: 0, organizations: 0, documents: 0 };
    const generator = new FactGenerator(new Random(options.seed, `facts ${year}`), options.toYear);
    for (let i = 0; i < units.length; i++) {
      generator.unitYear(units[i], year, sink);
      // Awaiting only when a buffer is full keeps the loop synchronous (fast) between chunks.
      for (const f of FACT_FILE_NAMES) if (writers[f].full) await writers[f].flush();
      if (++done % 4096 === 0) options.onProgress?.(done, total);
    }
  }
  options.onProgress?.(total, total);
  const bytes = {} as Record<FactFileName, number>;
  for (const f of FACT_FILE_NAMES) {
    await writers[f].close();
    bytes[f] = writers[f].bytes;
  }
  return { facts: rows, quantities, categoryLinks, byYear, bytes };
}
