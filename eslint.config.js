// Lint rules, including the dependency boundaries of docs/architecture.md:
// packages never reach into each other's internals, agent and dispatcher never import each
// other, testkit stays out of production code, and heavy SDKs stay inside their adapters.
import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { dirname, relative, resolve, sep } from 'node:path';

const productionSources = ['packages/*/src/**/*.ts'];
const testFiles = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.ts',
  'packages/testkit/src/**',
];

/** Modules that may be imported only from the folders named. */
const confinedModules = [
  {
    name: 'dockerode',
    allowedIn: ['packages/dispatcher/src/spawners/docker/**', 'packages/testkit/src/**'],
  },
  {
    name: '@kubernetes/client-node',
    allowedIn: ['packages/dispatcher/src/spawners/kubernetes/**'],
  },
  { name: '@slack/bolt', allowedIn: ['packages/dispatcher/src/slack/**'] },
  { name: '@slack/web-api', allowedIn: ['packages/dispatcher/src/slack/**'] },
  {
    name: 'ioredis',
    allowedIn: [
      'packages/agent/src/progress/**',
      'packages/agent/src/server/redis-*',
      'packages/dispatcher/src/redis/**',
      'packages/dispatcher/src/conversations/redis-*',
      'packages/dispatcher/src/jobs/redis-*',
      'packages/dispatcher/src/relay/**',
      'packages/dispatcher/src/jobs-page/redis-*',
      'packages/dispatcher/src/jobs-page/start-jobs-page.ts',
      'packages/dispatcher/src/broker/redis-*',
      'packages/dispatcher/src/broker/job-credentials.ts',
      'packages/testkit/src/**',
    ],
  },
];

const packageBoundaries = [
  {
    group: ['@agentsmith/*/src/*', '@agentsmith/*/dist/*'],
    message: 'Import a workspace package through its public entry point.',
  },
  {
    group: ['../../*/src/*', '../../../*/src/*'],
    message: 'Do not reach into another package by relative path.',
  },
];

/** Turns a folder glob (`*`, `**`) into a RegExp over repository-relative paths. */
function globToRegExp(glob) {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .split('**')
    .map((part) => part.replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${pattern}$`);
}

const confinedModulesRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = relative(import.meta.dirname, context.filename)
      .split(sep)
      .join('/');
    return {
      ImportDeclaration(node) {
        const rule = confinedModules.find(({ name }) => node.source.value === name);
        if (rule && !rule.allowedIn.some((glob) => globToRegExp(glob).test(file))) {
          context.report({
            node,
            message: `${rule.name} may be imported only in ${rule.allowedIn.join(', ')}.`,
          });
        }
      },
    };
  },
};

/**
 * Directions inside the dispatcher (docs/architecture.md): what each folder of
 * packages/dispatcher/src may import besides itself — folders, or single files (ports). The
 * composition root (`main.ts`, `dispatcher.ts`, `index.ts`) may import anything; no folder imports
 * it. The longest matching folder applies, so the engines of `spawners/` stay apart.
 */
const dispatcherDirections = {
  config: [],
  intents: [],
  server: [],
  conversations: [],
  projects: ['jobs/project-catalog.ts'],
  redis: ['slack/slack-handlers.ts'],
  jobs: [
    'intents',
    'conversations/conversation-state-manager.ts',
    'spawners/job-spawner.ts',
    'server/metrics.ts',
  ],
  supervision: ['jobs', 'conversations/conversation-state-manager.ts', 'spawners/job-spawner.ts'],
  relay: ['jobs', 'server/metrics.ts'],
  'jobs-page': ['jobs'],
  terminal: ['jobs', 'slack/message-blocks.ts', 'slack/block-kit.ts'],
  slack: ['jobs', 'config/dispatcher-config.ts', 'server/metrics.ts'],
  broker: ['config', 'jobs/job-credential-issuer.ts', 'jobs/job-budget.ts'],
  spawners: ['config'],
  doctor: [
    'config',
    'broker/upstreams.ts',
    'broker/local-git-backend.ts',
    'redis/redis-access-check.ts',
    'spawners/kubernetes/kubernetes-access-review.ts',
  ],
  'spawners/docker': ['config', 'spawners/job-spawner.ts', 'spawners/job-exit-description.ts'],
  'spawners/kubernetes': ['config', 'spawners/job-spawner.ts', 'spawners/job-exit-description.ts'],
};

const dispatcherSources = 'packages/dispatcher/src/';

function within(path, folderOrFile) {
  return path === folderOrFile || path.startsWith(`${folderOrFile}/`);
}

const dispatcherDirectionsRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = relative(import.meta.dirname, context.filename)
      .split(sep)
      .join('/');
    if (!file.startsWith(dispatcherSources)) return {};
    const importer = file.slice(dispatcherSources.length);
    if (!importer.includes('/')) return {};
    const folder = Object.keys(dispatcherDirections)
      .filter((candidate) => within(importer, candidate))
      .sort((a, b) => b.length - a.length)[0];
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      if (!folder) {
        context.report({
          node,
          message: `${importer.split('/')[0]}/ has no direction in dispatcherDirections (eslint.config.js): add what it may import.`,
        });
        return;
      }
      const target = relative(
        resolve(import.meta.dirname, dispatcherSources),
        resolve(dirname(context.filename), source),
      )
        .split(sep)
        .join('/')
        .replace(/\.js$/, '.ts');
      if (target.startsWith('..') || within(target, folder)) return;
      const allowed = dispatcherDirections[folder];
      if (allowed.some((entry) => within(target, entry))) return;
      const may = allowed.length > 0 ? allowed.join(', ') : 'nothing outside itself';
      context.report({
        node,
        message: `${folder}/ may not import ${target}: it may import ${may} (docs/architecture.md).`,
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const dispatcherBoundary = {
  files: ['packages/dispatcher/src/**/*.ts'],
  forbidden: ['agent', 'testkit', 'docker-gate'],
  message:
    'The dispatcher meets the agent only through @agentsmith/contracts and the docker-gate only over HTTP; testkit is for tests.',
};

/** Which workspace packages each package's production code must not import. */
const workspaceBoundaries = [
  {
    files: ['packages/contracts/src/**/*.ts'],
    forbidden: ['kit', 'providers', 'agent', 'dispatcher', 'testkit', 'docker-gate'],
    message: 'contracts is a leaf: it imports no workspace package.',
  },
  {
    files: ['packages/kit/src/**/*.ts'],
    forbidden: ['providers', 'agent', 'dispatcher', 'testkit', 'docker-gate'],
    message: 'kit is infrastructure: it imports only contracts (for the error codes).',
  },
  {
    files: ['packages/providers/src/**/*.ts'],
    forbidden: ['agent', 'dispatcher', 'testkit', 'docker-gate'],
    message: 'providers is shared by agent and dispatcher: it imports only contracts and kit.',
  },
  {
    files: ['packages/agent/src/**/*.ts'],
    forbidden: ['dispatcher', 'testkit', 'docker-gate'],
    message:
      'The agent meets the dispatcher only through @agentsmith/contracts; testkit is for tests.',
  },
  dispatcherBoundary,
  {
    files: ['packages/docker-gate/src/**/*.ts'],
    forbidden: ['contracts', 'providers', 'agent', 'dispatcher', 'testkit'],
    message:
      'docker-gate holds the Docker socket: it stays small and depends on kit only (docs/security.md).',
  },
];

function restrictWorkspaceImports({ files, forbidden, message, paths = [] }) {
  const group = forbidden.map((name) => `@agentsmith/${name}`);
  return {
    files,
    ignores: testFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...packageBoundaries, { group, message }], paths },
      ],
    },
  };
}

export default tseslint.config(
  // The demo's sample project (packages/agent/demo) is data the agent fixes, bug included.
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'test-results/**',
      'packages/agent/demo/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-default-export': 'error',
      'import-x/no-cycle': 'error',
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: packageBoundaries }],
    },
  },
  {
    files: [
      '*.js',
      '*.mjs',
      'scripts/**',
      'eslint.config.js',
      'vitest.config.ts',
      'packages/*/fixtures/**',
      'bench/**',
    ],
    ...tseslint.configs.disableTypeChecked,
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      'no-console': 'off',
      'import-x/no-default-export': 'off',
    },
  },
  // agent ✗ dispatcher, dispatcher ✗ agent, contracts is a leaf, kit imports only contracts,
  // production code ✗ testkit.
  ...workspaceBoundaries.map(restrictWorkspaceImports),
  // The environment is read in one place per deployable and passed down as values.
  {
    files: productionSources,
    ignores: [...testFiles, 'packages/*/src/**/config/**', 'packages/*/src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment in config/ or main.ts and pass the values down.',
        },
      ],
    },
  },
  // Heavy SDKs stay inside their adapters; the dispatcher's folders keep their directions.
  {
    files: productionSources,
    ignores: testFiles,
    plugins: {
      boundaries: {
        rules: {
          'confined-modules': confinedModulesRule,
          'dispatcher-directions': dispatcherDirectionsRule,
        },
      },
    },
    rules: {
      'boundaries/confined-modules': 'error',
      'boundaries/dispatcher-directions': 'error',
    },
  },
  // The intent parser is pure: no I/O (on top of the dispatcher's own boundaries).
  restrictWorkspaceImports({
    ...dispatcherBoundary,
    files: ['packages/dispatcher/src/intents/**/*.ts'],
    paths: [
      'ioredis',
      'dockerode',
      '@slack/bolt',
      'node:fs',
      'node:fs/promises',
      'node:child_process',
      'node:net',
      'node:http',
    ].map((name) => ({ name, message: 'intents/ is pure: no I/O.' })),
  }),
  {
    files: testFiles,
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
