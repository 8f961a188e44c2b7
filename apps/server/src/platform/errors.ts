import { errorCatalogue, type ErrorBody, type ErrorCode } from '@knock/protocol/errors';

/** An error from the catalogue. Only these reach clients; anything else is `internal_error`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ?? errorCatalogue[code].message);
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get closeCode(): number {
    return errorCatalogue[this.code].close;
  }

  body(requestId?: string): ErrorBody {
    return {
      code: this.code,
      message: errorCatalogue[this.code].message,
      ...(requestId === undefined ? {} : { requestId }),
    };
  }
}

export function errorBody(code: ErrorCode, requestId?: string): ErrorBody {
  return new AppError(code).body(requestId);
}
