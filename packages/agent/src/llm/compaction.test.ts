import { describe, expect, it } from 'vitest';
import { renderForSummary, shouldCompact, type CompactionSettings } from './compaction.js';

const settings: CompactionSettings = {
  enabled: true,
  thresholdIterations: 4,
  maxContextTokens: 1000,
  keepRecentIterations: 2,
};

describe('llm/compaction', () => {
  it.each`
    held | tokens  | enabled  | expected
    ${4} | ${100}  | ${true}  | ${false}
    ${5} | ${100}  | ${true}  | ${true}
    ${3} | ${1001} | ${true}  | ${true}
    ${2} | ${5000} | ${true}  | ${false}
    ${9} | ${5000} | ${false} | ${false}
  `(
    'with $held iterations and $tokens tokens (enabled: $enabled) → $expected',
    ({ held, tokens, enabled, expected }) => {
      expect(
        shouldCompact(
          { ...settings, enabled: enabled as boolean },
          held as number,
          tokens as number,
        ),
      ).toBe(expected);
    },
  );

  it('renders turns, tool calls and results for the summarizer', () => {
    const text = renderForSummary('before', [
      [
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: '1', toolName: 'read_file', input: { path: 'a' } },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: '1',
              toolName: 'read_file',
              output: { type: 'text', value: 'body' },
            },
          ],
        },
      ],
    ]);

    expect(text).toEqual(
      'Earlier summary:\nbefore\n\n--- turn 1\ncall read_file({"path":"a"})\nresult read_file: body',
    );
  });
});
