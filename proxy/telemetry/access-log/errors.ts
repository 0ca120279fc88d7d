// Errors of access-log settings: a format that does not compile. Raised when a snapshot is applied.

export class AccessLogFormatError extends Error {
  override readonly name = 'AccessLogFormatError';
  readonly code = 'ACCESS_LOG_FORMAT_INVALID';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`access log format: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
