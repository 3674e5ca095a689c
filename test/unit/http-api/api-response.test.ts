// How errors become answers (specs/durable-functions-protocol.md §7: "ArgumentException ⇒ 400, other exceptions ⇒ 500").
import { errorResponse } from '../../../src/http-api/api-response';
import { HttpApiError } from '../../../src/http-api/errors';
import { InstanceExistsError, InstanceNotFoundError, InvalidInstanceStateError, NotSupportedError, OperationNotApplicableError } from '../../../src/taskhub';

describe('errorResponse', () => {
  it.each([
    [new InstanceNotFoundError('a'), 404],
    [new InstanceExistsError('a', 'Running'), 409],
    [new InvalidInstanceStateError('a', 'Completed', 'terminate'), 410],
    [new NotSupportedError('no rewind here'), 501],
    [new RangeError("Instance ID '@x' starts with \"@\""), 400],
  ])('answers %p with %i and its message', (error, status) => {
    const response = errorResponse(error);
    expect(response.status).toBe(status);
    expect((response.body as { Message: string }).Message).toContain(error.message);
  });

  // [ext] HttpApiHandler's catch-all: CreateErrorResponse(500, "Something went wrong while processing your request", e);
  // the leading text is what durable-functions' error shows, the reason follows as ASP.NET's ExceptionMessage.
  it.each([new Error('storage is down'), new OperationNotApplicableError('a', 'Suspended', 'suspend')])('answers %p with the extension\'s 500', (error) => {
    expect(errorResponse(error)).toEqual({
      status: 500,
      body: { Message: 'Something went wrong while processing your request', ExceptionMessage: error.message },
    });
  });

  it('answers an HttpApiError with its status, as an object or as a bare string', () => {
    expect(errorResponse(new HttpApiError(412, 'not failed', 'string'))).toEqual({ status: 412, body: 'not failed' });
    expect(errorResponse(new HttpApiError(400, 'bad'))).toEqual({ status: 400, body: { Message: 'bad' } });
  });
});
