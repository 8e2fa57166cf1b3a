import { ConfigError } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { looksLikeCredentialName } from './environment-config.js';
import { parseConfig } from './load-config.js';

function project(environment: string): string {
  return [
    'projects:',
    '  demo:',
    '    source: { type: local, path: ./demo-repo }',
    '    tickets: { type: local, path: config/tickets }',
    ...environment.split('\n').map((line) => `    ${line}`),
  ].join('\n');
}

function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, {}, 'agentsmith.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config/environment-config', () => {
  it('reads image, setup, test and env, with ${VAR} expanded', () => {
    const config = parseConfig(
      project(
        [
          'environment:',
          '  image: agentsmith:polyglot',
          "  setup: ['pip install -e .[test]', 'make deps']",
          '  test: python -m pytest -q',
          '  env: { PYTHONDONTWRITEBYTECODE: "1", DATABASE_HOST: "${DB_HOST}" }',
        ].join('\n'),
      ),
      { DB_HOST: 'db.local' },
      'agentsmith.yml',
    );

    expect(config.projects['demo']?.environment).toEqual({
      image: 'agentsmith:polyglot',
      setup: ['pip install -e .[test]', 'make deps'],
      test: 'python -m pytest -q',
      env: { PYTHONDONTWRITEBYTECODE: '1', DATABASE_HOST: 'db.local' },
    });
  });

  it('is empty when absent: the default image and detection', () => {
    const config = parseConfig(project(''), {}, 'agentsmith.yml');

    expect(config.projects['demo']?.environment).toEqual({});
  });

  it('refuses credential-like variable names and says where credentials go', () => {
    const problems = problemsOf(
      project('environment:\n  env: { NPM_TOKEN: abc, DB_PASSWORD: x, AWS_SECRET_ACCESS_KEY: y }'),
    );

    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain(
      "NPM_TOKEN looks like a credential: environment.env is for non-secret settings (it is copied into every job); pass credentials through the dispatcher's secret store instead",
    );
    expect(problems.join('\n')).toContain('DB_PASSWORD looks like a credential');
  });

  it('refuses AGENTSMITH_* names, bad names, bad images and two different test commands', () => {
    expect(problemsOf(project('environment:\n  env: { AGENTSMITH_WORKDIR: /x }')).join()).toContain(
      'AGENTSMITH_* variables configure the agent itself',
    );
    expect(problemsOf(project("environment:\n  env: { 'A-B': x }")).join()).toContain(
      'Variable names use letters, digits and "_"',
    );
    expect(problemsOf(project("environment:\n  image: 'agentsmith latest'")).join()).toContain(
      'An image reference such as agentsmith:polyglot',
    );
    expect(
      problemsOf(project('environment: { test: pytest }\ntest: { command: npm test }')).join(),
    ).toContain('environment.test and test.command name different test commands');
  });

  it.each([
    ['GITHUB_TOKEN', true],
    ['NPM_AUTH_TOKEN', true],
    ['DB_PASSWORD', true],
    ['SIGNING_KEY', true],
    ['AZURE_PAT', true],
    ['OPENAI_API_KEY', true],
    ['SESSION_COOKIE', true],
    ['PYTHONPATH', false],
    ['DATABASE_HOST', false],
    ['JAVA_TOOL_OPTIONS', false],
    ['GOFLAGS', false],
    ['KEYBOARD_LAYOUT', false],
  ])('%s looks like a credential: %s', (name, expected) => {
    expect(looksLikeCredentialName(name)).toBe(expected);
  });
});
