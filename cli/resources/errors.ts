// Errors of reading resource files and applying them, each saying where and what.

/** One thing wrong in a resource file. */
export interface FileProblem {
  /** `colors.yaml:12:7`, when the place is known. */
  readonly location?: string;
  /** The field, e.g. `resources[3].spec.listeners[0].portMapping` or `Resources.Blue.Properties.Spec`. */
  readonly path?: string;
  readonly message: string;
}

export function formatFileProblem(problem: FileProblem): string {
  const where = [problem.location, problem.path]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');
  return where === '' ? problem.message : `${where}: ${problem.message}`;
}

/** A resource file that cannot be read as resources; every problem found is listed. */
export class ResourceFileError extends Error {
  override readonly name = 'ResourceFileError';
  readonly problems: readonly FileProblem[];
  constructor(problems: readonly FileProblem[]) {
    super(problems.map(formatFileProblem).join('\n'));
    this.problems = problems;
  }
}

/** A create, update or describe that the control plane refused or could not answer; `cause` is the SDK error. */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  constructor(
    /** `creating virtual node "blue" in mesh "colors" (colors.yaml: resources[2])` */
    readonly doing: string,
    options: { cause: unknown },
    /** Where a field the API names is in the file the resource came from. */
    readonly locate?: (apiPath: string) => string | undefined,
  ) {
    super(`${doing}: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
  }
}
