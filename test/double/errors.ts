/** An error in Google's JSON shape, raised by a handler and written by the server. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = statusName(code),
    readonly reason = 'invalid',
  ) {
    super(message);
  }

  body(): Record<string, any> {
    const errors = [{ message: this.message, domain: 'global', reason: this.reason }];
    return { error: { code: this.code, message: this.message, errors, status: this.status } };
  }
}

function statusName(code: number): string {
  const names: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ALREADY_EXISTS',
    412: 'FAILED_PRECONDITION',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
  };
  return names[code] ?? 'UNKNOWN';
}

export function notFound(path: string): ApiError {
  return new ApiError(404, `The resource '${path}' was not found`, 'NOT_FOUND', 'notFound');
}
