// Activities and entities a test replaces: the worker asks this invoker for functions, and it answers with a mock
// where one is set and with the app's own function otherwise. Values cross as JSON both ways, as they do through the
// Functions worker, so a mock cannot pass what the real function could not.

import { randomUUID } from 'node:crypto';
import type * as functions from '@azure/functions';
import type * as df from 'durable-functions';
import { requireFromApp, type FunctionApp } from '../functions-host';
import type { FunctionInvoker, InvokeRequest } from '../worker';

/** An activity handler, as `df.app.activity(name, { handler })` takes it. */
export type ActivityMock = (input: any, context: functions.InvocationContext) => unknown;
/** An entity handler, as `df.app.entity(name, handler)` takes it. */
export type EntityMock = df.EntityHandler<any>;

type Invoke = (triggerValue: unknown, context: functions.InvocationContext) => Promise<unknown>;

const TRIGGER_OF = { activity: 'activityTrigger', entity: 'entityTrigger' } as const;

export class FunctionMocks implements FunctionInvoker {
  readonly #app: FunctionApp;
  readonly #mocks = new Map<string, { name: string; triggerType: string; invoke: Invoke }>();

  constructor(app: FunctionApp) {
    this.#app = app;
  }

  mockActivity(name: string, handler: ActivityMock): void {
    this.#set('activity', name, async (input, context) => handler(input, context));
  }

  mockEntity(name: string, handler: EntityMock): void {
    // The wrapper df.app.entity puts around a handler; durable-functions does not export it from its main module.
    const { createEntityFunction } = requireFromApp(this.#app.appDir, 'durable-functions/lib/src/util/testingUtils') as {
      createEntityFunction(handler: EntityMock): Invoke;
    };
    this.#set('entity', name, createEntityFunction(handler));
  }

  /** Removes the mock of `name`: the app's own function runs again. */
  restore(name: string): void {
    this.#mocks.delete(name.toLowerCase());
  }

  /** Removes every mock: the app's own functions run again. */
  reset(): void {
    this.#mocks.clear();
  }

  getFunction(name: string): { name: string; triggerType: string } | undefined {
    return this.#mocks.get(name.toLowerCase()) ?? this.#app.getFunction(name);
  }

  async invoke(name: string, request: InvokeRequest): Promise<{ returnValue: unknown }> {
    const mock = this.#mocks.get(name.toLowerCase());
    if (!mock) return this.#app.invoke(name, request);
    const { InvocationContext } = requireFromApp(this.#app.appDir, '@azure/functions') as typeof functions;
    const context = new InvocationContext({ functionName: mock.name, invocationId: randomUUID(), triggerMetadata: request.triggerMetadata });
    const returnValue = await mock.invoke(jsonCopy(request.triggerValue), context);
    return { returnValue: jsonCopy(returnValue) };
  }

  #set(kind: keyof typeof TRIGGER_OF, name: string, invoke: Invoke): void {
    const triggerType = TRIGGER_OF[kind];
    const own = this.#app.getFunction(name);
    if (!own || own.triggerType !== triggerType) {
      const names = this.#app.functions.filter((fn) => fn.triggerType === triggerType).map((fn) => fn.name);
      throw new Error(
        `Cannot mock the ${kind} '${name}': the app has no ${kind} of that name (its ${kind} functions: ${names.join(', ') || 'none'}). ` +
          `A mock replaces a function the app registers, so a typo cannot pass unnoticed.`,
      );
    }
    this.#mocks.set(name.toLowerCase(), { name: own.name, triggerType, invoke });
  }
}

function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
