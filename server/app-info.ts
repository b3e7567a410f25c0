/**
 * The application's name and version, from the root package.json. Found by walking up from this module because the
 * same code runs from the sources (server/) and compiled (dist/server/, `npm start`), one folder deeper.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppInfo {
  name: string;
  version: string;
}

function findPackageJson(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('package.json not found above ' + from);
  }
}

export const APP_INFO: AppInfo = (() => {
  const pkg = JSON.parse(fs.readFileSync(findPackageJson(path.dirname(fileURLToPath(import.meta.url))), 'utf8')) as AppInfo;
  return { name: pkg.name, version: pkg.version };
})();
