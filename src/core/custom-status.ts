// The custom status limit: .NET serializes it with a 16 KB cap counted in UTF-16 bytes and fails the
// orchestration above that (specs/durable-functions-protocol.md §3.1, §9.8).

export const MAX_CUSTOM_STATUS_BYTES = 16 * 1024;

/** Why a custom status may not be stored, or `undefined` when it may. */
export function customStatusProblem(customStatus: string | undefined): string | undefined {
  const bytes = (customStatus?.length ?? 0) * 2;
  if (bytes <= MAX_CUSTOM_STATUS_BYTES) return undefined;
  return (
    `The custom status is ${bytes} bytes as UTF-16, over the limit of ${MAX_CUSTOM_STATUS_BYTES} bytes (16 KB). ` +
    `Keep it small (a progress summary) and put larger data in an entity or in storage of your own.`
  );
}
