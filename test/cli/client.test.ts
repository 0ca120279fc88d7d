import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneClient, controlPlaneSigning } from '../../cli/client.js';

describe('controlPlaneSigning', () => {
  it('signs for execute-api in the URL’s region for a deployed (API Gateway) control plane', () => {
    expect(controlPlaneSigning('https://abc123.execute-api.us-west-2.amazonaws.com', {})).toEqual({
      signingName: 'execute-api',
      region: 'us-west-2',
    });
  });

  it('keeps the client’s own signing for a local control plane', () => {
    expect(controlPlaneSigning('http://127.0.0.1:7070', { AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
    });
  });
});

describe('controlPlaneClient', () => {
  let server: Server;
  let url: string;
  const authorizations: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      authorizations.push(String(req.headers.authorization));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"meshes":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('signs as execute-api with TESSERA_CONTROL_PLANE_AUTH=iam (a custom domain in front of the API)', async () => {
    const env = {
      TESSERA_CONTROL_PLANE_AUTH: 'iam',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    const client = controlPlaneClient(url, env);
    try {
      await client.send(new ListMeshesCommand({}));
    } finally {
      client.destroy();
    }
    expect(authorizations.at(-1)).toMatch(/Credential=[^/]+\/\d{8}\/eu-west-1\/execute-api\/aws4_request/);
  });

  it('signs as appmesh otherwise', async () => {
    const client = controlPlaneClient(url, { AWS_REGION: 'eu-west-1' });
    try {
      await client.send(new ListMeshesCommand({}));
    } finally {
      client.destroy();
    }
    expect(authorizations.at(-1)).toMatch(
      /Credential=tessera-local\/\d{8}\/eu-west-1\/appmesh\/aws4_request/,
    );
  });
});
