import { ConfigError, createLogger, secretValuesFromEnv, SecretSanitizer } from '@agentsmith/kit';
import { hostname } from 'node:os';
import { loadConfig } from '@agentsmith/providers';
import { loadDispatcherConfig, type DispatcherConfig } from './config/dispatcher-config.js';
import { startDispatcher } from './dispatcher.js';
import { createProjectCatalog } from './projects/load-project-catalog.js';
import { createSpawner } from './spawners/create-spawner.js';

const SHUTDOWN_FORCE_MS = 25_000;

const env = process.env;
// Secrets are redacted from the first line on, including start-up failures.
const sanitizer = new SecretSanitizer(secretValuesFromEnv(env));

function loadConfigOrExit(): DispatcherConfig {
  try {
    return loadDispatcherConfig(env, hostname());
  } catch (error) {
    const logger = createLogger({ name: 'dispatcher', level: 'info', sanitizer });
    if (error instanceof ConfigError) {
      logger.error({ problems: error.problems }, error.message);
      process.exit(2);
    }
    throw error;
  }
}

if (process.argv[2] === 'doctor') {
  // Loaded only here: the service never pays for doctor's imports.
  const { runDispatcherDoctor } = await import('./doctor/run-doctor.js');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const sanitize = (text: string) => sanitizer.sanitize(text);
  process.exit(await runDispatcherDoctor(process.argv.slice(3), env, { print, sanitize }));
}

if (process.argv[2] === 'demo') {
  // Loaded only here, like doctor: the terminal chat and the sample are the demo's alone.
  const { runDispatcherDemo } = await import('./demo.js');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  process.exit(await runDispatcherDemo(env, { print }));
}

const config = loadConfigOrExit();
const logger = createLogger({ name: 'dispatcher', level: config.logLevel, sanitizer });

async function main(): Promise<void> {
  const projects = createProjectCatalog(
    config.configPath,
    env,
    logger.child({ component: 'projects' }),
  );
  const spawner = await createSpawner(config, logger.child({ component: 'spawner' }));
  const configPath = config.configPath;
  const broker = {
    config: config.broker,
    loadProject: async (name: string) => (await loadConfig(configPath, env)).projects[name],
  };
  const dispatcher = await startDispatcher(config, {
    logger,
    spawner,
    projects,
    broker,
    sanitizer,
  });

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
  logger.error({ err: error }, 'Dispatcher failed to start');
  process.exit(1);
});
