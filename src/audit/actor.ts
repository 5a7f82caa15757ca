/**
 * Who writes: the audit triggers (migration Migration20261126140000Audit) read the transaction-local setting
 * `kiemtra.actor`; a writer sets it at the start of its transaction. Rows written without it are logged as
 * UNKNOWN_ACTOR.
 */
import os from 'node:os';
import type { Knex } from '@mikro-orm/postgresql';

/** The actor the triggers record when the writing transaction did not say who it is. */
export const UNKNOWN_ACTOR = 'unknown (direct SQL)';

/** Tables whose changes are logged (every stored table but the derived unit_segments). */
export const AUDITED_TABLES = [
  'units',
  'unit_versions',
  'cadre_categories',
  'campaigns',
  'disciplinary_actions',
  'disciplinary_action_categories',
  'documents',
  'reported_figures',
] as const;

/** The actor of a write started from this process without one: 'cli:' and the OS user, or 'system'. */
export function defaultActor(): string {
  try {
    const name = os.userInfo().username;
    if (name) return `cli:${name}`;
  } catch {
    // No passwd entry for the uid (containers): fall through.
  }
  return 'system';
}

/** Names the actor of the rest of the transaction `trx` (a transaction-local setting, gone at commit or rollback). */
export async function setActor(trx: Knex.Transaction, actor: string): Promise<void> {
  await trx.raw(`select set_config('kiemtra.actor', ?, true)`, [actor]);
}
