// Every error the dashboard's API answers with: an HTTP status, a stable code and a sentence that
// says what was wrong and what to do, sent as {"error":{"code","message"}}.

export type ApiErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_host'
  | 'bad_origin'
  | 'missing_token'
  | 'bad_token'
  | 'bad_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unknown_task'
  | 'refused'
  | 'timeout'
  | 'starting'
  | 'too_many_streams'
  | 'internal';

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
