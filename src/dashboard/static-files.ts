// The web app's files, built by `npm run build` into dist/src/dashboard/web (web/tsconfig.json compiles the
// scripts; the HTML and CSS are copied beside them). Served from memory after the first read: a fixed set of
// names, so no request path reaches the file system.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export const WEB_DIR = path.join(__dirname, 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface StaticFile {
  contentType: string;
  body: Buffer;
}

export class StaticFiles {
  private files?: Promise<Map<string, StaticFile>>;

  constructor(private readonly dir = WEB_DIR) {}

  /** The file for a name below the dashboard path ('' is the page), or undefined. */
  async get(name: string): Promise<StaticFile | undefined> {
    this.files ??= this.load();
    return (await this.files).get(name === '' ? 'index.html' : name);
  }

  private async load(): Promise<Map<string, StaticFile>> {
    const files = new Map<string, StaticFile>();
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const contentType = TYPES[path.extname(name)];
      if (contentType && !name.endsWith('.d.ts')) files.set(name, { contentType, body: await readFile(path.join(this.dir, name)) });
    }
    return files;
  }
}
