// The example app `cdk.json` runs (`node dist/cdk/app.js`): one stack, ColorsExampleStack, configured from
// the context (cdk/example-app.ts; see cdk/README.md). Env-agnostic unless `-c region=…` is given, so
// `cdk synth` needs no AWS account, no lookup and no network.

import { App } from 'aws-cdk-lib';
import { ColorsExampleStack, exampleProps } from './example-app.js';

const app = new App();
new ColorsExampleStack(
  app,
  (app.node.tryGetContext('stackName') as string | undefined) ?? 'TesseraColors',
  exampleProps(app),
);
app.synth();
