// The running tasks of an ECS cluster from the ECS API: ListTasks (every page) then DescribeTasks in
// batches of 100, the most it takes.

import { DescribeTasksCommand, type ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import type { EcsTaskSource } from './ecs-reconciler.js';
import type { EcsTaskShape } from './ecs-task.js';

/** DescribeTasks' limit on task ARNs per call. */
export const DESCRIBE_TASKS_BATCH = 100;
/** ListTasks' largest page. */
export const LIST_TASKS_PAGE = 100;

export class EcsApiTaskSource implements EcsTaskSource {
  readonly #client: ECSClient;

  constructor(client: ECSClient) {
    this.#client = client;
  }

  async runningTasks(cluster: string): Promise<EcsTaskShape[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', maxResults: LIST_TASKS_PAGE, nextToken }),
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);

    const tasks: EcsTaskShape[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_BATCH) {
      // A task that stopped since it was listed comes back in `failures` (MISSING): it is simply absent.
      const { tasks: described } = await this.#client.send(
        new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_TASKS_BATCH) }),
      );
      tasks.push(...(described ?? []));
    }
    return tasks;
  }
}
