// The part of a loaded Functions app the worker needs: find a function and invoke it as the Node worker does.
// `FunctionApp` from functions-host satisfies it; keeping it this narrow keeps the worker easy to reason about.

export interface InvocableFunction {
  name: string;
  triggerType: string;
}

export interface FunctionInvoker {
  /** Case-insensitive, as function names are on the platform. */
  getFunction(name: string): InvocableFunction | undefined;
  invoke(
    name: string,
    request: InvokeRequest,
  ): Promise<{ returnValue: unknown }>;
}

export interface InvokeRequest {
  triggerValue?: unknown;
  /** `JSON.stringify(triggerValue)` when the caller has it already (an orchestrator's payload): sent as is. */
  triggerJson?: string;
  triggerMetadata?: Record<string, unknown>;
}

/** The platform's error for calling a function that is missing or of another kind (spec §1.1). */
export function missingFunctionMessage(name: string, kind: 'orchestrator' | 'activity' | 'entity'): string {
  return `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function. Additional info: the app registers no ${kind} named '${name}'; check the name passed to the durable API.`;
}

export function findFunction(app: FunctionInvoker, name: string, triggerType: string): InvocableFunction | undefined {
  const fn = app.getFunction(name);
  return fn && fn.triggerType === triggerType ? fn : undefined;
}
