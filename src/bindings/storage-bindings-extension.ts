// The storage bindings as a host extension, as the real host loads Microsoft.Azure.WebJobs.Extensions.Storage:
// input and output bindings for every type in `binding-types.ts`, and a listener per queue- or blob-triggered
// function. A listener that cannot start (a missing setting, a bad queue name) is logged naming the function, the
// binding and the setting; the host keeps serving the rest.

import type { Logger } from '../core';
import { StorageConfigurationError, describeStorageFailure, type AppSettings } from '../backends/azure-storage';
import { nativeEnv, type BindingInfo, type BindingInvocation, type FunctionApp, type HostExtension } from '../functions-host';
import { bindingDataOf } from './binding-data';
import { BindingError } from './binding-error';
import { resolveBindingExpression } from './binding-expressions';
import type { BindingCall, BindingType, TriggerListener } from './binding-type';
import { BINDING_TYPES, TRIGGER_TYPES } from './binding-types';
import { QueueWatcher } from './queue-watcher';
import { StorageAccounts } from './storage-accounts';
import { storageExtensionOptions, type StorageExtensionOptions } from './storage-extension-options';

export interface StorageBindingsExtensionOptions {
  app: FunctionApp;
  logger: Logger;
  /** App settings (default: the environment the app's local.settings.json was loaded into). */
  settings?: AppSettings;
}

export function createStorageBindingsExtension(options: StorageBindingsExtensionOptions): HostExtension {
  const { app, logger } = options;
  const settings = options.settings ?? (nativeEnv as AppSettings);
  let accounts: StorageAccounts | undefined;
  const listeners: TriggerListener[] = [];
  let listenersStopped: Promise<unknown> | undefined;
  const stopListeners = () => (listenersStopped ??= Promise.all(listeners.map((listener) => listener.stop())));

  return {
    name: 'Storage',
    triggerTypes: TRIGGER_TYPES.map((trigger) => trigger.type),

    async start({ hostId }) {
      const extensionOptions = storageExtensionOptions(app.hostConfig);
      const openAccounts = new StorageAccounts(settings, app.appDir, logger);
      accounts = openAccounts;
      const queueWatcher = new QueueWatcher();
      const callOf = (binding: BindingInfo, invocation: BindingInvocation): BindingCall => {
        let data: Record<string, unknown> | undefined;
        return {
          binding,
          invocation,
          accounts: openAccounts,
          queueWatcher,
          options: extensionOptions,
          resolve: (option, { dotNotation = true } = {}) =>
            resolveBindingExpression(String(binding[option] ?? ''), {
              functionName: invocation.fn.name,
              bindingName: binding.name,
              data: (data ??= bindingDataOf(invocation)),
              settings,
              allowDotNotation: dotNotation,
            }),
        };
      };
      for (const type of BINDING_TYPES) serve(app, type, callOf);

      for (const fn of app.functions) {
        const trigger = TRIGGER_TYPES.find((t) => t.type.toLowerCase() === fn.triggerType.toLowerCase());
        if (!trigger) continue;
        const binding = fn.bindings[fn.triggerBindingName];
        try {
          listeners.push(
            await trigger.listen({ app, fn, trigger: binding, accounts: openAccounts, queueWatcher, options: extensionOptions, logger, settings, hostId }),
          );
        } catch (error) {
          logger.error(`${describeFailure(fn.name, binding, error)} The function will not be triggered; the other functions keep running.`);
        }
      }
    },

    // Listeners take no new messages or blobs once the host begins to stop; what they took finishes first.
    quiesce: () => void stopListeners(),

    async stop() {
      await stopListeners();
      await accounts?.close();
    },
  };
}

function serve(app: FunctionApp, type: BindingType, callOf: (binding: BindingInfo, invocation: BindingInvocation) => BindingCall): void {
  const { input, output } = type;
  if (input) {
    app.provideInputBinding(type.type, async (fn, bindingName, invocation) => {
      const binding = fn.bindings[bindingName];
      try {
        return await input(callOf(binding, invocation));
      } catch (error) {
        throw asBindingError(fn.name, binding, error);
      }
    });
  }
  if (output) {
    app.provideOutputBinding(type.type, async (binding, value, invocation) => {
      try {
        await output(callOf(binding, invocation), value);
      } catch (error) {
        throw asBindingError(invocation.fn.name, binding, error);
      }
    });
  }
}

function asBindingError(functionName: string, binding: BindingInfo, error: unknown): Error {
  if (error instanceof BindingError) return error;
  return new BindingError(describeFailure(functionName, binding, error), { cause: error });
}

function describeFailure(functionName: string, binding: BindingInfo, error: unknown): string {
  const setting = StorageAccounts.settingName(binding.connection);
  const role = /trigger$/i.test(binding.type) ? 'trigger' : `${binding.direction === 'out' ? 'output' : 'input'} binding`;
  const head = `Function '${functionName}', ${binding.type} ${role} '${binding.name}'`;
  if (error instanceof BindingError) return error.message;
  if (error instanceof StorageConfigurationError) return `${head}: ${error.message}`;
  return `${head} (connection setting '${setting}'): ${describeStorageFailure(error)}`;
}
