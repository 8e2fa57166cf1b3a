import { access } from 'node:fs/promises';
import { delimiter, extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runProcess } from '../../process/run-process.js';

/** What a syntax check found; `checker` names the tool for the model (`node --check`, `py ast`). */
export interface SyntaxCheck {
  checker: string;
  ok: boolean;
  /** The checker's first lines of complaint. */
  message: string;
}

const CHECK_TIMEOUT_MS = 15_000;
const MESSAGE_LINES = 6;

/** Strips TypeScript types in a child (the API prints an experimental warning) and reports parse errors. */
const STRIP_TYPES_SCRIPT = [
  "const { readFileSync } = require('node:fs');",
  "const { stripTypeScriptTypes } = require('node:module');",
  'try { stripTypeScriptTypes(readFileSync(process.argv[1], "utf8")); }',
  'catch (error) { if (error.code === "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX") process.exit(0);',
  '  console.error(error.message); process.exit(1); }',
].join('\n');

const PYTHON_PARSE = 'import ast, sys; ast.parse(open(sys.argv[1], "rb").read(), sys.argv[1])';

type Checker = (
  path: string,
  text: string,
  env: NodeJS.ProcessEnv,
) => Promise<SyntaxCheck | undefined>;

const CHECKERS: Record<string, Checker> = {
  '.json': (_path, text) => Promise.resolve(inProcess('JSON.parse', () => JSON.parse(text))),
  '.yml': (_path, text) => Promise.resolve(yamlCheck(text)),
  '.yaml': (_path, text) => Promise.resolve(yamlCheck(text)),
  '.js': (path, _text, env) => command('node --check', process.execPath, ['--check', path], env),
  '.mjs': (path, _text, env) => command('node --check', process.execPath, ['--check', path], env),
  '.cjs': (path, _text, env) => command('node --check', process.execPath, ['--check', path], env),
  '.ts': (path, _text, env) =>
    command('TypeScript parse', process.execPath, ['-e', STRIP_TYPES_SCRIPT, path], env),
  '.mts': (path, _text, env) =>
    command('TypeScript parse', process.execPath, ['-e', STRIP_TYPES_SCRIPT, path], env),
  '.py': async (path, _text, env) =>
    (await onPath('python3', env))
      ? command('python ast.parse', 'python3', ['-c', PYTHON_PARSE, path], env)
      : undefined,
  '.go': async (path, _text, env) =>
    (await onPath('gofmt', env))
      ? command('gofmt -e', 'gofmt', ['-e', '-l', path], env)
      : undefined,
  '.sh': (path, _text, env) => command('bash -n', 'bash', ['-n', path], env),
};

/**
 * A cheap syntax check of a file just written, by its extension: JSON and YAML in process,
 * JavaScript with `node --check`, TypeScript by stripping its types, Python with `ast.parse`, Go
 * with `gofmt -e`, shell with `bash -n`. Undefined when there is no checker for the language or
 * the checker is not installed: an edit never fails only because a checker is missing.
 */
export async function checkSyntax(
  absolutePath: string,
  text: string,
  env: NodeJS.ProcessEnv,
): Promise<SyntaxCheck | undefined> {
  const checker = CHECKERS[extname(absolutePath).toLowerCase()];
  if (!checker) return undefined;
  try {
    return await checker(absolutePath, text, env);
  } catch {
    return undefined;
  }
}

function inProcess(checker: string, parse: () => unknown): SyntaxCheck {
  try {
    parse();
    return { checker, ok: true, message: '' };
  } catch (error) {
    return { checker, ok: false, message: (error as Error).message };
  }
}

function yamlCheck(text: string): SyntaxCheck {
  const errors = parseAllDocuments(text).flatMap((document) =>
    'errors' in document ? document.errors : [],
  );
  return {
    checker: 'YAML parse',
    ok: errors.length === 0,
    message: errors.map((error) => error.message).join('\n'),
  };
}

async function command(
  checker: string,
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<SyntaxCheck | undefined> {
  const result = await runProcess(program, args, {
    cwd: '/',
    timeoutMs: CHECK_TIMEOUT_MS,
    env,
    maxOutputBytes: 8 * 1024,
  }).catch(() => undefined);
  if (!result || result.timedOut) return undefined;
  const message = result.output.trim().split('\n').slice(0, MESSAGE_LINES).join('\n');
  return { checker, ok: result.exitCode === 0, message };
}

async function onPath(program: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const directory of (env['PATH'] ?? '').split(delimiter)) {
    if (!directory) continue;
    try {
      await access(join(directory, program));
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}
