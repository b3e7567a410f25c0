import { pino, type Logger as PinoLogger } from 'pino';
import type { Config } from './config.ts';

export type Logger = PinoLogger;

/**
 * Structured logs. Personal data never goes in: request bodies are not logged, and these paths are redacted in
 * case a caller passes an object that holds them.
 */
export const REDACT_PATHS = [
  'headName', 'head_name', 'headIdNumber', 'head_id_number', 'idNumber', 'name', 'members', 'password',
  'newPassword', 'currentPassword', 'token', 'address',
  '*.headName', '*.headIdNumber', '*.idNumber', '*.name', '*.members', '*.password', '*.token', '*.address',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined },
    destination ?? process.stdout,
  );
}
