import { describe, expect, it } from 'vitest';
import { dockerEngineProblem } from './docker-errors.js';

/** A Node system error as dockerode passes it on. */
function systemError(code: string, message = 'no matter what it says'): Error {
  return Object.assign(new Error(message), { code });
}

describe('spawners/docker-errors', () => {
  it.each([
    ['ENOENT', 'no Docker socket at /s: '],
    ['EACCES', 'permission denied on the Docker socket /s: '],
    ['ECONNREFUSED', 'cannot reach the Docker engine at /s (ECONNREFUSED)'],
  ])('calls %s unreachable, with what to do', (code, start) => {
    const problem = dockerEngineProblem(systemError(code), '/s');

    expect([problem.unreachable, problem.message.startsWith(start)]).toEqual([true, true]);
  });

  it('goes by the error code, not the words of the message', () => {
    const answered = Object.assign(new Error('cannot reach: no Docker socket (permission)'), {
      statusCode: 500,
    });

    expect(dockerEngineProblem(answered, '/s')).toEqual({
      unreachable: false,
      message:
        'Docker engine at /s answered with an error: cannot reach: no Docker socket (permission)',
    });
  });
});
