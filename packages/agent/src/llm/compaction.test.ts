import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { compactionTrigger, pruneToolOutputs, renderForSummary } from './compaction.js';
import { estimateTokens, RequestSizeEstimator } from './request-size.js';

const big = 'x'.repeat(1000);

function iteration(id: string, toolName: string, input: unknown, output: string): ModelMessage[] {
  return [
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: id, toolName, input }],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: id, toolName, output: { type: 'text', value: output } },
      ],
    },
  ];
}

describe('llm/compaction', () => {
  it('triggers at a share of the window unless an explicit token count is set', () => {
    const settings = {
      enabled: true,
      contextWindowTokens: 200_000,
      triggerRatio: 0.6,
      keepRecentIterations: 3,
    };
    expect(compactionTrigger(settings)).toEqual(120_000);
    expect(compactionTrigger({ ...settings, triggerTokens: 5000 })).toEqual(5000);
  });

  it('drops long tool outputs, keeps the calls and short outputs, and names dropped reads', () => {
    const iterations = [
      iteration('1', 'read_file', { path: 'src/a.ts' }, `line\n${big}`),
      iteration('2', 'run_command', { command: 'npm test' }, 'ok'),
    ];
    const result = pruneToolOutputs(iterations);

    expect(result).toEqual({ pruned: 1, readPaths: ['src/a.ts'] });
    expect(iterations[0]?.[0]).toMatchObject({ content: [{ type: 'tool-call', toolCallId: '1' }] });
    expect(iterations[0]?.[1]).toMatchObject({
      content: [
        {
          output: {
            type: 'text',
            value:
              '[output dropped to save context: read_file src/a.ts, 2 lines. Call the tool again if you need it.]',
          },
        },
      ],
    });
    expect(iterations[1]?.[1]).toMatchObject({
      content: [{ output: { type: 'text', value: 'ok' } }],
    });
    expect(pruneToolOutputs(iterations)).toEqual({ pruned: 0, readPaths: [] });
  });

  it('renders turns, calls and results (clipped) for the summary', () => {
    const text = renderForSummary('before', [
      iteration('1', 'read_file', { path: 'a' }, big + big),
    ]);
    expect(text).toContain('Earlier summary:\nbefore');
    expect(text).toContain('call read_file({"path":"a"})');
    expect(text).toContain(`result read_file: ${'x'.repeat(1500)} [...]`);
  });

  it('estimates a request from its characters, and never below the provider count plus growth', () => {
    const estimator = new RequestSizeEstimator(['system prompt']);
    const messages: ModelMessage[] = [{ role: 'user', content: big }];
    const counted = estimator.estimate(messages);
    expect(counted).toEqual(estimateTokens('system prompt') + estimateTokens(messages));

    estimator.report(50_000, 1);
    const grown: ModelMessage[] = [...messages, { role: 'user', content: 'more' }];
    expect(estimator.estimate(grown)).toEqual(50_000 + estimateTokens(grown.slice(1)));
    estimator.forget();
    expect(estimator.estimate(grown)).toBeLessThan(50_000);
  });
});
