#!/usr/bin/env node
// `tessera`: the command line for people. Each command lives in cli/commands/.

import { Command } from 'commander';
import { controlPlaneCommand } from './commands/control-plane.js';

const program = new Command('tessera')
  .description('Tessera: an App Mesh-compatible service mesh on Lambda + DynamoDB')
  .showHelpAfterError();

program.addCommand(controlPlaneCommand());

await program.parseAsync(process.argv);
