// Typed errors of the Functions host. Each message names the file or function and says what to do.

import { DurableRuntimeError, formatTimeSpan } from '../core';

export class FunctionsHostError extends DurableRuntimeError {}

/** The app folder, its package.json or its entry points cannot be used. */
export class AppLoadError extends FunctionsHostError {}

/** `host.json` is malformed or holds a value of the wrong form. */
export class HostConfigError extends FunctionsHostError {}

/** `local.settings.json` is malformed or holds a value of the wrong form. */
export class LocalSettingsError extends FunctionsHostError {}

/** A function's registration is invalid (duplicate name, route conflict, bad schedule, ...). */
export class FunctionRegistrationError extends FunctionsHostError {
  constructor(
    readonly functionName: string,
    message: string,
  ) {
    super(message);
  }
}

export class FunctionNotFoundError extends FunctionsHostError {
  constructor(readonly functionName: string) {
    super(`The app has no function named '${functionName}'. Function names are case-insensitive; check the name or the app's registrations.`);
  }
}

/** The handler did not finish within host.json `functionTimeout`. It keeps running; its result is ignored. */
export class FunctionTimeoutError extends FunctionsHostError {
  constructor(
    readonly functionName: string,
    readonly invocationId: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Timeout value of ${formatTimeSpan(timeoutMs)} exceeded by function 'Functions.${functionName}' (Id: '${invocationId}'). ` +
        'Make the handler finish sooner, or raise "functionTimeout" in host.json.',
    );
  }
}

/** The HTTP port is taken. */
export class PortInUseError extends FunctionsHostError {
  constructor(readonly port: number) {
    super(`Port ${port} is unavailable. Close the process using that port, or specify another port using --port.`);
  }
}
