import type { Db, Tx } from './client.ts';
import { fromDatabaseError } from '../errors.ts';

/**
 * Runs `fn` in one transaction: all of it commits or none of it does. Constraint errors raised inside are
 * translated to AppErrors here, once, so services never see SQLSTATEs.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(fn);
  } catch (err) {
    throw fromDatabaseError(err) ?? err;
  }
}
