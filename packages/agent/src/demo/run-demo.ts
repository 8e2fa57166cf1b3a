import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES, type ExitCode } from '@agentsmith/contracts';
import { toAppError } from '@agentsmith/kit';
import {
  runTicketCommand,
  type TicketCommandEnvironment,
} from '../composition/run-ticket-command.js';
import { runProcess } from '../process/run-process.js';
import { demoBundle, DEMO_RUN, type DemoBundle } from './demo-bundle.js';
import { prepareDemo } from './prepare-demo.js';

const FIX_BRANCH = `fix/${DEMO_RUN.ticketId}`;

/**
 * `agentsmith demo`: the same run as `agentsmith "fix #1 in demo"`, on a sample repository created
 * fresh in a temporary folder, with the model's answers replayed from the bundled recording — no
 * account, no API key, no network. Every line it prints says it is a replay.
 */
export async function runDemo(
  environment: TicketCommandEnvironment & { verbose: boolean },
  bundle: DemoBundle = demoBundle(),
): Promise<ExitCode> {
  const { print, printError } = environment;
  const started = Date.now();
  print('Agent Smith demo: a REPLAY. The model’s answers come from a recorded session; no model,');
  print('account or network is used. Everything else is real: ticket, git, tools, tests, commit.');
  let workspace;
  try {
    workspace = await prepareDemo(
      bundle,
      await mkdtemp(join(tmpdir(), 'agentsmith-demo-')),
      environment.env,
    );
  } catch (error) {
    printError(`[replay] The demo could not start: ${toAppError(error).message}`);
    return EXIT_CODES.failed;
  }
  print(`[replay] Sample repository: ${workspace.repository} (branch main, one failing test)`);
  print(`[replay] Ticket #${DEMO_RUN.ticketId}: ${join(workspace.tickets, '1-add-subtracts.md')}`);
  print(`[replay] Running: agentsmith --replay ${bundle.recording} "fix #1 in demo"\n`);

  const exitCode = await runTicketCommand(
    {
      input: `fix #${DEMO_RUN.ticketId} in ${DEMO_RUN.project}`,
      configPath: workspace.configPath,
      dryRun: false,
      headless: true,
      job: undefined,
      verbose: environment.verbose,
      session: { mode: 'replay', file: bundle.recording },
    },
    { ...environment, env: { ...environment.env, AGENTSMITH_WORKDIR: workspace.workdir } },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (exitCode !== EXIT_CODES.success || !(await branchExists(workspace.repository))) {
    printError(`\n[replay] The demo did not end with a fix (exit ${exitCode}); see above.`);
    return exitCode === EXIT_CODES.success ? EXIT_CODES.failed : exitCode;
  }
  print(`\n[replay] Done in ${seconds} s: ticket #${DEMO_RUN.ticketId} is fixed and tested on`);
  print(`[replay] branch ${FIX_BRANCH} of ${workspace.repository}. Look at it:`);
  print(`  git -C ${workspace.repository} log -p ${FIX_BRANCH}`);
  print(
    `  git -C ${workspace.repository} switch ${FIX_BRANCH} && npm --prefix ${workspace.repository} test`,
  );
  print(
    '[replay] For real work: README.md, "Run it with Docker Compose" (Slack), or docs/agent.md.',
  );
  return EXIT_CODES.success;
}

async function branchExists(repository: string): Promise<boolean> {
  const result = await runProcess('git', ['rev-parse', '--verify', '--quiet', FIX_BRANCH], {
    cwd: repository,
    timeoutMs: 30_000,
  });
  return result.exitCode === 0;
}
