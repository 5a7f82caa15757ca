import type { Connection, EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/postgresql';
import { readRouter } from './db';
import { isDatabaseUnavailable, unavailableReason } from './health';

/**
 * A PostgreSQL array literal for one bound parameter (`= any(?::int[])`), whatever the number of values.
 * MikroORM's `execute` inlines JS arrays, so lists are passed as one literal instead. Every element is quoted,
 * so codes need no care: `["a", 'b"c']` → `{"a","b\"c"}`; null is SQL NULL.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/**
 * Runs a read statement: inside the EntityManager's transaction when it has one (a scoped request runs in one, under
 * row-level security), else on the pool of the connection the EntityManager reads on (readConnection: a replica when
 * replicas are configured). Every raw read goes through here; writes (imports, migrations) never do.
 */
export function queryRows<T = Record<string, any>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (!trx) return onReadConnection(em, (connection) => connection.execute(sql, [...params], 'all') as Promise<T[]>);
  // The statement runs on the transaction's own database connection, wherever it was begun.
  const run = () => (owners.get(trx) ?? em.getConnection()).execute(sql, [...params], 'all', trx) as Promise<T[]>;
  // A transaction has one connection: statements from concurrent loaders are queued, not sent over each other.
  const previous = queues.get(trx) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(run);
  queues.set(trx, next);
  return next;
}

const queues = new WeakMap<object, Promise<unknown>>();

/** The connection each transaction begun here was begun on (a replica's or the primary's). */
const owners = new WeakMap<object, Connection>();

/** The connection each EntityManager (one per request) reads on, so that a request's reads all go to one server. */
const pinned = new WeakMap<EntityManager, Connection>();

/**
 * The connection the EntityManager reads on: without replicas the primary; with replicas one in the read rotation,
 * chosen at the request's first read and kept for its other reads (one server, so no read of a request sees an older
 * state than an earlier one did), or the primary when every replica is out of the rotation.
 */
export function readConnection(em: EntityManager): Connection {
  const router = readRouter(em);
  if (!router) return em.getConnection('write');
  let connection = pinned.get(em);
  if (connection === undefined || !router.inRotation(connection)) {
    connection = router.pick() ?? em.getConnection('write');
    pinned.set(em, connection);
  }
  return connection;
}

/**
 * Runs `work` on the EntityManager's read connection; when that is a replica and it cannot be reached, takes the
 * replica out of the rotation and runs `work` again on the next choice (another replica, at last the primary).
 * Only for work that can simply be repeated: a read outside a transaction, or the opening of one.
 */
async function onReadConnection<T>(em: EntityManager, work: (connection: Connection) => Promise<T>): Promise<T> {
  const router = readRouter(em);
  for (;;) {
    const connection = readConnection(em);
    try {
      return await work(connection);
    } catch (err) {
      if (!router?.isReplica(connection) || !isDatabaseUnavailable(err)) throw err;
      router.markDown(connection, unavailableReason(err));
    }
  }
}

/**
 * Opens a read-only transaction on the EntityManager's read connection (a replica when configured: a hot standby
 * runs read-only transactions, `set local role` and transaction-local settings alike) and sets it as the
 * EntityManager's transaction context, so that queryRows runs in it. Returns the function that ends it (rollback:
 * nothing to keep), which may be called more than once.
 * MikroORM's em.begin() always opens on the primary, hence the transaction is opened here on the read connection.
 */
export async function beginReadOnlyTransaction(em: EntityManager): Promise<() => Promise<void>> {
  const { connection, trx } = await onReadConnection(em, async (connection) => {
    const trx = (await connection.begin({ readOnly: true })) as Knex.Transaction;
    return { connection, trx };
  });
  owners.set(trx, connection);
  em.setTransactionContext(trx);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    await connection.rollback(trx);
  };
}
