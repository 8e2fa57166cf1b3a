import { access, constants } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { failed, passed, type CheckResult } from '@agentsmith/kit';
import type { ProjectConfig } from '@agentsmith/providers';
import { detectTestCommand } from '../test-runner/detect-test-command.js';

/** Words that start a shell segment without naming a program to install. */
const SHELL_WORDS = new Set([
  'cd',
  'export',
  'set',
  'source',
  '.',
  'true',
  'false',
  'echo',
  'exec',
  'env',
]);

/**
 * The programs a command line starts, segment by segment (`&&`, `||`, `;`, `|`): the first word
 * that is not a `NAME=value` assignment or a shell built-in. Paths inside the repository
 * (`./gradlew`, `bin/test`) are left out: they come with the clone.
 */
export function programsOf(commandLine: string): string[] {
  const programs: string[] = [];
  for (const segment of commandLine.split(/&&|\|\||;|\|/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    const program = words.find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    if (!program || SHELL_WORDS.has(program) || program.includes('/')) continue;
    if (!programs.includes(program)) programs.push(program);
  }
  return programs;
}

async function onPath(program: string, path: string): Promise<boolean> {
  for (const folder of path.split(delimiter).filter(Boolean)) {
    try {
      await access(join(folder, program), constants.X_OK);
      return true;
    } catch {
      // next folder
    }
  }
  return false;
}

/** The project's setup and test commands: configured, or detected from a local source's files. */
async function commandsOf(
  project: ProjectConfig,
  baseDir: string,
): Promise<{ commands: string[]; origin: string } | undefined> {
  const test = project.environment.test ?? project.test.command;
  if (test) return { commands: [...(project.environment.setup ?? []), test], origin: 'configured' };
  if (project.source.type !== 'local') return undefined;
  const detected = await detectTestCommand(resolve(baseDir, project.source.path));
  return detected
    ? { commands: [...detected.install, detected.command], origin: `detected: ${detected.reason}` }
    : undefined;
}

/** Every program the project's setup and test commands start is installed here. */
export async function checkTestToolchain(
  what: string,
  project: ProjectConfig,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): Promise<CheckResult> {
  const found = await commandsOf(project, baseDir);
  if (!found) {
    return passed(
      what,
      'no test command configured: it is detected from the repository once cloned',
    );
  }
  const programs = [...new Set(found.commands.flatMap(programsOf))];
  const missing: string[] = [];
  for (const program of programs) {
    if (!(await onPath(program, env['PATH'] ?? ''))) missing.push(program);
  }
  if (missing.length > 0) {
    return failed(
      what,
      `${missing.join(', ')} not found on PATH (${found.origin}: ${found.commands.join(' && ')})`,
      `install ${missing.join(', ')}, or run the project in its container image (environment.image)`,
    );
  }
  return passed(what, `${programs.join(', ') || 'nothing to install'} found (${found.origin})`);
}
