// `tessera control-plane`: the App Mesh API on this machine, with DynamoDB Local as its store.

import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_CONTROL_PLANE_PORT,
  DEFAULT_TABLE_NAME,
  type LocalControlPlane,
  startLocalControlPlane,
} from '../../lambda/local/control-plane.js';

export function controlPlaneCommand(): Command {
  return new Command('control-plane')
    .description('serve the App Mesh API locally (the same Lambda handlers, DynamoDB Local embedded)')
    .addOption(
      new Option('--port <port>', 'port to listen on (0 picks a free one)')
        .default(DEFAULT_CONTROL_PLANE_PORT)
        .argParser(parsePort),
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'keep DynamoDB Local data in this folder (default: in memory)')
    .option(
      '--table <name>',
      `use this DynamoDB table; alone, in the regional service with your AWS credentials (default: "${DEFAULT_TABLE_NAME}" in DynamoDB Local)`,
    )
    .option('--dynamodb-endpoint <url>', 'use the DynamoDB at this URL instead of starting DynamoDB Local')
    .action(
      async (options: {
        port: number;
        host: string;
        dataDir?: string;
        table?: string;
        dynamodbEndpoint?: string;
      }) => {
        let controlPlane: LocalControlPlane;
        try {
          controlPlane = await startLocalControlPlane({
            host: options.host,
            port: options.port,
            ...(options.table !== undefined ? { tableName: options.table } : {}),
            ...(options.dataDir !== undefined ? { dataDir: resolve(options.dataDir) } : {}),
            ...(options.dynamodbEndpoint !== undefined ? { dynamodbEndpoint: options.dynamodbEndpoint } : {}),
          });
        } catch (error) {
          console.error(`tessera control-plane: ${(error as Error).message}`);
          process.exit(1);
        }
        console.log(`control plane listening on ${controlPlane.url}`);
        let stopping = false;
        const stop = async (signal: NodeJS.Signals) => {
          if (stopping) return;
          stopping = true;
          console.error(`${signal}: stopping control plane`);
          await controlPlane.stop();
          process.exit(0);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`must be a port number between 0 and 65535, got "${value}"`);
  }
  return port;
}
