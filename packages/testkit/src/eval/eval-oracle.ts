import type { FakeLlmTurn } from '../fake-llm-api.js';
import type { EvalTask } from './eval-tasks.js';

/** Finish attempts the oracle makes, in case the finish gate sends it back. */
const FINISH_ATTEMPTS = 3;

/**
 * The oracle model: a scripted session that solves `task` through the real tools the way a good
 * model would (search, read, edit, run the tests, finish). `wrong` applies a deliberately wrong
 * edit instead, so that grading can be checked to fail it.
 */
export function oracleTurns(task: EvalTask, wrong = false): FakeLlmTurn[] {
  const edit = wrong ? task.wrongFix : task.fix;
  const finish: FakeLlmTurn = {
    toolCalls: [
      {
        name: 'finish',
        input: { summary: `Fixed ${task.functionName} in ${edit.path}.` },
      },
    ],
  };
  return [
    { toolCalls: [{ name: 'search_files', input: { pattern: task.functionName } }] },
    { toolCalls: [{ name: 'read_file', input: { path: edit.path } }] },
    {
      toolCalls: [
        {
          name: 'edit_file',
          input: { path: edit.path, old_text: edit.oldText, new_text: edit.newText },
        },
      ],
    },
    { toolCalls: [{ name: 'run_command', input: { command: task.testCommand } }] },
    ...Array.from({ length: FINISH_ATTEMPTS }, () => finish),
  ];
}
