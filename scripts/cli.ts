/**
 * Shared start-up for command-line scripts: validated config, a quiet logger, and the registry opened under the
 * same data-folder lock as the server (a CLI never writes behind a running server's back).
 */
import { ConfigError, loadConfig, type Config } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { openRegistry, type Registry } from '../server/bootstrap.ts';
import { DataFolderInUseError } from '../server/db/lock.ts';

export async function withRegistry<T>(fn: (registry: Registry, config: Config) => Promise<T>, overrides?: (c: Config) => Config): Promise<T> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
  if (overrides) config = overrides(config);
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  let registry: Registry;
  try {
    registry = await openRegistry(config, logger);
  } catch (err) {
    if (err instanceof DataFolderInUseError) fail(err.message, 3);
    throw err;
  }
  try {
    return await fn(registry, config);
  } finally {
    await registry.close();
  }
}

export function fail(message: string, code = 1): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

/** Minimal flag parsing: positional args and --flag / --key value. */
export function parseArgs(argv: string[]): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[k] = argv[++i]!;
      else flags[k] = true;
    } else positional.push(a);
  }
  return { positional, flags };
}
