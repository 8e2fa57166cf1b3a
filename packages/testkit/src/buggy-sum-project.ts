import type { FakeLlmTurn } from './fake-llm-api.js';

/** A small node project with a bug (sum adds one too many) and a test that catches it. */
export const BUGGY_SUM_FILES: Record<string, string> = {
  'package.json': JSON.stringify(
    { name: 'demo', version: '1.0.0', scripts: { test: 'node test.js' } },
    null,
    2,
  ),
  'src/sum.js': 'export function sum(a, b) {\n  return a + b + 1;\n}\n',
  'test.js':
    "import { sum } from './src/sum.js';\nif (sum(2, 2) !== 4) {\n  console.error(`FAIL sum(2, 2) = ${sum(2, 2)}, expected 4`);\n  process.exit(1);\n}\nconsole.log('ok');\n",
};

/** The scripted LLM session that fixes {@link BUGGY_SUM_FILES}: scout analysis, plan, edit, finish. */
export function fixingSumTurns(): FakeLlmTurn[] {
  return [
    { text: 'A node project; src/sum.js computes the sum and test.js checks it.' },
    {
      object: {
        summary: 'sum adds a stray 1',
        steps: ['Remove the + 1 in src/sum.js'],
        filesToTouch: ['src/sum.js'],
      },
    },
    {
      toolCalls: [
        {
          name: 'edit_file',
          input: { path: 'src/sum.js', old_text: 'a + b + 1', new_text: 'a + b' },
        },
      ],
    },
    { toolCalls: [{ name: 'finish', input: { summary: 'Removed the stray + 1 in sum' } }] },
  ];
}
