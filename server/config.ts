import Joi from 'joi';
import net from 'node:net';
import path from 'node:path';

/**
 * All configuration, read from the environment exactly once and validated here.
 * Nothing else in the code base reads `process.env`: pass a Config around instead.
 */
export interface RoundRange {
  from: number;
  to: number;
  set: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** A streaming replica for reports, trend, exports and household lists (issue 16); null = the primary. */
  databaseReadUrl: string | null;
  /** How long a replica read waits for the replica to replay the primary's latest commit before reading the primary. */
  readReplicaWaitMs: number;
  /** Name of this app instance in import job claims; default host:port. */
  instanceId: string | null;
  /** PGlite's shared_buffers in MiB: its page cache lives in the API process (issue 14: idle RSS ≤ 250 MiB). */
  pgliteSharedBuffersMb: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  adminPassword: string | null;
  sessionSecret: string | null;
  bodyLimit: string;
  uploadLimitBytes: number;
  /** Express "trust proxy": false, a hop count, or the proxies' addresses/CIDRs — never `true` (issue 13 item 4). */
  trustProxy: false | number | string[];
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  tokenTtlHours: number;
  /** An API token unused this many days stops working (issue 13). */
  tokenIdleDays: number;
  loginRateLimit: number;
  districtCode: string;
  roundMin: number;
  roundMax: number;
  /** Which criteria set classifies which review round, per standard (domain.md §2–3). */
  criteriaRounds: { city: RoundRange[]; national: RoundRange[] };
  tileUrl: string | null;
  tileAttribution: string;
  importMemoryMb: number;
  importTimeoutSeconds: number;
  importMaxUncompressedMb: number;
  /** An uncommitted import's data is deleted after this many hours (issue 13 item 3). */
  importRetentionHours: number;
  /** Upload bytes one user's uncommitted imports may hold. */
  importQuotaBytes: number;
  /** Import job heartbeat; a job silent for 4 beats is taken over by another instance. */
  importHeartbeatSeconds: number;
  demoMode: boolean;
  demoPassword: string | null;
  /** Absolute path of the built client (Vite output). */
  clientDir: string;
  /** Backups (issue 18): folder (default DATA_DIR/backups), how many files to keep, daily local time or null (off). */
  backupDir: string;
  backupKeep: number;
  backupAt: { hour: number; minute: number } | null;
}

const roundRange = Joi.object({
  from: Joi.number().integer().min(2000).max(2100).required(),
  to: Joi.number().integer().min(Joi.ref('from')).max(2100).required(),
  set: Joi.string().pattern(/^[a-z0-9-]+$/).required(),
});

// The city's raised lines (28 M / 36 M) were already used by the review at the end of 2018, which made the list in
// force in January 2019 (domain.md §3): round 2018 is classified by the 2019–2020 set.
const DEFAULT_CRITERIA_ROUNDS = JSON.stringify({
  city: [
    { from: 2015, to: 2017, set: 'hcm-2016-2018' },
    { from: 2018, to: 2020, set: 'hcm-2019-2020' },
  ],
  national: [{ from: 2015, to: 2020, set: 'vn-2016-2020' }],
});

const KEYS = {
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  HOST: Joi.string().hostname().default('0.0.0.0'),
  DATA_DIR: Joi.string().default('./data'),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .allow('')
    .default(''),
  DATABASE_READ_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .allow('')
    .default(''),
  READ_REPLICA_WAIT_MS: Joi.number().integer().min(0).max(10_000).default(250),
  INSTANCE_ID: Joi.string().pattern(/^[A-Za-z0-9_.:-]{1,100}$/).allow('').default(''),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  ADMIN_PASSWORD: Joi.string().min(10).allow('').default(''),
  SESSION_SECRET: Joi.string().min(32).allow('').default(''),
  BODY_LIMIT: Joi.string().pattern(/^\d+(b|kb|mb)$/i).default('1mb'),
  UPLOAD_LIMIT_MB: Joi.number().integer().min(1).max(500).default(25),
  TRUST_PROXY: Joi.string()
    .trim()
    .custom((v: string, helpers) => (parseTrustProxy(v) === null ? helpers.error('any.invalid') : v))
    .message('must be a hop count (0 = no proxy, 1 = one reverse proxy) or a comma-separated list of proxy addresses/CIDRs; never "true"')
    .default('0'),
  COOKIE_SECURE: Joi.boolean().truthy('1').falsy('0').default(false),
  SESSION_IDLE_MINUTES: Joi.number().integer().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: Joi.number().integer().min(1).max(24 * 30).default(12),
  TOKEN_TTL_HOURS: Joi.number().integer().min(1).max(24 * 365).default(24 * 30),
  TOKEN_IDLE_DAYS: Joi.number().integer().min(1).max(365).default(30),
  LOGIN_RATE_LIMIT: Joi.number().integer().min(1).max(10000).default(10),
  DISTRICT_CODE: Joi.string().pattern(/^\d{3}$/).default('761'),
  ROUND_MIN: Joi.number().integer().min(2000).max(2100).default(2015),
  ROUND_MAX: Joi.number().integer().min(Joi.ref('ROUND_MIN')).max(2045).default(2020),
  CRITERIA_ROUNDS: Joi.string().default(DEFAULT_CRITERIA_ROUNDS),
  TILE_URL: Joi.string()
    .pattern(/^(off|https?:\/\/.+)$/)
    .allow('')
    .default(''),
  TILE_ATTRIBUTION: Joi.string().allow('').default(''),
  IMPORT_MEMORY_MB: Joi.number().integer().min(64).max(8192).default(256),
  IMPORT_TIMEOUT_SECONDS: Joi.number().integer().min(5).max(3600).default(300),
  IMPORT_MAX_UNCOMPRESSED_MB: Joi.number().integer().min(1).max(4096).default(400),
  IMPORT_RETENTION_HOURS: Joi.number().integer().min(1).max(24 * 90).default(24),
  IMPORT_QUOTA_MB: Joi.number().integer().min(1).max(100_000).default(200),
  IMPORT_HEARTBEAT_SECONDS: Joi.number().integer().min(1).max(300).default(5),
  DEMO_MODE: Joi.boolean().truthy('1').falsy('0').default(false),
  DEMO_PASSWORD: Joi.string().min(10).allow('').default(''),
  CLIENT_DIR: Joi.string().default('./dist/client'),
  BACKUP_DIR: Joi.string().allow('').default(''),
  BACKUP_KEEP: Joi.number().integer().min(1).max(1000).default(14),
  BACKUP_AT: Joi.string()
    .pattern(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM or off')
    .default('02:00'),
  // PGlite's default 128 MB of shared_buffers sits in the API process (~120 MiB RSS more); the OS file cache still
  // holds the data files, so a district fits well in 16 MB (docs/BENCHMARKS.md). Ignored with DATABASE_URL.
  PGLITE_SHARED_BUFFERS_MB: Joi.number().integer().min(1).max(4096).default(16),
};
const schema = Joi.object(KEYS);

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: "0"/"false" (none), a hop count ("1" = one reverse proxy: the address it appends to X-Forwarded-For is
 * the client's, whatever the client wrote there itself), or addresses/CIDRs of the proxies. `true` is refused: it
 * would take the left-most X-Forwarded-For entry, which any client can write. Returns null when invalid.
 */
export function parseTrustProxy(value: string): false | number | string[] | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false') return false;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  const ok = list.every((entry) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [addr, prefix, ...rest] = entry.split('/');
    const family = net.isIP(addr ?? '');
    if (!family || rest.length) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  return list.length > 0 && ok ? list : null;
}

export class ConfigError extends Error {
  constructor(public readonly problems: { key: string; message: string }[]) {
    super(
      'Cấu hình không hợp lệ / Invalid configuration:\n' +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

// From the object the schema is made of: `schema.describe()` validated joi's whole manifest, 60 ms of every start.
const KNOWN_KEYS = Object.keys(KEYS);

/** Validates the environment; throws ConfigError naming every bad key at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined) input[key] = value;
  }
  const { value, error } = schema.validate(input, { abortEarly: false, convert: true });
  const problems: { key: string; message: string }[] = [];
  if (error) {
    for (const d of error.details) problems.push({ key: String(d.path[0]), message: d.message });
  }
  let criteriaRounds: Config['criteriaRounds'] | null = null;
  if (!problems.some((p) => p.key === 'CRITERIA_ROUNDS')) {
    try {
      const parsed = JSON.parse(value.CRITERIA_ROUNDS);
      const check = Joi.object({
        city: Joi.array().items(roundRange).min(1).required(),
        national: Joi.array().items(roundRange).min(1).required(),
      }).validate(parsed, { abortEarly: false });
      if (check.error) problems.push({ key: 'CRITERIA_ROUNDS', message: check.error.message });
      else criteriaRounds = check.value;
    } catch {
      problems.push({ key: 'CRITERIA_ROUNDS', message: 'must be JSON: {"city":[{"from","to","set"}],"national":[…]}' });
    }
  }
  if (value.DATABASE_READ_URL && !value.DATABASE_URL) {
    problems.push({ key: 'DATABASE_READ_URL', message: 'needs DATABASE_URL (a replica of a PostgreSQL server; PGlite has none)' });
  }
  if (problems.length > 0 || !criteriaRounds) throw new ConfigError(problems);

  return {
    port: value.PORT,
    host: value.HOST,
    dataDir: path.resolve(value.DATA_DIR),
    databaseUrl: value.DATABASE_URL || null,
    databaseReadUrl: value.DATABASE_READ_URL || null,
    readReplicaWaitMs: value.READ_REPLICA_WAIT_MS,
    instanceId: value.INSTANCE_ID || null,
    pgliteSharedBuffersMb: value.PGLITE_SHARED_BUFFERS_MB,
    logLevel: value.LOG_LEVEL,
    adminPassword: value.ADMIN_PASSWORD || null,
    sessionSecret: value.SESSION_SECRET || null,
    bodyLimit: value.BODY_LIMIT,
    uploadLimitBytes: value.UPLOAD_LIMIT_MB * 1024 * 1024,
    trustProxy: parseTrustProxy(value.TRUST_PROXY) ?? false,
    cookieSecure: value.COOKIE_SECURE,
    sessionIdleMinutes: value.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: value.SESSION_ABSOLUTE_HOURS,
    tokenTtlHours: value.TOKEN_TTL_HOURS,
    tokenIdleDays: value.TOKEN_IDLE_DAYS,
    loginRateLimit: value.LOGIN_RATE_LIMIT,
    districtCode: value.DISTRICT_CODE,
    roundMin: value.ROUND_MIN,
    roundMax: value.ROUND_MAX,
    criteriaRounds,
    tileUrl: value.TILE_URL && value.TILE_URL !== 'off' ? value.TILE_URL : null,
    tileAttribution: value.TILE_ATTRIBUTION,
    importMemoryMb: value.IMPORT_MEMORY_MB,
    importTimeoutSeconds: value.IMPORT_TIMEOUT_SECONDS,
    importMaxUncompressedMb: value.IMPORT_MAX_UNCOMPRESSED_MB,
    importRetentionHours: value.IMPORT_RETENTION_HOURS,
    importQuotaBytes: value.IMPORT_QUOTA_MB * 1024 * 1024,
    importHeartbeatSeconds: value.IMPORT_HEARTBEAT_SECONDS,
    demoMode: value.DEMO_MODE,
    demoPassword: value.DEMO_PASSWORD || null,
    clientDir: path.resolve(value.CLIENT_DIR),
    backupDir: path.resolve(value.BACKUP_DIR || path.join(value.DATA_DIR, 'backups')),
    backupKeep: value.BACKUP_KEEP,
    backupAt: value.BACKUP_AT === 'off' ? null : { hour: Number(value.BACKUP_AT.slice(0, 2)), minute: Number(value.BACKUP_AT.slice(3, 5)) },
  };
}

/** Test and script helper: a config with overrides on top of defaults (no process.env). */
export function configFor(overrides: Record<string, string> = {}): Config {
  return loadConfig(overrides);
}
