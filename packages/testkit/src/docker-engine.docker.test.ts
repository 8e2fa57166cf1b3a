import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  containerExists,
  dockerBuild,
  removeTestContainers,
  requireDocker,
  TEST_RUN_LABEL,
  testRunId,
} from './docker-test-helpers.js';

const image = 'agentsmith-test/hello-agent:latest';
const context = fileURLToPath(new URL('../fixtures/hello-agent', import.meta.url));
let docker: Docker;

beforeAll(async () => {
  docker = await requireDocker();
  await dockerBuild(context, image);
});
afterAll(async () => {
  await removeTestContainers(docker);
});

describe('the real Docker engine', () => {
  it('runs a container from an image built by docker build on the local base image, then removes it', async () => {
    const name = `agentsmith-test-${testRunId}-hello`;
    const container = await docker.createContainer({
      name,
      Image: image,
      Cmd: ['--job-id', 'abc'],
      Env: ['EXIT_CODE=3'],
      Labels: { [TEST_RUN_LABEL]: testRunId },
      HostConfig: { AutoRemove: true },
    });
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const exited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;

    await container.start();
    const { StatusCode } = await exited;

    expect(StatusCode).toBe(3);
    expect(Buffer.concat(chunks).toString()).toMatch(
      /hello from the agent: --job-id abc \(node v22\.\d+\.\d+, uid 1000\)/,
    );
    await expect
      .poll(async () => !(await containerExists(docker, name)), {
        message: 'the auto-removed container to disappear',
      })
      .toBe(true);
  });
});
