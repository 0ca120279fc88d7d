// MeshControlPlane: Tessera's App Mesh API on AWS — one DynamoDB table, the Lambda functions over it, an
// IAM-authenticated HTTP API in front, ECS discovery (task events + reconcile), alarms and grants.

import { CfnOutput, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpApi,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { ICluster } from 'aws-cdk-lib/aws-ecs';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type IFunction, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  type IMeshControlPlane,
  type MeshControlPlaneAttributes,
  MeshControlPlaneBase,
} from './mesh-control-plane-base.js';
import { ControlPlaneFunction, POWERTOOLS_NAMESPACE } from './private/control-plane-function.js';
import { suppressControlPlaneFindings } from './private/nag-suppressions.js';
import { EXPIRES_AT_ATTRIBUTE, PARTITION_KEY_NAME, SORT_KEY_NAME } from './private/table-schema.js';

// The interface, grants and import shapes live beside; importing this module gives them all.
export * from './mesh-control-plane-base.js';

/** How often the reconcile repairs ECS endpoints that task events missed. */
export const DEFAULT_RECONCILE_INTERVAL = Duration.minutes(5);
/** API Gateway stage throttling: steady requests per second, and burst. */
export const DEFAULT_THROTTLE = { rateLimit: 200, burstLimit: 400 } as const;
/** The EventBridge event the task-events function handles (lambda/ecs-task-events.ts checks the same). */
export const ECS_TASK_STATE_CHANGE_PATTERN = {
  source: ['aws.ecs'],
  detailType: ['ECS Task State Change'],
} as const;
/** The name API Gateway requests are signed for (SigV4 service name) when IAM auth fronts the API. */
export const SIGNING_NAME = 'execute-api';

export interface MeshControlPlaneProps {
  /** @default - a name CloudFormation generates */
  readonly tableName?: string;
  /**
   * What happens to the table when it leaves the stack. Its contents are the mesh: keep it by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** A customer-managed KMS key for the table. @default - the AWS-managed key for DynamoDB */
  readonly encryptionKey?: IKey;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
  /** @default false */
  readonly deletionProtection?: boolean;
  /** Retention of the functions' and the API's log groups. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** POWERTOOLS_LOG_LEVEL of every function. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** X-Ray tracing of the functions (sampled). @default Tracing.ACTIVE */
  readonly tracing?: Tracing;
  /** Memory of the API function, which compiles snapshots. @default 1024 */
  readonly apiMemorySize?: number;
  /** API Gateway stage throttling. @default DEFAULT_THROTTLE (200 requests/s, burst 400) */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * ECS clusters whose running tasks become endpoints of the virtual nodes that name their task family
   * (control-plane/discovery/README.md). More can be added with `addEcsCluster`.
   * @default - none: no ECS discovery until a cluster is added
   */
  readonly ecsClusters?: readonly ICluster[];
  /** @default DEFAULT_RECONCILE_INTERVAL (5 minutes) */
  readonly reconcileInterval?: Duration;
  /** Where the alarms notify. @default - the alarms notify no one */
  readonly alarmActions?: readonly cloudwatch.IAlarmAction[];
}

interface EcsDiscovery {
  readonly events: NodejsFunction;
  readonly reconcile: NodejsFunction;
  readonly rule: Rule;
  readonly listTasks: iam.PolicyStatement;
  readonly describeTasks: iam.PolicyStatement;
}

/**
 * The control plane. Why an HTTP API with IAM authorization rather than a Lambda Function URL:
 * - IAM policies can name routes (`execute-api:Invoke` on `…/GET/tessera/v1/meshes/{mesh}/…/snapshot`,
 *   with `*` for the names), so `grantProxy` gives a sidecar its snapshot and endpoint routes and nothing else. A Function URL has
 *   one permission (`lambda:InvokeFunctionUrl`) for every path: a sidecar's role could then call
 *   DeleteMesh.
 * - Stage throttling and access logs protect and explain the table's traffic at no extra code.
 * - It still costs nothing when idle (about $1 per million requests; a proxy polling every 5 s with
 *   mostly 304 answers makes ~0.5 M requests a month).
 * The price is SigV4 with service name `execute-api` instead of App Mesh's `appmesh` (see README.md).
 */
export class MeshControlPlane extends MeshControlPlaneBase {
  /** A control plane deployed elsewhere (another stack or app), for grants and mesh resources. */
  static fromAttributes(scope: Construct, id: string, attrs: MeshControlPlaneAttributes): IMeshControlPlane {
    class Imported extends MeshControlPlaneBase {
      readonly apiId = attrs.apiId;
      readonly endpointUrl =
        attrs.endpointUrl ??
        `https://${attrs.apiId}.execute-api.${Stack.of(scope).region}.${Stack.of(scope).urlSuffix}`;
      get resourceServiceToken(): string {
        if (attrs.resourceServiceToken === undefined) {
          throw new Error(
            `MeshControlPlane.fromAttributes(${id}): resourceServiceToken was not given, so this control plane cannot back mesh resources`,
          );
        }
        return attrs.resourceServiceToken;
      }
    }
    return new Imported(scope, id);
  }

  readonly endpointUrl: string;
  readonly apiId: string;
  readonly resourceServiceToken: string;
  readonly table: Table;
  readonly httpApi: IHttpApi;
  /** Serves the App Mesh API and the proxy routes. */
  readonly apiFunction: NodejsFunction;
  /** Backs `Custom::TesseraMeshResource` (cdk/mesh/). */
  readonly meshResourceFunction: NodejsFunction;
  readonly #alarms: cloudwatch.Alarm[] = [];

  readonly #props: MeshControlPlaneProps;
  readonly #ecsClusters: ICluster[] = [];
  #ecs?: EcsDiscovery;

  constructor(scope: Construct, id: string, props: MeshControlPlaneProps = {}) {
    super(scope, id);
    this.#props = props;

    this.table = new Table(this, 'Table', {
      ...(props.tableName !== undefined ? { tableName: props.tableName } : {}),
      // The key schema control-plane/store/table.ts reads and writes.
      partitionKey: { name: PARTITION_KEY_NAME, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY_NAME, type: AttributeType.STRING },
      // On demand: an idle mesh costs nothing, and bursts of deploys never throttle.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      encryption: props.encryptionKey ? TableEncryption.CUSTOMER_MANAGED : TableEncryption.AWS_MANAGED,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      // Self-registered endpoints expire; TTL deletes them eventually (reads already filter them).
      timeToLiveAttribute: EXPIRES_AT_ATTRIBUTE,
      deletionProtection: props.deletionProtection ?? false,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.apiFunction = this.#function('Api', {
      entry: 'api',
      description: 'Tessera control plane: the App Mesh API, snapshots and the endpoint registry',
      serviceName: 'tessera-control-plane',
      // API Gateway gives an integration 30 s at most.
      timeout: Duration.seconds(29),
      memorySize: props.apiMemorySize ?? 1024,
    });
    this.meshResourceFunction = this.#function('MeshResource', {
      entry: 'mesh-resource',
      description: 'Tessera control plane: CloudFormation provider of Custom::TesseraMeshResource',
      serviceName: 'tessera-mesh-resource',
      timeout: Duration.minutes(2),
      memorySize: 512,
    });
    this.resourceServiceToken = this.meshResourceFunction.functionArn;

    const api = new HttpApi(this, 'HttpApi', {
      description: 'Tessera control plane (App Mesh API 2019-01-25), IAM (SigV4) authorized',
      createDefaultStage: false,
    });
    // One catch-all route: the function routes itself; IAM authorizes every request by method and path.
    api.addRoutes({
      path: '/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiIntegration', this.apiFunction),
      authorizer: new HttpIamAuthorizer(),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            caller: '$context.identity.userArn',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            error: '$context.error.message',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.httpApi = api;
    this.apiId = api.apiId;
    this.endpointUrl = api.apiEndpoint;

    new CfnOutput(this, 'EndpointUrl', {
      value: this.endpointUrl,
      description: `Tessera control plane: App Mesh API endpoint (SigV4, service name ${SIGNING_NAME})`,
    });

    for (const cluster of props.ecsClusters ?? []) this.addEcsCluster(cluster);
    suppressControlPlaneFindings(this);
  }

  /** Receives ECS task state changes; only once an ECS cluster is given. */
  get ecsTaskEventsFunction(): NodejsFunction | undefined {
    return this.#ecs?.events;
  }

  /** Reconciles ECS endpoints on a schedule; only once an ECS cluster is given. */
  get ecsReconcileFunction(): NodejsFunction | undefined {
    return this.#ecs?.reconcile;
  }

  /** Errors and throttles of every function. */
  get alarms(): readonly cloudwatch.Alarm[] {
    return this.#alarms;
  }

  /**
   * Registers the running tasks of `cluster` as endpoints of the virtual nodes that name their task
   * family: an EventBridge rule on its task state changes, and the scheduled reconcile. The first
   * cluster creates both functions; later ones widen the rule, the reconcile's list and its grants.
   */
  addEcsCluster(cluster: ICluster): void {
    if (this.#ecsClusters.includes(cluster)) return;
    this.#ecsClusters.push(cluster);
    this.#ecs ??= this.#ecsDiscovery();
    const ecs = this.#ecs;
    ecs.rule.addEventPattern({ detail: { clusterArn: [cluster.clusterArn] } });
    ecs.listTasks.addResources(cluster.clusterArn);
    ecs.describeTasks.addResources(
      Stack.of(this).formatArn({
        service: 'ecs',
        resource: 'task',
        resourceName: `${cluster.clusterName}/*`,
      }),
    );
  }

  #ecsDiscovery(): EcsDiscovery {
    const events = this.#function('EcsTaskEvents', {
      entry: 'ecs-task-events',
      description: 'Tessera control plane: ECS task state changes to the endpoint registry',
      serviceName: 'tessera-ecs-task-events',
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
    const reconcile = this.#function('EcsReconcile', {
      entry: 'ecs-reconcile',
      description: 'Tessera control plane: scheduled repair of ECS endpoints',
      serviceName: 'tessera-ecs-reconcile',
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment: {
        // Read at synthesis, so clusters added after this function was made are included.
        TESSERA_ECS_CLUSTERS: Lazy.string({
          produce: () => this.#ecsClusters.map((cluster) => cluster.clusterName).join(','),
        }),
      },
    });

    const rule = new Rule(this, 'EcsTaskStateChange', {
      description: 'Tessera: ECS task state changes of the mesh clusters to the endpoint registry',
      eventPattern: {
        source: [...ECS_TASK_STATE_CHANGE_PATTERN.source],
        detailType: [...ECS_TASK_STATE_CHANGE_PATTERN.detailType],
      },
    });
    // A failed write is retried by Lambda's async retries; the reconcile repairs whatever still slips.
    rule.addTarget(new LambdaFunction(events, { retryAttempts: 2, maxEventAge: Duration.hours(1) }));
    new Rule(this, 'EcsReconcileSchedule', {
      description: 'Tessera: reconcile ECS endpoints with the running tasks',
      schedule: Schedule.rate(this.#props.reconcileInterval ?? DEFAULT_RECONCILE_INTERVAL),
      targets: [new LambdaFunction(reconcile, { retryAttempts: 0 })],
    });
    const listTasks = new iam.PolicyStatement({ actions: ['ecs:ListTasks'], resources: [] });
    const describeTasks = new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [] });
    reconcile.addToRolePolicy(listTasks);
    reconcile.addToRolePolicy(describeTasks);
    return { events, reconcile, rule, listTasks, describeTasks };
  }

  /** Requests to the App Mesh API and proxy routes (API Gateway `Count`). @default sum over 5 minutes */
  metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricCount({ statistic: 'Sum', ...props });
  }

  /** 4xx answers: validation errors, conflicts, unsigned or unauthorized requests. @default sum over 5 minutes */
  metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricClientError(props);
  }

  /** 5xx answers. @default sum over 5 minutes */
  metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricServerError(props);
  }

  /** Time from request to answer at the API. @default average over 5 minutes */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.httpApi.metricLatency(props);
  }

  /** Failed invocations of the API function. @default sum over 5 minutes */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.apiFunction.metricErrors(props);
  }

  /** Throttled invocations of the API function. @default sum over 5 minutes */
  metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.apiFunction.metricThrottles(props);
  }

  /**
   * A metric the API function publishes per App Mesh operation (`Requests`, `ClientErrors`,
   * `ServerErrors`, `Latency`), e.g. `metricOperation('Latency', 'GetSnapshot')`.
   * @default sum over 5 minutes (average for Latency)
   */
  metricOperation(
    metricName: 'Requests' | 'ClientErrors' | 'ServerErrors' | 'Latency',
    operation: string,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: POWERTOOLS_NAMESPACE,
      metricName,
      dimensionsMap: { service: 'tessera-control-plane', Operation: operation },
      statistic: metricName === 'Latency' ? 'Average' : 'Sum',
      ...props,
    });
  }

  #function(
    id: string,
    props: {
      entry: string;
      description: string;
      serviceName: string;
      timeout: Duration;
      memorySize: number;
      environment?: Record<string, string>;
    },
  ): NodejsFunction {
    const fn = new ControlPlaneFunction(this, id, {
      ...props,
      table: this.table,
      logRetention: this.#props.logRetention ?? RetentionDays.ONE_MONTH,
      logRemovalPolicy: RemovalPolicy.DESTROY,
      logLevel: this.#props.logLevel ?? 'INFO',
      tracing: this.#props.tracing ?? Tracing.ACTIVE,
    }).function;
    this.#alarm(`${id}Errors`, fn, fn.metricErrors(), 'failed invocations');
    this.#alarm(`${id}Throttles`, fn, fn.metricThrottles(), 'throttled invocations');
    return fn;
  }

  #alarm(id: string, fn: IFunction, metric: cloudwatch.Metric, what: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: metric.with({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Tessera control plane: ${what} of ${fn.node.path} in the last 5 minutes`,
    });
    for (const action of this.#props.alarmActions ?? []) alarm.addAlarmAction(action);
    this.#alarms.push(alarm);
  }
}
