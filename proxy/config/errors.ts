// The error a bad proxy configuration raises: every problem at once, each naming the setting, the rule and the value.

export class ProxyConfigError extends Error {
  override readonly name = 'ProxyConfigError';
  readonly code = 'PROXY_CONFIG_INVALID';
  /** One line per problem: `--poll-interval: must be a number of seconds between 1 and 300, got "0"`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid proxy configuration:\n  ${problems.join('\n  ')}`);
    this.problems = Object.freeze([...problems]);
  }
}
