import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { DataFolderInUseError } from './db/lock.ts';
import { openRegistry } from './bootstrap.ts';
import { createApp } from './app.ts';
import { startBackupSchedule } from './domain/backups/schedule.ts';

/** Starts the registry: config → database (+migrations, first-start seed) → HTTP. Closes cleanly on signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  const started = performance.now();
  let registry;
  try {
    registry = await openRegistry(config, logger);
  } catch (err) {
    if (err instanceof DataFolderInUseError) {
      process.stderr.write(err.message + '\n');
      process.exit(3);
    }
    throw err;
  }
  const app = createApp(registry.deps);
  const server: Server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, database: registry.deps.engine, migrations: registry.deps.migrations, startupMs: Math.round(performance.now() - started), rssMiB: Math.round(process.memoryUsage().rss / 1048576) },
      `Sổ hộ nghèo đang chạy / running at http://localhost:${port}`,
    );
  });

  const backups = startBackupSchedule(registry.deps);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    backups.stop();
    server.close();
    server.closeAllConnections();
    await registry.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`Fatal: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
