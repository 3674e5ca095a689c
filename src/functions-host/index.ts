// The Functions host: loads an unmodified @azure/functions v4 app in-process and serves it like `func start`.
// It knows nothing about durability; durable triggers and bindings arrive as HostExtensions and input-binding providers.

export { loadFunctionApp, type LoadFunctionAppOptions } from './load-function-app';
export type { FunctionApp, InvokeRequest, InvocationResult, RpcInvocationInit, RpcInvocationResult, InputBindingProvider } from './function-app';
export type { RegisteredFunction, BindingInfo } from './core-api';
export type { RpcHttpData, RpcTypedData, RpcHttpCookie, RpcInvocationResponse } from './core-api-types';
export { FunctionsHost, type FunctionsHostOptions, type HostExtension } from './functions-host';
export type { HostState } from './admin-api';
export type { HostConfig } from './host-config';
export type { LocalSettings } from './local-settings';
export { keysFile, type FunctionKeys } from './function-keys';
export { appGlobal, nativeEnv, requireFromApp } from './native-runtime';
export { parseNcrontab, NcrontabError, type CronSchedule } from './ncrontab';
export {
  FunctionsHostError,
  AppLoadError,
  HostConfigError,
  LocalSettingsError,
  FunctionRegistrationError,
  FunctionNotFoundError,
  FunctionTimeoutError,
  PortInUseError,
} from './errors';
