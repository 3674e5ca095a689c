/**
 * Reads a VS Code REST Client file (test.http) and runs its requests in order, as a user clicking "Send Request"
 * from top to bottom would: file variables (`@name = value`), named requests (`# @name x`) and the response
 * references they allow (`{{x.response.body.$.id}}`, `{{x.response.headers.Location}}`).
 */
import { readFileSync } from 'node:fs';

export interface HttpFileRequest {
    /** The `# @name` of the request, if any. */
    name?: string;
    /** The comment lines above the request: what the file tells the user to expect. */
    comments: string[];
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
}

export interface HttpFile {
    variables: Map<string, string>;
    requests: HttpFileRequest[];
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+)$/;

export function parseHttpFile(path: string): HttpFile {
    const variables = new Map<string, string>();
    const requests: HttpFileRequest[] = [];
    for (const block of readFileSync(path, 'utf8').split(/^###.*$/m)) {
        const comments: string[] = [];
        let request: HttpFileRequest | undefined;
        let name: string | undefined;
        const lines = block.split('\n');
        for (let i = 0; i < lines.length; i++) {
            const line = lines[i].trimEnd();
            if (request) {
                if (line === '') {
                    const body = lines.slice(i + 1).join('\n').trim();
                    if (body !== '') request.body = body;
                    break;
                }
                const colon = line.indexOf(':');
                request.headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
                continue;
            }
            const variable = /^@(\w+)\s*=\s*(.*)$/.exec(line);
            const named = /^#\s*@name\s+(\w+)/.exec(line);
            const requestLine = REQUEST_LINE.exec(line);
            if (variable) variables.set(variable[1], variable[2]);
            else if (named) name = named[1];
            else if (line.startsWith('#')) comments.push(line.replace(/^#+\s*/, ''));
            else if (requestLine) request = { name, comments, method: requestLine[1], url: requestLine[2], headers: {} };
            else if (line !== '') throw new Error(`${path}: cannot read the line ${JSON.stringify(line)}`);
        }
        if (request) requests.push(request);
    }
    return { variables, requests };
}

interface NamedResponse {
    headers: Headers;
    body: unknown;
}

/** Replaces `{{...}}` references; throws on one it cannot resolve, since the user would see it fail too. */
export function resolveReferences(text: string, variables: Map<string, string>, responses: Map<string, NamedResponse>): string {
    return text.replace(/\{\{([^}]+)\}\}/g, (_, reference: string) => {
        const [name, kind, part, ...path] = reference.trim().split('.');
        if (kind === undefined) {
            const value = variables.get(name);
            if (value === undefined) throw new Error(`Unknown variable {{${reference}}}`);
            return resolveReferences(value, variables, responses);
        }
        const response = responses.get(name);
        if (!response || kind !== 'response') throw new Error(`{{${reference}}} refers to a request that has not run`);
        if (part === 'headers') return response.headers.get(path[0]) ?? '';
        if (part === 'body' && path[0] === '$') {
            let value = response.body as Record<string, unknown> | undefined;
            for (const key of path.slice(1)) value = value?.[key] as Record<string, unknown> | undefined;
            if (value === undefined) throw new Error(`{{${reference}}} is not in the response body ${JSON.stringify(response.body)}`);
            return String(value);
        }
        throw new Error(`Unsupported reference {{${reference}}}`);
    });
}
