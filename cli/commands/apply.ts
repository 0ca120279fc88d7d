// `tessera apply -f FILE`: creates or updates the App Mesh resources of a file or CloudFormation template.

import { Command, InvalidArgumentError } from 'commander';
import { type ControlPlaneOptions, withControlPlane } from '../client.js';
import { applyResources, describeChange } from '../resources/apply-resources.js';
import { loadResourceFile } from '../resources/read-file.js';
import type { ApplyChange } from '../resources/resource-input.js';

interface ApplyOptions extends ControlPlaneOptions {
  readonly file: string;
  readonly parameter: Record<string, string>;
  readonly dryRun?: boolean;
}

export function applyCommand(): Command {
  return withFileOptions(new Command('apply'))
    .description(
      'create or update App Mesh resources from a YAML/JSON resource list or a CloudFormation template',
    )
    .option('--dry-run', 'print what would change, writing nothing')
    .action(async (options: ApplyOptions) => {
      await withControlPlane('apply', options, async (client) => {
        const file = await loadResourceFile(options.file, options.parameter);
        for (const note of file.notes) console.log(note);
        const dryRun = options.dryRun ?? false;
        const changes = await applyResources(client, file.resources, { dryRun });
        for (const change of changes) {
          console.log(describeChange(change, dryRun));
          if (dryRun && change.action !== 'unchanged' && change.diff) console.log(indent(change.diff));
        }
        console.log(summary(changes, dryRun));
        return 0;
      });
    });
}

/** `-f FILE`, repeated `--parameter K=V`, `--control-plane URL`: shared by apply and diff. */
export function withFileOptions(command: Command): Command {
  return command
    .requiredOption(
      '-f, --file <file>',
      'resource file (YAML or JSON; a list of resources or a CloudFormation template); - reads standard input',
    )
    .option(
      '-p, --parameter <key=value>',
      'CloudFormation parameter value (repeatable)',
      collectParameter,
      {},
    )
    .option(
      '--control-plane <url>',
      'control plane base URL [TESSERA_CONTROL_PLANE, default http://127.0.0.1:7070]',
    );
}

function collectParameter(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`must be KEY=VALUE, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function summary(changes: readonly ApplyChange[], dryRun: boolean): string {
  const count = (action: ApplyChange['action']) => changes.filter((c) => c.action === action).length;
  return dryRun
    ? `dry run: ${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged; nothing was written`
    : `${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged`;
}

export function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
