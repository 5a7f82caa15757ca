/**
 * The response cache: whole answers to read queries, kept in memory and keyed by the data version, so that a page
 * asked for again costs one lookup of a counter instead of its rollups — and is never staler than the last write.
 *
 * Why it is exact: every write to what answers are read from moves `data_version` forward in the same transaction
 * (migrations/Migration20261127000000DataVersion.ts). A request reads the version first, on its own read connection
 * (inside its row-level-security transaction when scoped), then looks up an answer computed at that version. A write
 * that commits after the version was read gives a new version to every later request; an answer computed while a
 * write committed can only hold newer data than its key says, never older.
 *
 * What an answer depends on is all in the key: the data version, the day ("today" is the default tree), the caller
 * (subject, scope unit and roles: two callers never share an answer unless they are the same caller), the resolved
 * scope, the query text, the operation name and the variables. Answers with errors are not kept. Queries that read
 * the audit log are never kept: its entries hold whole rows (people's records), which stay in the database only.
 *
 * Answers are kept as their JSON text (the memory bound is then exact) and parsed again when served. The cache is
 * per process: servers behind a load balancer each keep their own, all keyed by the same database version.
 *
 * Identical requests that miss at the same time (a page many people open right after an import) are executed once:
 * the first executes, the others wait for its answer (at most WAIT_MS, then they execute too) and share it if it has
 * no errors.
 */
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextResponseForOperation } from '@apollo/server';
import { visit, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context';
import { queryRows } from '../sql';
import { responseCacheEvents } from '../metrics';

/** How long a request waits for an identical one already executing before it executes itself. */
export const WAIT_MS = 30_000;

/** Root fields whose answers are never kept (see above). */
const UNCACHED_FIELDS = new Set(['auditLog']);

export interface ResponseCacheOptions {
  /** Total size of the kept answers, in characters of JSON text (V8 keeps 1–2 bytes each; KIEMTRA_RESPONSE_CACHE_MB). 0: no cache. */
  maxBytes: number;
}

export interface ResponseCache {
  plugin: ApolloServerPlugin<Context>;
  /** Kept answers and their total size in bytes (tests, /metrics). */
  stats(): { entries: number; bytes: number };
  clear(): void;
}

/** The current data version, read on the request's own connection. */
export async function readDataVersion(ctx: Context): Promise<string> {
  const rows = await queryRows<{ version: string }>(ctx.em, 'select version::text as version from data_version');
  return rows[0].version;
}

function readsUncachedField(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (UNCACHED_FIELDS.has(node.name.value)) found = true;
    },
  });
  return found;
}

function cacheKey(rc: GraphQLRequestContextResponseForOperation<Context>, version: string): string {
  const ctx = rc.contextValue;
  const parts = [
    version,
    ctx.today,
    ctx.caller.subject,
    ctx.caller.unitCode,
    [...ctx.caller.roles].sort(),
    ctx.scopeUnitId,
    rc.operationName ?? null,
    rc.source,
    rc.request.variables ?? {},
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const maxBytes = Math.max(0, Math.floor(options.maxBytes));
  // One answer may take at most a quarter of the cache: a huge one-off report does not evict everything else.
  const entries = maxBytes > 0 ? new LRUCache<string, string>({ maxSize: maxBytes, maxEntrySize: Math.max(1, Math.floor(maxBytes / 4)), sizeCalculation: (json) => json.length || 1 }) : null;

  // Keys being executed now → the JSON of their answer (null: it had errors, nothing to share).
  const running = new Map<string, Promise<string | null>>();

  /** Registers `key` as executing; the returned function gives its answer to the waiters (null: none). */
  function startRunning(key: string): (json: string | null) => void {
    let give!: (json: string | null) => void;
    const answer = new Promise<string | null>((resolve) => (give = resolve));
    running.set(key, answer);
    // A request that never answers (a lost connection) does not hold the others for longer than WAIT_MS.
    const timer = setTimeout(() => end(null), WAIT_MS).unref();
    const end = (json: string | null) => {
      clearTimeout(timer);
      if (running.get(key) === answer) running.delete(key);
      give(json);
    };
    return end;
  }

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      if (!entries) return;
      let key: string | null = null;
      let finish: ((json: string | null) => void) | null = null;
      return {
        async responseForOperation(rc) {
          if (rc.operation.operation !== 'query' || readsUncachedField(rc.document)) {
            responseCacheEvents.inc({ outcome: 'bypass' });
            return null;
          }
          let version: string;
          try {
            version = await readDataVersion(rc.contextValue);
          } catch {
            // The execution meets the same database and reports the error in its own words.
            responseCacheEvents.inc({ outcome: 'bypass' });
            return null;
          }
          key = cacheKey(rc, version);
          let json = entries.get(key) ?? null;
          let outcome: 'hit' | 'shared' | 'miss' = 'hit';
          if (json === null) {
            const executing = running.get(key);
            if (executing) {
              json = await executing;
              outcome = 'shared';
            }
          }
          if (json === null) {
            responseCacheEvents.inc({ outcome: 'miss' });
            if (!running.has(key)) finish = startRunning(key);
            return null;
          }
          responseCacheEvents.inc({ outcome });
          key = null;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: JSON.parse(json) } };
        },
        async willSendResponse(rc) {
          if (key === null) return;
          const stored = key;
          const done = finish;
          const result = rc.response.body.kind === 'single' ? rc.response.body.singleResult : null;
          if (!result || result.errors !== undefined || result.data == null) {
            done?.(null);
            return;
          }
          // After the response: serializing a large answer is not on its request's path.
          setImmediate(() => {
            const json = JSON.stringify({ data: result.data });
            entries.set(stored, json);
            done?.(json);
          });
        },
      };
    },
  };

  return {
    plugin,
    stats: () => ({ entries: entries?.size ?? 0, bytes: entries?.calculatedSize ?? 0 }),
    clear: () => entries?.clear(),
  };
}
