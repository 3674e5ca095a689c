// The one place where `durable-runtime start` plugs layers into the Functions host.

import type { Logger } from '../core';
import type { FunctionApp, HostExtension } from '../functions-host';
import type { StorageProviderType } from '../worker';
import { createStorageBindingsExtension } from '../bindings';
import { createDurableExtension } from './durable-extension';

export interface ExtensionContext {
  readonly app: FunctionApp;
  readonly logger: Logger;
  /** `--backend` / DURABLE_RUNTIME_BACKEND; undefined means host.json decides. */
  readonly backendChoice: StorageProviderType | undefined;
  readonly requireKeys: boolean;
}

export function createHostExtensions(context: ExtensionContext): HostExtension[] {
  return [createDurableExtension(context), createStorageBindingsExtension({ app: context.app, logger: context.logger })];
}
