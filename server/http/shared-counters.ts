/**
 * The storage of the login throttling counters, shared by every app instance through the database (issue 16): an
 * express-rate-limit `Store` over login_counters. Only the storage lives here; which keys are counted and what the
 * limits are stays with the throttling logic (http/auth.ts). Keys are stored as an HMAC (they hold typed usernames
 * and client addresses), never in clear.
 */
import crypto from 'node:crypto';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/client.ts';
import { decrementCounter, deleteExpiredCounters, getCounter, incrementCounter, resetCounter } from '../domain/users/counters-repository.ts';

/** Expired rows are deleted about once per this many increments. */
const CLEANUP_EVERY = 200;

export class SharedCounterStore implements Store {
  /** Counts are shared: express-rate-limit must not assume this process sees every hit. */
  localKeys = false;
  private windowMs = 15 * 60_000;
  private increments = 0;

  constructor(
    private readonly db: Db,
    private readonly secret: Buffer,
    /** Namespace of this limiter's keys (two limiters never share a row). */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return crypto.createHmac('sha256', this.secret).update(`${this.prefix}\u0000${key}`).digest('base64url');
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const s = await getCounter(this.db, this.key(key));
    return s && { totalHits: s.hits, resetTime: s.resetAt };
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (++this.increments % CLEANUP_EVERY === 0) await deleteExpiredCounters(this.db);
    const s = await incrementCounter(this.db, this.key(key), this.windowMs);
    return { totalHits: s.hits, resetTime: s.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await decrementCounter(this.db, this.key(key));
  }

  async resetKey(key: string): Promise<void> {
    await resetCounter(this.db, this.key(key));
  }
}
