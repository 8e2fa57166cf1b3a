import { request } from 'node:http';
import { failed, passed, type CheckResult, type DoctorCheck } from '@agentsmith/kit';
import type { DockerSpawnerSettings } from '../config/spawner-settings.js';

interface EngineAnswer {
  status: number;
  body: string;
}

/** One Engine API GET over the socket or TCP address the spawner uses (the gate in Compose). */
function engineGet(
  docker: DockerSpawnerSettings,
  path: string,
  signal: AbortSignal,
): Promise<EngineAnswer> {
  return new Promise((resolve, reject) => {
    const target = docker.socketPath
      ? { socketPath: docker.socketPath }
      : { host: docker.host, port: docker.port };
    const call = request({ ...target, path, method: 'GET', signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end();
  });
}

function engineName(docker: DockerSpawnerSettings): string {
  return docker.socketPath ? `unix://${docker.socketPath}` : `tcp://${docker.host}:${docker.port}`;
}

function messageOf(answer: EngineAnswer): string {
  try {
    return (JSON.parse(answer.body) as { message?: string }).message ?? `HTTP ${answer.status}`;
  } catch {
    return answer.body.trim() || `HTTP ${answer.status}`;
  }
}

/**
 * The engine answers (`/_ping`), the dispatcher may list agent containers (what the reaper and
 * the exit monitor do), and the agent image is there (`/images/<image>/json`). Creating one is
 * not tried: the gate validates each create, and doctor changes nothing.
 */
export function dockerChecks(docker: DockerSpawnerSettings): DoctorCheck[] {
  const engine = engineName(docker);
  const unreachableFix = `start the Docker engine (or the docker-gate) and check DOCKER_HOST (${engine})`;
  return [
    {
      what: 'Docker engine',
      unreachableFix,
      async run(signal): Promise<CheckResult[]> {
        const ping = await engineGet(docker, '/_ping', signal);
        if (ping.status !== 200) {
          return [
            failed(
              'Docker engine',
              `${engine} answered ${ping.status}: ${messageOf(ping)}`,
              unreachableFix,
            ),
          ];
        }
        const filters = encodeURIComponent(
          JSON.stringify({ label: ['managed-by=agentsmith-dispatcher'] }),
        );
        const list = await engineGet(
          docker,
          `/containers/json?all=true&filters=${filters}`,
          signal,
        );
        return [
          passed('Docker engine', `${engine} answers`),
          list.status === 200
            ? passed('Docker rights', `may list the agent containers through ${engine}`)
            : failed(
                'Docker rights',
                `listing agent containers was refused (${list.status}): ${messageOf(list)}`,
                'give the dispatcher the engine through the docker-gate (DOCKER_HOST=tcp://docker-gate:2375) or a socket it may use',
              ),
        ];
      },
    },
    {
      what: 'Agent image',
      unreachableFix,
      async run(signal) {
        const image = await engineGet(
          docker,
          `/images/${encodeURIComponent(docker.image)}/json`,
          signal,
        );
        if (image.status === 200) return passed('Agent image', `${docker.image} is on ${engine}`);
        if (image.status === 403) {
          return failed(
            'Agent image',
            `${engine} refused to show ${docker.image}: ${messageOf(image)}`,
            `admit it at the docker-gate (DOCKER_GATE_IMAGES, or DOCKER_GATE_EXTRA_IMAGES in .env) or set AGENTSMITH_IMAGE to an admitted image`,
          );
        }
        return failed(
          'Agent image',
          image.status === 404
            ? `${docker.image} is not on ${engine}`
            : `${engine} answered ${image.status} for ${docker.image}: ${messageOf(image)}`,
          `build it (docker compose build agent, or docker build -f deploy/Dockerfile.agent -t ${docker.image} .) or set AGENTSMITH_IMAGE to an image the engine has`,
        );
      },
    },
  ];
}
