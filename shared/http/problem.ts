/** RFC 9457 problem details: the only error shape the API ever returns. */
export interface FieldError {
  /** Where the problem is, as a path into the request: `body.lines[0].amount`, `query.limit`, `rule.and[0].type`. */
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://facet.dev/problems/';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  toBody(instance?: string): ProblemBody {
    const slug = this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/(^-|-$)/g, '');
    // RFC 9457's own members come last: an extension that happens to share a name (a guard's `status`) must never
    // change the HTTP status or title a client reads.
    return {
      ...this.extensions,
      type: `${TYPE_BASE}${slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(instance === undefined ? {} : { instance }),
    };
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid fields.') =>
    new ProblemError(400, 'Validation failed', detail, { errors }),
  badRequest: (detail: string) => new ProblemError(400, 'Bad request', detail),
  unauthorized: (detail = 'A valid API key is required.') => new ProblemError(401, 'Unauthorized', detail),
  forbidden: (detail: string) => new ProblemError(403, 'Forbidden', detail),
  notFound: (what: string) => new ProblemError(404, 'Not found', `${what} was not found.`),
  conflict: (detail: string, extensions: Record<string, unknown> = {}) =>
    new ProblemError(409, 'Conflict', detail, extensions),
  payloadTooLarge: (limitBytes: number) =>
    new ProblemError(413, 'Payload too large', `The request body is larger than ${limitBytes} bytes.`),
  unsupportedMediaType: (detail: string) => new ProblemError(415, 'Unsupported media type', detail),
  unprocessable: (detail: string, extensions: Record<string, unknown> = {}) =>
    new ProblemError(422, 'Unprocessable request', detail, extensions),
  internal: () => new ProblemError(500, 'Internal error', 'Something went wrong on our side. It has been logged.'),
};

/** `['body', 'lines', 0, 'amount']` -> `body.lines[0].amount` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
