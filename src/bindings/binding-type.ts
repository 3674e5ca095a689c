// What one binding type implements. `binding-types.ts` maps each type string to one of these, so serving a new
// binding type is one file and one line there.

import type { Logger } from '../core';
import type { AppSettings } from '../backends/azure-storage';
import type { BindingInfo, BindingInvocation, FunctionApp, RegisteredFunction } from '../functions-host';
import type { QueueWatcher } from './queue-watcher';
import type { StorageAccounts } from './storage-accounts';
import type { StorageExtensionOptions } from './storage-extension-options';

/** One use of a binding in one invocation. */
export interface BindingCall {
  readonly binding: BindingInfo;
  readonly invocation: BindingInvocation;
  readonly accounts: StorageAccounts;
  readonly queueWatcher: QueueWatcher;
  readonly options: StorageExtensionOptions;
  /** Resolves one of the binding's options (e.g. `path`) against the invocation's binding data. */
  resolve(option: string, settings?: { dotNotation?: boolean }): string;
}

export interface BindingType {
  /** The binding's `type` as @azure/functions emits it (specs/storage-bindings.md §4.1). */
  readonly type: string;
  /** The option that says where values go or come from: `path`, `queueName`, `tableName`. */
  readonly target: string;
  /** The value `context.extraInputs.get(binding)` returns. */
  input?(call: BindingCall): Promise<unknown>;
  /** Delivers what the handler set; a rejection fails the invocation. */
  output?(call: BindingCall, value: unknown): Promise<void>;
}

export interface TriggerListener {
  /** Stops taking new work; resolves once what it took has finished. */
  stop(): Promise<void>;
}

export interface TriggerContext {
  readonly app: FunctionApp;
  readonly fn: RegisteredFunction;
  readonly trigger: BindingInfo;
  readonly accounts: StorageAccounts;
  readonly queueWatcher: QueueWatcher;
  readonly options: StorageExtensionOptions;
  readonly logger: Logger;
  /** App settings, for `%Name%` in trigger options. */
  readonly settings: AppSettings;
  /** The host id that names the blob receipts and internal queues. */
  readonly hostId: string;
}

export interface TriggerType {
  /** e.g. 'queueTrigger'. */
  readonly type: string;
  /** Starts the listener of one function; rejects with a message naming the function, the binding and the setting. */
  listen(context: TriggerContext): Promise<TriggerListener>;
}
