import { ContractError } from '@agentsmith/contracts';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { isNetworkFailure, toAppError } from './to-app-error.js';

describe('kit/errors/to-app-error', () => {
  it('keeps the code of a contract error', () => {
    const error = toAppError(new ContractError('protocol_version_unsupported', 'v1 met v2'));

    expect(error).toMatchObject({ code: 'protocol_version_unsupported', retryable: false });
  });

  it('takes only the codes of the contracts union', () => {
    // @ts-expect-error a code missing from contracts/src/error-codes.ts does not compile
    const made = new AppError('made_up_code', 'x');

    expect(made.code).toBe('made_up_code');
  });

  it.each`
    case                            | error                                                                 | network
    ${'fetch failed, ECONNREFUSED'} | ${new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })} | ${true}
    ${'fetch failed, no cause'}     | ${new TypeError('fetch failed')}                                      | ${true}
    ${'a socket error'}             | ${Object.assign(new Error('reset'), { code: 'ECONNRESET' })}          | ${true}
    ${'a wrapped undici error'}     | ${new Error('x', { cause: { code: 'UND_ERR_SOCKET' } })}              | ${true}
    ${'a programming TypeError'}    | ${new TypeError('x is not a function')}                               | ${false}
    ${'an unrelated error code'}    | ${Object.assign(new Error('no file'), { code: 'ENOENT' })}            | ${false}
  `('$case is a network failure: $network', ({ error, network }) => {
    expect(isNetworkFailure(error)).toBe(network);
  });
});
