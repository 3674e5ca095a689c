// host.json mistakes that do not stop the real host, so they must not stop this one either: without the file the
// Functions runtime starts with a default `{"version": "2.0"}`, and it ignores an `extensions` section that no loaded
// extension reads — a misspelt `durableTsk` silently leaves every durable setting at its default. Each gets one line.

import type { HostConfig } from './host-config';

/**
 * The `extensions` sections Azure's own binding extensions read (the host.json reference and each extension's page;
 * schemastore's host.json schema). Third-party extensions may read others: those get the same warning, which says
 * that the section is ignored here, never that it is wrong.
 */
export const KNOWN_EXTENSION_SECTIONS = [
  'blobs',
  'cosmosDB',
  'durableTask',
  'eventHubs',
  'http',
  'kafka',
  'mcp',
  'queues',
  'rabbitMQ',
  'sendGrid',
  'serviceBus',
  'sql',
] as const;

export function hostConfigWarnings(config: HostConfig): string[] {
  if (!config.exists) {
    return [
      `${config.source}: not found, so the host's defaults apply (routes under /api, durable storage AzureStorage). ` +
        `Create it with {"version": "2.0"}, or start in the app's folder, the one that holds host.json.`,
    ];
  }
  const extensions = config.get('extensions');
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) return [];
  const known = new Set(KNOWN_EXTENSION_SECTIONS.map((name) => name.toLowerCase()));
  return Object.keys(extensions)
    .filter((key) => !known.has(key.toLowerCase()))
    .map((key) => {
      const guess = KNOWN_EXTENSION_SECTIONS.find((name) => editDistance(key.toLowerCase(), name.toLowerCase()) <= 2);
      return (
        `${config.source}: "extensions.${key}" is not a section of any known extension, so it is ignored` +
        `${guess ? `; did you mean "${guess}"?` : '.'} Known sections: ${KNOWN_EXTENSION_SECTIONS.join(', ')}.`
      );
    });
}

/** Levenshtein distance: how many single-letter edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
