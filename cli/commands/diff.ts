// `tessera diff -f FILE`: what `apply` would change, as a diff of specs; exit 0 when nothing, 1 when something.

import { Command } from 'commander';
import { withControlPlane } from '../client.js';
import { applyResources, describeChange } from '../resources/apply-resources.js';
import { loadResourceFile } from '../resources/read-file.js';
import { indent, withFileOptions } from './apply.js';

/** Exit codes, as diff(1): no differences, differences, trouble. */
export const EXIT_SAME = 0;
export const EXIT_DIFFERENT = 1;
export const EXIT_TROUBLE = 2;

export function diffCommand(): Command {
  return withFileOptions(new Command('diff'))
    .description(
      `show what apply would change (exit ${EXIT_SAME}: nothing, ${EXIT_DIFFERENT}: something, ${EXIT_TROUBLE}: error)`,
    )
    .action(async (options: { file: string; parameter: Record<string, string>; controlPlane?: string }) => {
      await withControlPlane(
        'diff',
        options,
        async (client) => {
          const file = await loadResourceFile(options.file, options.parameter);
          for (const note of file.notes) console.error(note);
          const changes = await applyResources(client, file.resources, { dryRun: true });
          const changed = changes.filter((change) => change.action !== 'unchanged');
          for (const change of changed) {
            console.log(describeChange(change, true));
            if (change.diff) console.log(indent(change.diff));
          }
          if (changed.length === 0) console.log(`no changes: all ${changes.length} resources are up to date`);
          return changed.length === 0 ? EXIT_SAME : EXIT_DIFFERENT;
        },
        EXIT_TROUBLE,
      );
    });
}
