/**
 * Input checks shared by the samples. Starters run them to answer a bad request with a 400 that says what to send;
 * orchestrators run the same checks so an instance started another way (e.g. the built-in
 * /runtime/webhooks/durabletask/orchestrators/{name} route) fails with the same clear message instead of misbehaving.
 */
import { HttpRequest, HttpResponse, HttpResponseInit } from '@azure/functions';

export class InvalidInputError extends Error {
    override readonly name = 'InvalidInputError';
}

/** The request body as JSON; an empty body is `undefined`. */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
    const text = await request.text();
    if (text.trim() === '') return undefined;
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new InvalidInputError(`The request body is not valid JSON (${(err as Error).message}). Send a JSON value or no body.`);
    }
}

/** An input object; `undefined`/`null` mean "all defaults". */
export function inputObject(value: unknown, what: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
        throw new InvalidInputError(`${what} must be a JSON object, got ${JSON.stringify(value)}.`);
    }
    return value as Record<string, unknown>;
}

interface NumberRule {
    /** Used when the value is absent (`undefined`, `null` or an empty query parameter). */
    default?: number;
    /** Inclusive bounds. */
    min?: number;
    max?: number;
    /** Exclusive lower bound, for "must be positive". */
    above?: number;
    integer?: boolean;
}

/** A number from JSON or from a query string (`"30"`), checked against the rule. */
export function numberInput(value: unknown, name: string, rule: NumberRule): number {
    if (value === undefined || value === null || value === '') {
        if (rule.default !== undefined) return rule.default;
        throw new InvalidInputError(`${name} is required.`);
    }
    const n = typeof value === 'string' ? Number(value) : value;
    const ok =
        typeof n === 'number' &&
        Number.isFinite(n) &&
        (!rule.integer || Number.isInteger(n)) &&
        (rule.min === undefined || n >= rule.min) &&
        (rule.max === undefined || n <= rule.max) &&
        (rule.above === undefined || n > rule.above);
    if (!ok) {
        const bounds = [
            rule.above === undefined ? '' : `greater than ${rule.above}`,
            rule.min === undefined ? '' : `at least ${rule.min}`,
            rule.max === undefined ? '' : `at most ${rule.max}`,
        ].filter(Boolean);
        const kind = rule.integer ? 'an integer' : 'a number';
        throw new InvalidInputError(`${name} must be ${[kind, ...bounds].join(', ')}; got ${JSON.stringify(value)}.`);
    }
    return n as number;
}

/** A non-empty string; `pattern` documents and enforces the allowed characters. */
export function textInput(value: unknown, name: string, rule: { default?: string; pattern?: RegExp } = {}): string {
    if (value === undefined || value === null || value === '') {
        if (rule.default !== undefined) return rule.default;
        throw new InvalidInputError(`${name} is required.`);
    }
    if (typeof value !== 'string' || (rule.pattern && !rule.pattern.test(value))) {
        const form = rule.pattern ? ` matching ${rule.pattern}` : '';
        throw new InvalidInputError(`${name} must be a string${form}, got ${JSON.stringify(value)}.`);
    }
    return value;
}

/** Wraps an HTTP handler so that an InvalidInputError becomes a 400 with `{ error }`; other errors stay 500s. */
export function answeringInvalidInput<A extends unknown[]>(
    handler: (...args: A) => Promise<HttpResponseInit | HttpResponse>,
): (...args: A) => Promise<HttpResponseInit | HttpResponse> {
    return async (...args: A) => {
        try {
            return await handler(...args);
        } catch (err) {
            if (err instanceof InvalidInputError) return { status: 400, jsonBody: { error: err.message } };
            throw err;
        }
    };
}
