#!/usr/bin/env node
// `tessera`: the command line for people. Each command lives in cli/commands/.

import { Command } from 'commander';
import { applyCommand } from './commands/apply.js';
import { controlPlaneCommand } from './commands/control-plane.js';
import { deleteCommand } from './commands/delete.js';
import { devCommand } from './commands/dev.js';
import { diffCommand } from './commands/diff.js';
import { getCommand } from './commands/get.js';
import { proxyCommand } from './commands/proxy.js';
import { topCommand } from './commands/top.js';

// The SDK's notice about Node 20's end of support is for us, not for every user of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('tessera')
  .description('Tessera: an App Mesh-compatible service mesh on Lambda + DynamoDB')
  .showHelpAfterError();

program.addCommand(controlPlaneCommand());
program.addCommand(proxyCommand());
program.addCommand(applyCommand());
program.addCommand(getCommand());
program.addCommand(deleteCommand());
program.addCommand(diffCommand());
program.addCommand(devCommand());
program.addCommand(topCommand());

await program.parseAsync(process.argv);
