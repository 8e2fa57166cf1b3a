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

/**
 * The scripted LLM session that fixes {@link BUGGY_SUM_FILES}: the coding loop edits the bug away
 * and finishes (the finish gate runs the tests, which pass).
 */
export function fixingSumTurns(): FakeLlmTurn[] {
  return [
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

/** The same session with `approval: required`: the loop submits its plan before editing. */
export function fixingSumTurnsWithPlan(): FakeLlmTurn[] {
  return [
    {
      toolCalls: [
        { name: 'submit_plan', input: { plan: '1. Remove the stray + 1 in src/sum.js:2' } },
      ],
    },
    ...fixingSumTurns(),
  ];
}
