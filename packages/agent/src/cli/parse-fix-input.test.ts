import { describe, expect, it } from 'vitest';
import { parseFixInput } from './parse-fix-input.js';

describe('cli/parse-fix-input', () => {
  it.each`
    input                                    | ticketId     | project
    ${'fix #58 in my-project'}               | ${'58'}      | ${'my-project'}
    ${'fix 58 in my-project'}                | ${'58'}      | ${'my-project'}
    ${'fix PROJ-58 in my-project'}           | ${'PROJ-58'} | ${'my-project'}
    ${'#58 my-project'}                      | ${'58'}      | ${'my-project'}
    ${'my-project #58'}                      | ${'58'}      | ${'my-project'}
    ${'resolve ticket #42 in api-v2'}        | ${'42'}      | ${'api-v2'}
    ${'fix #7 in app2'}                      | ${'7'}       | ${'app2'}
    ${'fix #7 in v2-api'}                    | ${'7'}       | ${'v2-api'}
    ${'Fix Ticket #123 in Agent-Smith-Test'} | ${'123'}     | ${'Agent-Smith-Test'}
    ${'@agentsmith fix #9 in demo'}          | ${'9'}       | ${'demo'}
    ${'  fix   #1   in   demo  '}            | ${'1'}       | ${'demo'}
    ${'fix issue ABC_1-2 in tools'}          | ${'ABC_1-2'} | ${'tools'}
  `('reads "$input" as ticket $ticketId in $project', ({ input, ticketId, project }) => {
    const intent = parseFixInput(input as string);

    expect(intent).toEqual({ ticketId, project });
  });

  it.each`
    input                 | problem
    ${''}                 | ${/the input is empty/}
    ${'fix the bug in x'} | ${/no ticket number/}
    ${'fix #58'}          | ${/no project name/}
    ${'fix #58 in'}       | ${/no project name/}
  `('rejects "$input"', ({ input, problem }) => {
    const attempt = () => parseFixInput(input as string);

    expect(attempt).toThrow(problem as RegExp);
    expect(attempt).toThrow(expect.objectContaining({ code: 'usage_invalid_input' }));
  });
});
