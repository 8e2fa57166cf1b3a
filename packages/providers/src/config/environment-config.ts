import { z } from 'zod';

const CREDENTIAL_WORDS =
  /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_KEY|API_?KEY|ACCESS_KEY|CREDENTIAL|AUTH|COOKIE|SESSION)/;

/**
 * True when a variable name looks like it carries a credential (`NPM_TOKEN`, `DB_PASSWORD`,
 * `AWS_SECRET_ACCESS_KEY`, `*_KEY`, `*_PAT`). Such values belong in the secret store, never in a
 * file that is copied into every job and shown to the model's commands.
 */
export function looksLikeCredentialName(name: string): boolean {
  const upper = name.toUpperCase();
  return CREDENTIAL_WORDS.test(upper) || /(_KEY|_PAT|_PASS)$/.test(upper);
}

/** Why a variable name cannot be set per project, or undefined when it can. */
function variableNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    return `${name}: Variable names use letters, digits and "_"`;
  if (looksLikeCredentialName(name)) {
    return `${name} looks like a credential: environment.env is for non-secret settings (it is copied into every job); pass credentials through the dispatcher's secret store instead`;
  }
  if (name.toUpperCase().startsWith('AGENTSMITH_')) {
    return `${name}: AGENTSMITH_* variables configure the agent itself and cannot be set per project`;
  }
  return undefined;
}

const Variables = z.record(z.string(), z.string()).superRefine((variables, context) => {
  for (const name of Object.keys(variables)) {
    const problem = variableNameProblem(name);
    if (problem) context.addIssue({ code: 'custom', message: problem, path: [name] });
  }
});

const ImageReference = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/,
    'An image reference such as agentsmith:polyglot or registry.example.com/team/agent:1.2',
  );

/**
 * `projects.<name>.environment`: where and how a project is built and tested. All keys are
 * optional; without them the agent runs in `agentsmith:latest` and detects install and test
 * commands from the repository (docs/agent.md).
 */
export const EnvironmentConfig = z.object({
  /** The container image the spawner runs this project's jobs in. */
  image: ImageReference.optional().describe(
    "Container image of this project's jobs (default: the dispatcher's AGENTSMITH_IMAGE, agentsmith:latest; agentsmith:polyglot has Python, Go, Rust and Java)",
  ),
  /** Shell commands run in the working copy after checkout, before the coding loop. */
  setup: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Commands run in order after checkout and before the coding loop, e.g. "pip install -e .[test]"; replaces the detected install command; a failure ends the job',
    ),
  /** The test command; replaces detection. */
  test: z
    .string()
    .min(1)
    .optional()
    .describe('Test command; detected from the repository when absent'),
  /** Non-secret variables for the setup and test commands. */
  env: Variables.optional().describe(
    'Non-secret variables for the setup and test commands (credential-like names are refused)',
  ),
});
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;
