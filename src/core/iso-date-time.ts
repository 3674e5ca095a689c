// The one parser for times that users type (HTTP API query parameters, dashboard filters, backend instance filters):
// ISO 8601 strictly enough that garbage is refused, read the same on every host.

const ISO_DATE_TIME =
  /^(\d{1,4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * The time as a canonical ISO string (`toISOString`), or undefined when it is not one. A date alone is UTC midnight
 * and a time without a zone is UTC (as on Azure, whose hosts run in UTC), so the answer never depends on this host's
 * time zone; dates that do not exist (2024-02-30, which Date.parse rolls over to March) and strings Date.parse would
 * guess at ("1" is 2001) are refused. Years with fewer than four digits are padded (Python's strftime writes them).
 */
export function parseIsoDateTime(value: string): string | undefined {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '.000';
  const time = Date.parse(`${year.padStart(4, '0')}-${month}-${day}T${hour}:${minute}:${second}${ms}${offset}`);
  if (Number.isNaN(time)) return undefined;
  const check = new Date(0);
  check.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)) return undefined;
  return new Date(time).toISOString();
}
