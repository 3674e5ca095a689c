// The dashboard at /runtime/dashboard/ of `durable-runtime start`: the app's task hub, its orchestrators for
// "start new", the storage in the header, and the same access rule as the webhooks (loopback without keys, the
// system key with --require-keys). Function routes cannot start with "runtime", so the path is never an app's.

import { createDashboard, dashboardAccess, DASHBOARD_PATH, type DashboardHandler } from '../dashboard';
import type { RuntimeMount } from './durable-extension';

export function dashboardMount(): RuntimeMount {
  let handler: DashboardHandler | undefined;
  return {
    path: DASHBOARD_PATH,
    async start({ app, taskHub, storage, systemKey, baseUrl, logger }) {
      const orchestrators = app.functions
        .filter((fn) => Object.values(fn.bindings).some((binding) => binding.type.toLowerCase() === 'orchestrationtrigger'))
        .map((fn) => fn.name);
      handler = createDashboard({ taskHub, backend: storage.label, orchestrators: () => orchestrators, access: dashboardAccess({ systemKey }), logger });
      logger.info(`Dashboard: ${baseUrl}${DASHBOARD_PATH}/ ${systemKey ? '(asks for the durabletask_extension system key)' : '(answers this machine only)'}`);
    },
    async handle(req, res) {
      if (handler && (await handler(req, res))) return;
      const error = handler ? `The dashboard is at ${DASHBOARD_PATH}/ (lower case).` : 'The dashboard is not running.';
      res.writeHead(handler ? 404 : 503, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error }));
    },
    async stop() {
      handler = undefined;
    },
  };
}
