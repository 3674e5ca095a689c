// Storage outputs in createTestEnvironment: no storage account there, so each value an invocation sets on a blob,
// queue or table output is recorded with its resolved target (the blob path, queue or table name) instead of
// written. Expressions resolve exactly as in `start`, so a path that cannot be resolved fails the invocation here
// too; tests assert on what would have been written.

import { nativeEnv, type FunctionApp } from '../functions-host';
import { bindingDataOf } from './binding-data';
import { resolveBindingExpression } from './binding-expressions';
import { BINDING_TYPES } from './binding-types';

export interface RecordedOutput {
  readonly functionName: string;
  readonly bindingName: string;
  /** 'blob', 'queue' or 'table'. */
  readonly type: string;
  /** Where the value would go: `container/blob`, the queue name or the table name. */
  readonly target: string;
  /** As the handler set it: a Buffer, a string or a JSON value. */
  readonly value: unknown;
}

/** Serves every storage output type of `app` by recording into the returned array. */
export function recordStorageOutputs(app: FunctionApp, settings: Readonly<Record<string, string | undefined>> = nativeEnv): readonly RecordedOutput[] {
  const recorded: RecordedOutput[] = [];
  for (const type of BINDING_TYPES) {
    if (!type.output) continue;
    app.provideOutputBinding(type.type, async (binding, value, invocation) => {
      const target = resolveBindingExpression(String(binding[type.target] ?? ''), {
        functionName: invocation.fn.name,
        bindingName: binding.name,
        data: bindingDataOf(invocation),
        settings,
        allowDotNotation: type.type !== 'table',
      });
      recorded.push({ functionName: invocation.fn.name, bindingName: binding.name, type: type.type, target, value });
    });
  }
  return recorded;
}
