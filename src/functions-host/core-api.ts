// Our `@azure/functions-core`: the object the Node worker hands to @azure/functions when the library requires it.
// Apps register through it unmodified (specs/functions-host.md §3, §4). One CoreApi serves one app load.

import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcBindingInfo,
  RpcLogCategory,
  RpcLogLevel,
  RpcRetryOptions,
} from './core-api-types';
import { FunctionRegistrationError } from './errors';
import { nativeModule } from './native-runtime';
import { processWide } from './process-wide-state';

/** The Functions host version we answer as (`hostVersion`, GET /admin/host/status). */
export const HOST_VERSION = '4.1040.0';

export interface BindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  /** The dictionary key; the library's inner `name` may differ for `$return` (§4). */
  name: string;
  [option: string]: unknown;
}

export interface RegisteredFunction {
  name: string;
  /** e.g. 'httpTrigger', 'orchestrationTrigger'. */
  triggerType: string;
  /** The key of the trigger binding in `bindings`. */
  triggerBindingName: string;
  /** Keyed by binding name; `$return` for the return binding (§4). */
  bindings: Record<string, BindingInfo>;
  retryOptions?: RpcRetryOptions;
  /** The entry file whose loading registered the function. */
  entryPoint?: string;
}

export interface FunctionRegistration {
  readonly fn: RegisteredFunction;
  /** The metadata exactly as the library sent it; InvocationModel reads it back. */
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  #callOnDispose?: () => unknown;
  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): void {
    this.#callOnDispose?.();
    this.#callOnDispose = undefined;
  }
}

const HOOK_NAMES: readonly HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];
const isTriggerType = (type: unknown): type is string => typeof type === 'string' && /trigger$/i.test(type);

export class CoreApi {
  /** The worker version this API imitates; the library never checks it (§4, §13.6). */
  readonly version = '3.10.1';
  readonly Disposable = Disposable;

  readonly registrations = new Map<string, FunctionRegistration>();
  readonly hooks: Record<HookName, HookCallback[]> = { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [], log: [] };
  readonly programmingModels: ProgrammingModel[] = [];
  /** The file being loaded; recorded on each function as its entry point. */
  currentEntryPoint?: string;
  #locked = false;

  constructor(private readonly systemLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void) {}

  get hostVersion(): string {
    return HOST_VERSION;
  }

  registerFunction = (metadata: FunctionMetadata, callback: FunctionCallback): Disposable => {
    if (this.#locked) throw new Error('A function can only be registered during app startup.');
    const name = metadata?.name;
    if (typeof name !== 'string' || name === '') throw new Error('A function must have a non-empty "name".');
    const key = name.toLowerCase();
    if (this.registrations.has(key)) {
      throw new FunctionRegistrationError(
        name,
        `A function named "${name}" has already been registered (function names are case-insensitive). Rename one of them.`,
      );
    }
    const fn = toRegisteredFunction(metadata, this.currentEntryPoint);
    this.registrations.set(key, { fn, metadata, callback });
    return new Disposable(() => this.registrations.delete(key));
  };

  registerHook = (hookName: string, callback: HookCallback): Disposable => {
    if (!HOOK_NAMES.includes(hookName as HookName)) {
      // The library maps this exact error shape for `log` hooks (§4).
      throw Object.assign(new RangeError(`Unrecognized hook "${hookName}"`), { isAzureFunctionsSystemError: true });
    }
    const list = this.hooks[hookName as HookName];
    list.push(callback);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  };

  /** Each copy of @azure/functions calls this once; more than one copy means a duplicated install (§13.2). */
  setProgrammingModel = (programmingModel: ProgrammingModel): void => {
    this.programmingModels.push(programmingModel);
  };

  getProgrammingModel = (): ProgrammingModel | undefined => this.programmingModels.at(-1);

  log = (level: RpcLogLevel, category: RpcLogCategory, message: string): void => {
    this.systemLog(level, category, message);
  };

  /** After the entry points have loaded, registering is an error (§5 step 6). */
  lock(): void {
    this.#locked = true;
  }
}

function toRegisteredFunction(metadata: FunctionMetadata, entryPoint: string | undefined): RegisteredFunction {
  const bindings: Record<string, BindingInfo> = {};
  for (const [key, binding] of Object.entries<RpcBindingInfo>(metadata.bindings ?? {})) {
    bindings[key] = { ...binding, type: String(binding.type ?? ''), direction: binding.direction ?? 'in', name: key };
  }
  const triggers = Object.values(bindings).filter((binding) => isTriggerType(binding.type));
  if (triggers.length !== 1) {
    throw new FunctionRegistrationError(
      metadata.name,
      `Function "${metadata.name}" must have exactly one trigger binding, but has ${triggers.length}` +
        (triggers.length ? ` (${triggers.map((t) => t.name).join(', ')}).` : '. Register it with app.http, app.timer, app.generic or similar.'),
    );
  }
  return {
    name: metadata.name,
    triggerType: triggers[0].type,
    triggerBindingName: triggers[0].name,
    bindings,
    retryOptions: metadata.retryOptions ?? undefined,
    entryPoint,
  };
}

/**
 * Answers `require('@azure/functions-core')` with the CoreApi of the load in progress (or of the last load), the way
 * the worker's setupCoreModule does: a Proxy on Node's own Module.prototype.require, so no file is needed (§3).
 */
export function useCoreApi(coreApi: CoreApi): void {
  processWide.coreApi = coreApi;
  if (processWide.coreModuleInstalled) return;
  processWide.coreModuleInstalled = true;
  const original = nativeModule.prototype.require;
  nativeModule.prototype.require = new Proxy(original, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === '@azure/functions-core' && processWide.coreApi) return processWide.coreApi;
      return Reflect.apply(target, thisArg, args);
    },
  });
}
