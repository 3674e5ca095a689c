// The start-up listing `func start` prints once the host is ready (specs/functions-host.md §9): HTTP functions with
// methods and URLs, then the others with their trigger type. Functions nothing serves carry a note instead of vanishing.

import type { FunctionApp } from './function-app';
import type { RouteTable } from './route-table';

export function formatFunctionListing(app: FunctionApp, routes: RouteTable, baseUrl: string, servedTriggerTypes: ReadonlySet<string>): string {
  const lines = ['Functions:', ''];
  for (const route of routes.routes) {
    const methods = route.methods ? `[${[...route.methods].join(',')}] ` : '';
    lines.push(`\t${route.fn.name}: ${methods}${baseUrl}${routes.displayPath(route)}`, '');
  }
  for (const fn of app.functions) {
    if (fn.triggerType.toLowerCase() === 'httptrigger') continue;
    const served = servedTriggerTypes.has(fn.triggerType.toLowerCase());
    const note = served
      ? ''
      : `  (not served: durable-runtime has no ${fn.triggerType} listener yet; invoke it with POST ${baseUrl}/admin/functions/${fn.name} and {"input": "..."})`;
    lines.push(`\t${fn.name}: ${fn.triggerType}${note}`, '');
  }
  if (app.functions.length === 0) lines.push('\t(none)', '');
  return lines.join('\n');
}
