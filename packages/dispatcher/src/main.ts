import { ConfigError, createLogger, secretValuesFromEnv, SecretSanitizer } from '@agentsmith/kit';
import { hostname } from 'node:os';
import { loadConfig } from '@agentsmith/providers';
import { loadBrokerConfig } from './broker/broker-config.js';
import { loadDispatcherConfig } from './config/dispatcher-config.js';
import { withRedisPassword } from './redis/redis-auth.js';
import { createProjectCatalog } from './config/load-project-catalog.js';
import { startDispatcher } from './dispatcher.js';
import { createSpawner } from './spawners/create-spawner.js';
import { registerBuiltInSpawners } from './spawners/register-spawners.js';

const SHUTDOWN_FORCE_MS = 25_000;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const env = process.env;
// Secrets are redacted from the first line on, including start-up failures.
const logger = createLogger({
  name: 'dispatcher',
  level: LEVELS.find((level) => level === env['LOG_LEVEL']?.trim().toLowerCase()) ?? 'info',
  sanitizer: new SecretSanitizer(secretValuesFromEnv(env)),
});

async function main(): Promise<void> {
  let config;
  let brokerConfig;
  try {
    config = loadDispatcherConfig(env, hostname());
    config.redisUrl = withRedisPassword(config.redisUrl, env['REDIS_PASSWORD']);
    brokerConfig = loadBrokerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error({ problems: error.problems }, error.message);
      process.exit(2);
    }
    throw error;
  }
  const projects = createProjectCatalog(
    config.configPath,
    env,
    logger.child({ component: 'projects' }),
  );
  registerBuiltInSpawners();
  const spawner = await createSpawner(config.spawnerType, {
    env,
    logger: logger.child({ component: 'spawner' }),
    image: config.agentImage,
    jobMaxDurationMs: config.jobMaxDurationMs,
  });
  const configPath = config.configPath;
  const broker = {
    config: brokerConfig,
    loadProject: async (name: string) => (await loadConfig(configPath, env)).projects[name],
  };
  const dispatcher = await startDispatcher(config, { logger, spawner, projects, broker });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down');
    setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_FORCE_MS).unref();
    dispatcher.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('unhandledRejection', (error) => logger.error({ err: error }, 'Unhandled rejection'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    logger.error({ problems: error.problems }, error.message);
    process.exit(2);
  }
  logger.error({ err: error }, 'Dispatcher failed to start');
  process.exit(1);
});
