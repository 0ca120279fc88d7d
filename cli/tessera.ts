#!/usr/bin/env node
// `tessera`: the command line for people. Each command lives in cli/commands/.

import { Command } from 'commander';
import { controlPlaneCommand } from './commands/control-plane.js';
import { proxyCommand } from './commands/proxy.js';

// The SDK's notice about Node 20's end of support is for us, not for every user of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('tessera')
  .description('Tessera: an App Mesh-compatible service mesh on Lambda + DynamoDB')
  .showHelpAfterError();

program.addCommand(controlPlaneCommand());
program.addCommand(proxyCommand());

await program.parseAsync(process.argv);
