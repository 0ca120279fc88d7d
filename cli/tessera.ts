#!/usr/bin/env node
// `tessera`: the command line for people. Each command lives in cli/commands/.

import { Command } from 'commander';

// The SDK's notice about Node 20's end of support is for us, not for every user of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Commands load only when named: `tessera proxy` runs as a sidecar on every task, and the control plane's
// and CLI's modules (DynamoDB and App Mesh SDKs, DynamoDB Local, YAML) would double its memory and start time.
const COMMANDS: Record<string, () => Promise<Command>> = {
  'control-plane': async () => (await import('./commands/control-plane.js')).controlPlaneCommand(),
  proxy: async () => (await import('./commands/proxy.js')).proxyCommand(),
  apply: async () => (await import('./commands/apply.js')).applyCommand(),
  get: async () => (await import('./commands/get.js')).getCommand(),
  delete: async () => (await import('./commands/delete.js')).deleteCommand(),
  diff: async () => (await import('./commands/diff.js')).diffCommand(),
  dev: async () => (await import('./commands/dev.js')).devCommand(),
  top: async () => (await import('./commands/top.js')).topCommand(),
};

const program = new Command('tessera')
  .description('Tessera: an App Mesh-compatible service mesh on Lambda + DynamoDB')
  .showHelpAfterError();

const named = process.argv[2];
const load = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const command of await Promise.all(load.map((name) => COMMANDS[name]!()))) {
  program.addCommand(command);
}

await program.parseAsync(process.argv);
