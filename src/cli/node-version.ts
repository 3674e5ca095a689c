// Which Node.js versions durable-runtime supports, and the start-up warning for the others. Supported are the lines
// it is tested on whose dependencies support them too: Azure Functions runs Node.js 22, and @azure/identity,
// @azure/storage-blob, @azure/storage-queue and azurite declare "node": ">=22" (hence `npm ci`'s EBADENGINE on 20).
// Node.js 20 still runs everything and the test suite passes on it, but it reached its end of life on 2026-04-30.

export const SUPPORTED_NODE_MAJORS = [22, 24] as const;

/** One line for the start-up log when `version` (like `process.version`, "v20.20.2") is not a supported line. */
export function nodeVersionWarning(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if ((SUPPORTED_NODE_MAJORS as readonly number[]).includes(major)) return undefined;
  const advice = 'Use Node.js 22 (the version Azure Functions runs) or 24.';
  if (major === 20) {
    return (
      `Node.js ${version} is past its end of life (2026-04-30), and the Azure SDK and Azurite packages durable-runtime uses ` +
      `require Node.js 22 or later; durable-runtime still runs on it. ${advice}`
    );
  }
  if (major < 20) return `Node.js ${version} is not supported: it is older than Node.js 20, the oldest durable-runtime runs on. ${advice}`;
  return `Node.js ${version} is not a version durable-runtime is tested on (Node.js ${SUPPORTED_NODE_MAJORS.join(' and ')}). ${advice}`;
}
