// HelloCities5 for the scripted worker: an orchestration that calls SayHello for five cities one after another and
// returns the greetings. With the real task hub, tests and benchmarks run whole orchestrations (engine and backend)
// without the functions host.

import type { ActivityWorkItem, HistoryEvent, OrchestratorAction } from '../../src/core';
import type { Scripts } from './scripted-worker';

export const CITIES = ['Tokyo', 'Seattle', 'London', 'Cairo', 'Lima'];
export const HELLO_CITIES = 'HelloCities5';
export const HELLO_CITIES_OUTPUT = JSON.stringify(CITIES.map((city) => `Hello ${city}!`));

/** `onActivity` hears of every SayHello run before its result is sent. */
export function helloCitiesScripts(onActivity?: (item: ActivityWorkItem) => void): Scripts {
  return {
    orchestrators: {
      [HELLO_CITIES]: ({ history }) => {
        const results = new Map(history.flatMap((e: HistoryEvent) => (e.type === 'taskCompleted' ? [[e.taskScheduledId, e.result] as const] : [])));
        const scheduled = history.filter((e) => e.type === 'taskScheduled').length;
        if (scheduled > results.size) return [];
        if (scheduled < CITIES.length) return [{ type: 'scheduleTask', id: scheduled, name: 'SayHello', input: JSON.stringify(CITIES[scheduled]) }];
        const output = `[${CITIES.map((_, id) => results.get(id)).join(',')}]`;
        const complete: OrchestratorAction = { type: 'completeOrchestration', id: CITIES.length, orchestrationStatus: 'Completed', result: output };
        return [complete];
      },
    },
    activities: {
      SayHello: (input, item) => {
        onActivity?.(item);
        return JSON.stringify(`Hello ${JSON.parse(input ?? '""')}!`);
      },
    },
  };
}
