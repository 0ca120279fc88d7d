// One control-plane Lambda function as every one of them is built: bundled locally by esbuild as ESM
// for Node.js 22 on arm64, with Powertools settings, its own log group and read/write on the table.

import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaEntry } from './lambda-entry.js';

/** The current Lambda Node.js runtime, which the bundles target (esbuild `node24`). */
export const CONTROL_PLANE_RUNTIME = Runtime.NODEJS_24_X;
export const POWERTOOLS_NAMESPACE = 'Tessera';

// ESM output still meets CommonJS dependencies (aws-xray-sdk-core, via the Powertools tracer) that call
// `require` for Node built-ins; esbuild's ESM has no `require`, so the banner provides one.
const REQUIRE_SHIM =
  "import { createRequire as __tesseraCreateRequire } from 'node:module'; const require = __tesseraCreateRequire(import.meta.url);";

export interface ControlPlaneFunctionProps {
  /** The file in `lambda/` without extension (`api`, `ecs-task-events`, …); its `handler` export runs. */
  readonly entry: string;
  readonly description: string;
  /** POWERTOOLS_SERVICE_NAME; the same name the handler gives its Logger. */
  readonly serviceName: string;
  readonly table: ITable;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly logLevel: string;
  readonly tracing: Tracing;
  readonly environment?: Record<string, string>;
}

export class ControlPlaneFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ControlPlaneFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Its own role, allowed to write its own log group only (rather than AWSLambdaBasicExecutionRole,
    // which may write every log group of the account).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(role);
    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: lambdaEntry(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: CONTROL_PLANE_RUNTIME,
      // Graviton: about 20% cheaper per GB-second, and nothing here is x86-specific.
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: props.tracing,
      logGroup,
      environment: {
        TESSERA_TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: POWERTOOLS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        // Local esbuild only: synth must work on a machine without Docker (and without network).
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too instead of using the runtime's copy: the function then runs the exact
        // SDK version the tests ran against, whatever the runtime ships this month.
        externalModules: [],
      },
    });
    props.table.grantReadWriteData(this.function);
  }
}
