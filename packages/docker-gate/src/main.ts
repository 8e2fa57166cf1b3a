import { ConfigError, createLogger } from '@agentsmith/kit';
import { gateConfigFromEnv } from './config/gate-config.js';
import { startDockerGate } from './server/gate-server.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const env = process.env;
const logger = createLogger({
  name: 'docker-gate',
  level: LEVELS.find((level) => level === env['LOG_LEVEL']?.trim().toLowerCase()) ?? 'info',
});

async function main(): Promise<void> {
  let config;
  try {
    config = gateConfigFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error({ problems: error.problems }, error.message);
      process.exit(2);
    }
    throw error;
  }
  const gate = await startDockerGate({ ...config, logger });
  logger.info(
    { port: gate.port, images: config.policy.images, network: config.policy.network },
    'docker-gate listening',
  );
  const stop = (): void => {
    void gate.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'docker-gate failed to start');
  process.exit(1);
});
