// Which of an app's bindings nothing in this host serves. Each one is named at start-up (function, binding, type),
// because an output nothing delivers would otherwise fail silently: the app looks healthy and the work is not done.

import type { BindingInfo, RegisteredFunction } from './core-api';
import type { FunctionApp } from './function-app';

export interface UnservedBinding {
  readonly fn: RegisteredFunction;
  readonly binding: BindingInfo;
}

/** Triggers count as served when their type is in `servedTriggerTypes` (lower-case); other bindings ask the app. */
export function unservedBindings(app: FunctionApp, servedTriggerTypes: ReadonlySet<string>): UnservedBinding[] {
  return app.functions.flatMap((fn) =>
    Object.values(fn.bindings)
      .filter((binding) =>
        binding.name === fn.triggerBindingName ? !servedTriggerTypes.has(binding.type.toLowerCase()) : !app.servesBinding(binding),
      )
      .map((binding) => ({ fn, binding })),
  );
}

/** One line: which function, which binding, which type, and what that means for the app. */
export function describeUnservedBinding({ fn, binding }: UnservedBinding): string {
  const [role, effect] =
    binding.name === fn.triggerBindingName
      ? ['trigger', `nothing triggers the function (POST /admin/functions/${fn.name} runs it)`]
      : binding.direction === 'out'
        ? ['output binding', 'values set on it are not delivered']
        : ['input binding', 'it has no value'];
  return `Function '${fn.name}': ${role} '${binding.name}' of type '${binding.type}' is not served by durable-runtime: ${effect}`;
}
