// The sample app's placeholder HTTP function: GET http://localhost:7071/api/hello?name=you
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

export async function hello(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.query.get('name') || (await request.text()) || 'world';
  context.log(`hello called for ${name}`);
  return { jsonBody: { message: `Hello, ${name}!` } };
}

app.http('hello', { methods: ['GET', 'POST'], authLevel: 'anonymous', handler: hello });
