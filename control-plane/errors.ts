// The control plane's error vocabulary: App Mesh's exception names, each with its HTTP status.
// Everything the API layer can say to a client is one of these; anything else is an internal fault.

/** App Mesh's error names (the `x-amzn-errortype` the SDK turns into an exception class). */
export const ERROR_STATUS = {
  BadRequestException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  ConflictException: 409,
  ResourceInUseException: 409,
  LimitExceededException: 400,
  TooManyRequestsException: 429,
  TooManyTagsException: 400,
  InternalServerErrorException: 500,
  ServiceUnavailableException: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One thing wrong with a request: where, which rule, what was received. */
export interface Problem {
  /** Field path in the request, e.g. `spec.listeners[0].portMapping.port`. */
  readonly path: string;
  /** The rule broken, in words: `must be between 1 and 65535`. */
  readonly rule: string;
  /** The value received (omitted when the field is missing). */
  readonly value?: unknown;
}

/** `spec.listeners[0].portMapping.port: must be between 1 and 65535, got 70000` */
export function formatProblem(p: Problem): string {
  const where = p.path === '' ? '' : `${p.path}: `;
  return 'value' in p && p.value !== undefined
    ? `${where}${p.rule}, got ${describeValue(p.value)}`
    : `${where}${p.rule}`;
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export abstract class MeshError extends Error {
  abstract readonly code: ErrorCode;
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export class BadRequestError extends MeshError {
  override readonly name = 'BadRequestError';
  readonly code = 'BadRequestException';
  /** Every problem found, when the request failed validation. */
  readonly problems: readonly Problem[];
  constructor(messageOrProblems: string | readonly Problem[], options?: ErrorOptions) {
    const problems = typeof messageOrProblems === 'string' ? [] : messageOrProblems;
    super(
      typeof messageOrProblems === 'string' ? messageOrProblems : problems.map(formatProblem).join('; '),
      options,
    );
    this.problems = problems;
  }
}

export class ForbiddenError extends MeshError {
  override readonly name = 'ForbiddenError';
  readonly code = 'ForbiddenException';
}

export class NotFoundError extends MeshError {
  override readonly name = 'NotFoundError';
  readonly code = 'NotFoundException';
}

export class ConflictError extends MeshError {
  override readonly name = 'ConflictError';
  readonly code = 'ConflictException';
}

export class ResourceInUseError extends MeshError {
  override readonly name = 'ResourceInUseError';
  readonly code = 'ResourceInUseException';
}

export class LimitExceededError extends MeshError {
  override readonly name = 'LimitExceededError';
  readonly code = 'LimitExceededException';
}

export class TooManyRequestsError extends MeshError {
  override readonly name = 'TooManyRequestsError';
  readonly code = 'TooManyRequestsException';
}

export class TooManyTagsError extends MeshError {
  override readonly name = 'TooManyTagsError';
  readonly code = 'TooManyTagsException';
}

export class ServiceUnavailableError extends MeshError {
  override readonly name = 'ServiceUnavailableError';
  readonly code = 'ServiceUnavailableException';
}
