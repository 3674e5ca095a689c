// The base of the runtime's typed errors, so every one of them names itself the same way.

/** `name` is the concrete class's name (what logs, failure details and `toMatchObject({ name })` show). */
export class DurableRuntimeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
