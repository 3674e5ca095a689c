// A binding could not fetch or deliver its value. The message names the function, the binding and what to fix;
// the invocation fails with it (and a queue message goes back to its queue, or to poison).

export class BindingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
