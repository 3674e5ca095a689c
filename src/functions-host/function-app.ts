// A loaded Functions app: its registrations, hooks and the invocation pipeline, run exactly as the Node worker's
// InvocationHandler runs it (specs/functions-host.md §6): getArguments, preInvocation hooks, the handler,
// postInvocation hooks, getResponse.

import { randomUUID } from 'node:crypto';
import type { Logger } from '../core';
import type { BindingInfo, CoreApi, FunctionRegistration, RegisteredFunction } from './core-api';
import type {
  CoreInvocationContext,
  ProgrammingModel,
  RpcHttpData,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcRetryContext,
  RpcTypedData,
} from './core-api-types';
import { AppLoadError, FunctionNotFoundError, FunctionsHostError, FunctionTimeoutError } from './errors';
import type { HostConfig } from './host-config';
import type { LocalSettings } from './local-settings';
import { decodeTypedData, encodeTypedData } from './typed-data';

export interface InvokeRequest {
  /** The decoded trigger value for non-HTTP triggers (sent to the library as JSON, or bytes for a Buffer). */
  triggerValue?: unknown;
  /** `JSON.stringify(triggerValue)` when the caller has it already: sent as is instead of serializing it again. */
  triggerJson?: string;
  /** The HTTP request for HTTP triggers (non-streaming apps). */
  http?: RpcHttpData;
  /** Becomes `context.triggerMetadata` (camel-cased by the library) for non-HTTP, non-timer triggers. */
  triggerMetadata?: Record<string, unknown>;
  invocationId?: string;
}

export interface InvocationResult {
  invocationId: string;
  /** The decoded return value; for HTTP triggers the response as RpcHttpData (`statusCode`, `headers`, `body`, ...). */
  returnValue: unknown;
  /** Decoded output bindings, keyed by binding name. */
  outputs: Record<string, unknown>;
}

/** The worker-shaped call the HTTP server and the timer scheduler use. */
export interface RpcInvocationInit {
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  invocationId?: string;
  retryContext?: RpcRetryContext;
  /** Shown in the "Executing" log line, as the Functions host does. */
  reason?: string;
}

export interface RpcInvocationResult {
  invocationId: string;
  response: RpcInvocationResponse;
  /** The handler's result (after postInvocation hooks) was null or undefined. */
  returnedNothing: boolean;
}

/** What an invocation offers its bindings: the function, the invocation id and the trigger's data (binding expressions read it). */
export interface BindingInvocation {
  readonly fn: RegisteredFunction;
  readonly invocationId: string;
  /** The trigger's input as the worker protocol carries it. */
  readonly trigger: RpcTypedData | null | undefined;
  readonly triggerMetadata: Readonly<Record<string, RpcTypedData>> | undefined;
}

export type InputBindingProvider = (fn: RegisteredFunction, bindingName: string, invocation: BindingInvocation) => unknown;
/** Delivers the value a handler set on an output binding; a rejection fails the invocation, as in the Functions host. */
export type OutputBindingWriter = (binding: BindingInfo, value: unknown, invocation: BindingInvocation) => Promise<void>;

export interface FunctionApp {
  readonly appDir: string;
  /** host.json after %NAME% substitution and AzureFunctionsJobHost__* overrides. */
  readonly hostConfig: HostConfig;
  /** local.settings.json. */
  readonly settings: LocalSettings;
  readonly functions: readonly RegisteredFunction[];
  /** What the programming model answered to getCapabilities; `HttpUri` is set when the app streams HTTP (§10). */
  readonly capabilities: Readonly<Record<string, string>>;
  /** Case-insensitive, as on the platform. */
  getFunction(name: string): RegisteredFunction | undefined;
  /** Registers a provider for input bindings of one type (e.g. 'durableClient'), used on every invocation of any function that declares one. */
  provideInputBinding(type: string, provider: InputBindingProvider): void;
  /** Registers the writer for output bindings of one type (e.g. 'blob'), called after every invocation that set a value on one. */
  provideOutputBinding(type: string, writer: OutputBindingWriter): void;
  /** Whether a provider or writer serves this non-trigger binding (HTTP outputs are the host's own). */
  servesBinding(binding: BindingInfo): boolean;
  /**
   * Invokes a function as the Node worker does. Rejects with the user's error if the handler throws, and with a
   * FunctionTimeoutError after host.json `functionTimeout`.
   */
  invoke(name: string, request: InvokeRequest): Promise<InvocationResult>;
  invokeRpc(name: string, init: RpcInvocationInit): Promise<RpcInvocationResult>;
  /** Invocations running now (timed-out ones no longer count). */
  readonly activeInvocations: number;
  /** Resolves once no invocation is running. */
  drain(): Promise<void>;
  /** Runs appTerminate hooks once. */
  terminate(): Promise<void>;
  /**
   * Puts back the environment variables the load set (local.settings.json, WEBSITE_HOSTNAME, …) where nothing changed
   * them since; for apps loaded into a process that goes on without them, as createTestEnvironment's are.
   */
  restoreEnvironment(): void;
}

const HOST_API_REASON = 'This function was programmatically called via the host APIs.';

export class LoadedFunctionApp implements FunctionApp {
  readonly functions: readonly RegisteredFunction[];
  /** Filled by the loader once appStart hooks ran (the worker asks for capabilities last). */
  readonly capabilities: Record<string, string> = {};
  readonly #registrations: Map<string, FunctionRegistration>;
  readonly #providers = new Map<string, InputBindingProvider>();
  readonly #writers = new Map<string, OutputBindingWriter>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #appHookData: Record<string, unknown> = {};
  #terminated?: Promise<void>;

  constructor(
    readonly appDir: string,
    readonly hostConfig: HostConfig,
    readonly settings: LocalSettings,
    private readonly coreApi: CoreApi,
    private readonly programmingModel: ProgrammingModel | undefined,
    private readonly logger: Logger,
    readonly restoreEnvironment: () => void,
  ) {
    this.#registrations = coreApi.registrations;
    this.functions = [...coreApi.registrations.values()].map((registration) => registration.fn);
  }

  getFunction(name: string): RegisteredFunction | undefined {
    return this.#registrations.get(name.toLowerCase())?.fn;
  }

  provideInputBinding(type: string, provider: InputBindingProvider): void {
    this.#providers.set(type.toLowerCase(), provider);
  }

  provideOutputBinding(type: string, writer: OutputBindingWriter): void {
    this.#writers.set(type.toLowerCase(), writer);
  }

  servesBinding(binding: BindingInfo): boolean {
    const type = binding.type.toLowerCase();
    if (binding.direction === 'in') return this.#providers.has(type);
    return type === 'http' || this.#writers.has(type);
  }

  get activeInvocations(): number {
    return this.#inFlight.size;
  }

  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async invoke(name: string, request: InvokeRequest): Promise<InvocationResult> {
    const fn = this.#registration(name).fn;
    const isHttp = fn.triggerType.toLowerCase() === 'httptrigger';
    if (isHttp && this.capabilities.HttpUri) {
      throw new FunctionsHostError(`Function '${fn.name}' is an HTTP function of an app that streams HTTP (app.setup({ enableHttpStream: true })); call it over HTTP through FunctionsHost.`);
    }
    if (isHttp && !request.http) throw new FunctionsHostError(`Function '${fn.name}' is an HTTP function; pass the request as \`http\`.`);
    let triggerMetadata: Record<string, RpcTypedData> | undefined;
    if (request.triggerMetadata) {
      triggerMetadata = {};
      for (const key of Object.keys(request.triggerMetadata)) {
        const data = encodeTypedData(request.triggerMetadata[key]);
        if (data) triggerMetadata[key] = data;
      }
    }
    const { invocationId, response } = await this.invokeRpc(fn.name, {
      inputData: [{ name: fn.triggerBindingName, data: request.http ? { http: request.http } : request.triggerJson !== undefined ? { json: request.triggerJson } : encodeTypedData(request.triggerValue) }],
      triggerMetadata,
      invocationId: request.invocationId,
    });
    const outputs: Record<string, unknown> = {};
    for (const output of response.outputData ?? []) outputs[output.name] = decodeTypedData(output.data);
    return { invocationId, returnValue: decodeTypedData(response.returnValue), outputs };
  }

  async invokeRpc(name: string, init: RpcInvocationInit): Promise<RpcInvocationResult> {
    const registration = this.#registration(name);
    const invocationId = init.invocationId ?? randomUUID();
    const fnName = registration.fn.name;
    this.logger.info(`Executing 'Functions.${fnName}' (Reason='${init.reason ?? HOST_API_REASON}', Id=${invocationId})`);
    const started = performance.now();
    const run = this.#run(registration, invocationId, init);
    this.#inFlight.add(run);
    const settled = run.finally(() => this.#inFlight.delete(run));
    try {
      const result = await this.#withTimeout(settled, fnName, invocationId, () => this.#inFlight.delete(run));
      this.logger.info(`Executed 'Functions.${fnName}' (Succeeded, Id=${invocationId}, Duration=${Math.round(performance.now() - started)}ms)`);
      return result;
    } catch (error) {
      const detail = (error as Error)?.stack ?? String(error);
      this.logger.error(`Executed 'Functions.${fnName}' (Failed, Id=${invocationId}, Duration=${Math.round(performance.now() - started)}ms)\n${detail}`);
      throw error;
    }
  }

  async runAppStartHooks(): Promise<void> {
    for (const hook of this.coreApi.hooks.appStart) {
      try {
        await hook({ hookData: this.#appHookData, appHookData: this.#appHookData, functionAppDirectory: this.appDir });
      } catch (error) {
        throw new AppLoadError(`An appStart hook of the app in ${this.appDir} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    }
  }

  terminate(): Promise<void> {
    this.#terminated ??= (async () => {
      for (const hook of this.coreApi.hooks.appTerminate) {
        try {
          await hook({ hookData: this.#appHookData, appHookData: this.#appHookData });
        } catch (error) {
          this.logger.error(`An appTerminate hook failed: ${(error as Error)?.stack ?? String(error)}`);
        }
      }
    })();
    return this.#terminated;
  }

  /** Logs from the library and the user's context.log; user logs pass through `log` hooks first (§4). */
  log(level: RpcLogLevel, category: RpcLogCategory, message: string, invocationContext?: unknown): void {
    if (category === 'user' && this.coreApi.hooks.log.length > 0) {
      const hookContext: Record<string, unknown> = { level, message, category, invocationContext, hookData: {}, appHookData: this.#appHookData };
      for (const hook of this.coreApi.hooks.log) {
        try {
          hook(hookContext);
        } catch {
          // The worker swallows log-hook errors.
        }
      }
      level = hookContext.level as RpcLogLevel;
      message = hookContext.message as string;
    }
    writeLog(this.logger, level, category, message);
  }

  #registration(name: string): FunctionRegistration {
    const registration = this.#registrations.get(name.toLowerCase());
    if (!registration) throw new FunctionNotFoundError(name);
    return registration;
  }

  async #run(registration: FunctionRegistration, invocationId: string, init: RpcInvocationInit): Promise<RpcInvocationResult> {
    if (!this.programmingModel) throw new FunctionsHostError('No programming model was registered; is @azure/functions loaded by the app?');
    const invocation: BindingInvocation = {
      fn: registration.fn,
      invocationId,
      trigger: init.inputData.find((input) => input.name === registration.fn.triggerBindingName)?.data,
      triggerMetadata: init.triggerMetadata,
    };
    const providing = this.#providedInputs(invocation, init.inputData);
    const inputData = providing ? [...init.inputData, ...(await providing)] : init.inputData;
    let invocationContext: unknown;
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: { invocationId, functionId: registration.fn.name, inputData, triggerMetadata: init.triggerMetadata, retryContext: init.retryContext },
      metadata: registration.metadata,
      state: undefined,
      log: (level, category, message) => this.log(level, category, message, invocationContext),
    };
    // A new InvocationModel per invocation: it marks itself done after the handler (§13.14).
    const model = await this.programmingModel.getInvocationModel(coreCtx);
    const { context, inputs } = await model.getArguments();
    invocationContext = context;

    const hookData: Record<string, unknown> = {};
    const preContext: Record<string, unknown> = { hookData, appHookData: this.#appHookData, invocationContext: context, functionCallback: registration.callback, inputs };
    coreCtx.state = 'preInvocationHooks';
    for (const hook of this.coreApi.hooks.preInvocation) await hook(preContext);

    coreCtx.state = 'invocation';
    let result: unknown;
    let error: unknown;
    try {
      result = await model.invokeFunction(context, preContext.inputs as unknown[], preContext.functionCallback as FunctionRegistration['callback']);
    } catch (thrown) {
      error = thrown;
    }

    const postContext: Record<string, unknown> = { hookData, appHookData: this.#appHookData, invocationContext: context, inputs: preContext.inputs, result, error };
    coreCtx.state = 'postInvocationHooks';
    for (const hook of this.coreApi.hooks.postInvocation) await hook(postContext);
    if (postContext.error !== null && postContext.error !== undefined) throw postContext.error;

    const response = await model.getResponse(context, postContext.result);
    if (this.#hasOutputsToWrite(invocation.fn)) await this.#writeOutputs(invocation, response);
    return { invocationId, response, returnedNothing: postContext.result === null || postContext.result === undefined };
  }

  /**
   * Values for input bindings that extensions provide (e.g. durableClient), unless the caller passed them; undefined
   * when there are none, so the common invocation (a trigger and nothing else) does not wait on an empty promise.
   */
  #providedInputs(invocation: BindingInvocation, given: RpcParameterBinding[]): Promise<RpcParameterBinding[]> | undefined {
    const { fn } = invocation;
    const served = Object.values(fn.bindings).filter(
      (binding) =>
        binding.direction === 'in' &&
        binding.name !== fn.triggerBindingName &&
        !given.some((input) => input.name === binding.name) &&
        this.#providers.has(binding.type.toLowerCase()),
    );
    if (served.length === 0) return undefined;
    return (async () => {
      const provided: RpcParameterBinding[] = [];
      for (const binding of served) {
        const provider = this.#providers.get(binding.type.toLowerCase())!;
        provided.push({ name: binding.name, data: encodeTypedData(await provider(fn, binding.name, invocation)) });
      }
      return provided;
    })();
  }

  /** Whether the function declares an output binding other than HTTP's, whose value #writeOutputs delivers or reports. */
  #hasOutputsToWrite(fn: RegisteredFunction): boolean {
    for (const name in fn.bindings) {
      const binding = fn.bindings[name];
      if (binding.direction === 'out' && binding.type.toLowerCase() !== 'http') return true;
    }
    return false;
  }

  /**
   * Hands each output value to the writer of its binding type. A value set on a binding nothing serves is logged as
   * an error naming it: the host must never drop an output silently (issue 17).
   */
  async #writeOutputs(invocation: BindingInvocation, response: RpcInvocationResponse): Promise<void> {
    for (const binding of Object.values(invocation.fn.bindings)) {
      if (binding.direction !== 'out' || binding.type.toLowerCase() === 'http') continue;
      const data = binding.name === '$return' ? response.returnValue : response.outputData?.find((output) => output.name === binding.name)?.data;
      const value = decodeTypedData(data);
      if (value === undefined || value === null) continue;
      const writer = this.#writers.get(binding.type.toLowerCase());
      if (writer) {
        await writer(binding, value, invocation);
      } else {
        this.logger.error(
          `Function '${invocation.fn.name}' set a value on its output binding '${binding.name}' of type '${binding.type}', which durable-runtime ` +
            `does not serve: the value was NOT delivered (Id=${invocation.invocationId}). Run the app on the Azure Functions host for this binding.`,
        );
      }
    }
  }

  #withTimeout<T>(work: Promise<T>, fnName: string, invocationId: string, onTimeout: () => void): Promise<T> {
    const timeoutMs = this.hostConfig.functionTimeoutMs;
    if (timeoutMs === undefined) return work;
    // One promise settled by whichever comes first (Promise.race and finally cost three more per invocation).
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(new FunctionTimeoutError(fnName, invocationId, timeoutMs));
      }, timeoutMs);
      timer.unref();
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

export function writeLog(logger: Logger, level: RpcLogLevel, category: RpcLogCategory, message: string): void {
  // The library's own chatter is debug unless it warns (specs/functions-host.md §4 `log`).
  const isUser = category === 'user';
  switch (level) {
    case 'critical':
    case 'error':
      return logger.error(message);
    case 'warning':
      return logger.warn(message);
    case 'information':
      return isUser ? logger.info(message) : logger.debug(message);
    case 'none':
      return;
    default:
      return logger.debug(message);
  }
}
