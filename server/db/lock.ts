import fs from 'node:fs';

/**
 * PGlite takes no lock on its data folder: a second process opening the same folder silently loses writes
 * (stack-notes.md). We hold our own: a pid file created with O_EXCL beside the folder, taken over only when the
 * pid written in it is no longer alive.
 */
export class DataFolderInUseError extends Error {
  constructor(
    public readonly lockPath: string,
    public readonly pid: number,
  ) {
    super(
      `Thư mục dữ liệu đang được tiến trình ${pid} sử dụng / The data folder is in use by process ${pid} ` +
        `(lock file ${lockPath}). Stop that process first, or use its API.`,
    );
    this.name = 'DataFolderInUseError';
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface FolderLock {
  path: string;
  release(): void;
}

export function acquireFolderLock(folder: string): FolderLock {
  const lockPath = `${folder.replace(/[\\/]+$/, '')}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
      } catch {
        continue; // removed between our open and read: try again
      }
      if (isAlive(holder)) throw new DataFolderInUseError(lockPath, holder);
      // Stale lock from a dead process: take it over.
      try {
        fs.unlinkSync(lockPath);
      } catch {
        /* someone else took it over first; the next attempt decides */
      }
    }
  }
  throw new Error(`Could not acquire ${lockPath}`);
}
