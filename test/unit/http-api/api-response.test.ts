// How errors become answers (specs/durable-functions-protocol.md §7: "ArgumentException ⇒ 400, other exceptions ⇒ 500").
import { errorResponse } from '../../../src/http-api/api-response';
import { HttpApiError } from '../../../src/http-api/errors';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError } from '../../../src/taskhub';

describe('errorResponse', () => {
  it.each([
    [new InstanceNotFoundError('a'), 404],
    [new InstanceExistsError('a', 'Running'), 409],
    [new InvalidInstanceStateError('a', 'Completed', 'terminate'), 410],
    [new NotSupportedError('no rewind here'), 501],
    [new RangeError("Instance ID '@x' starts with \"@\""), 400],
    [new Error('storage is down'), 500],
  ])('answers %p with %i and its message', (error, status) => {
    const response = errorResponse(error);
    expect(response.status).toBe(status);
    expect((response.body as { Message: string }).Message).toContain(error.message);
  });

  it('answers an HttpApiError with its status, as an object or as a bare string', () => {
    expect(errorResponse(new HttpApiError(412, 'not failed', 'string'))).toEqual({ status: 412, body: 'not failed' });
    expect(errorResponse(new HttpApiError(400, 'bad'))).toEqual({ status: 400, body: { Message: 'bad' } });
  });
});
