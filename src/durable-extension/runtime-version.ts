// durable-runtime's own version, for the `x-user-agent` the Scheduler sees (specs/backends.md B6). The package.json
// sits two folders up from the sources and three from the built files.

import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

export function runtimeVersion(): string {
  if (cached) return cached;
  for (const up of ['..', '../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'durable-runtime' && pkg.version) return (cached = pkg.version);
    } catch {
      // Not at this level; look one further up.
    }
  }
  return (cached = '0.0.0');
}
