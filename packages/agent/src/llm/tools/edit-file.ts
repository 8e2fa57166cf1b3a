import { z } from 'zod';
import { defineTool, type ToolContext, type ToolOutput } from './define-tool.js';
import { checkSyntax } from './syntax-check.js';
import { closestMatch, lineAt, matchLines, numberedRegion } from './text-match.js';

/** `edit_file`: replace one exact, unique piece of text. */
export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace an exact piece of text in a file. old_text must occur exactly once (include enough ' +
    'surrounding lines to make it unique), unless replace_all is true; copy it from read_file ' +
    'without the line numbers, whitespace included. The answer shows the edited region with line ' +
    'numbers and a syntax check of the file.',
  input: z.object({
    path: z.string().min(1),
    old_text: z.string().min(1),
    new_text: z.string(),
    replace_all: z.boolean().optional(),
  }),
  async execute(input, context) {
    const { workspace, readCache } = context;
    const { absolute, text } = await workspace.readText(input.path);
    const display = workspace.display(absolute);
    const refusal = planRefusal(context);
    if (refusal) return refusal;
    const lines = matchLines(text, input.old_text);
    if (lines.length === 0) return notFound(display, text, input.old_text);
    if (lines.length > 1 && input.replace_all !== true) {
      return {
        output: `old_text occurs ${lines.length === 20 ? '20 or more' : lines.length} times in ${display}, at lines ${lines.join(', ')}; add surrounding lines so it is unique, or set replace_all.`,
        isError: true,
      };
    }
    const first = text.indexOf(input.old_text);
    const updated =
      input.replace_all === true
        ? text.split(input.old_text).join(input.new_text)
        : text.slice(0, first) + input.new_text + text.slice(first + input.old_text.length);
    await workspace.writeText(input.path, updated);
    readCache.forgetFile(display);
    const from = lineAt(updated, first);
    const to = from + Math.max(0, input.new_text.split('\n').length - 1);
    const count = input.replace_all === true ? lines.length : 1;
    const header = `Edited ${display}: replaced ${count} occurrence${count === 1 ? '' : 's'}${count > 1 ? ` (lines ${lines.join(', ')} before the edit; the first shown)` : ''}.`;
    const syntax = await syntaxNote(absolute, updated, context);
    return { output: `${header}\n${numberedRegion(updated, from, to)}${syntax}` };
  },
});

/** With `approval: required`, edits wait for the approved plan. */
export function planRefusal(context: ToolContext): ToolOutput | undefined {
  if (context.plan?.required !== true || context.plan.approved) return undefined;
  return {
    output:
      'Edits are not allowed yet: submit your plan with submit_plan first; once it is approved, edit as planned.',
    isError: true,
  };
}

function notFound(display: string, text: string, oldText: string): ToolOutput {
  const closest = closestMatch(text, oldText);
  const lines = [`old_text was not found in ${display}.`];
  if (closest?.whitespaceOnly) {
    lines.push(
      `It matches except for whitespace at line ${closest.line}; copy this exactly (without the line numbers):`,
    );
  } else if (closest) {
    lines.push(
      `The closest text (${Math.round(closest.similarity * 100)} % alike) is at line ${closest.line}:`,
    );
  } else {
    lines.push(
      'Nothing in the file is close to it; read the file again (read_file) and copy the text exactly.',
    );
  }
  if (closest) {
    const count = closest.text.split('\n').length;
    lines.push(numberedRegion(text, closest.line, closest.line + count - 1, 0));
  }
  return { output: lines.join('\n'), isError: true };
}

/** A line for the answer when the file no longer parses; empty when it does or cannot be checked. */
export async function syntaxNote(
  absolute: string,
  text: string,
  context: ToolContext,
): Promise<string> {
  const check = await checkSyntax(absolute, text, context.commandEnvironment);
  if (!check || check.ok) return '';
  return `\nWARNING: after this change the file does not parse (${check.checker}):\n${check.message}\nFix it unless you are in the middle of a multi-step change.`;
}
