/**
 * The small library every generated task repository holds, in Node, Python and Go: each function
 * with its correct line, a seeded bug of that line, and test cases. A task seeds one bug.
 */

/** Names of one function in each language. */
export interface FunctionNames {
  js: string;
  py: string;
  go: string;
}

/** One test case: arguments and the expected result (numbers, strings or booleans). */
export interface FunctionCase {
  args: (number | string)[];
  expected: number | boolean;
}

/** One line of a function body in each language (indentation included). */
export interface Lines {
  js: string;
  py: string;
  go: string;
}

export interface LibraryFunction {
  names: FunctionNames;
  /** Parameter names (same in every language) and their Go types. */
  params: string[];
  goParamTypes: string;
  goResult: 'int' | 'bool';
  /** The body; `{{LINE}}` marks the line the bug changes. */
  body: Lines;
  correct: Lines;
  buggy: Lines;
  cases: FunctionCase[];
}

export const LIBRARY: LibraryFunction[] = [
  {
    names: { js: 'add', py: 'add', go: 'Add' },
    params: ['a', 'b'],
    goParamTypes: 'a, b int',
    goResult: 'int',
    body: { js: '{{LINE}}', py: '{{LINE}}', go: '{{LINE}}' },
    correct: { js: '  return a + b;', py: '    return a + b', go: '\treturn a + b' },
    buggy: { js: '  return a - b;', py: '    return a - b', go: '\treturn a - b' },
    cases: [
      { args: [2, 3], expected: 5 },
      { args: [-1, 1], expected: 0 },
    ],
  },
  {
    names: { js: 'max2', py: 'max2', go: 'Max2' },
    params: ['a', 'b'],
    goParamTypes: 'a, b int',
    goResult: 'int',
    body: {
      js: '{{LINE}}\n    return a;\n  }\n  return b;',
      py: '{{LINE}}\n        return a\n    return b',
      go: '{{LINE}}\n\t\treturn a\n\t}\n\treturn b',
    },
    correct: { js: '  if (a > b) {', py: '    if a > b:', go: '\tif a > b {' },
    buggy: { js: '  if (a < b) {', py: '    if a < b:', go: '\tif a < b {' },
    cases: [
      { args: [4, 9], expected: 9 },
      { args: [7, 2], expected: 7 },
    ],
  },
  {
    names: { js: 'clamp', py: 'clamp', go: 'Clamp' },
    params: ['x', 'lo', 'hi'],
    goParamTypes: 'x, lo, hi int',
    goResult: 'int',
    body: {
      js: '  if (x < lo) {\n    return lo;\n  }\n  if (x > hi) {\n{{LINE}}\n  }\n  return x;',
      py: '    if x < lo:\n        return lo\n    if x > hi:\n{{LINE}}\n    return x',
      go: '\tif x < lo {\n\t\treturn lo\n\t}\n\tif x > hi {\n{{LINE}}\n\t}\n\treturn x',
    },
    correct: { js: '    return hi;', py: '        return hi', go: '\t\treturn hi' },
    buggy: { js: '    return lo;', py: '        return lo', go: '\t\treturn lo' },
    cases: [
      { args: [15, 0, 10], expected: 10 },
      { args: [5, 0, 10], expected: 5 },
      { args: [-3, 0, 10], expected: 0 },
    ],
  },
  {
    names: { js: 'factorial', py: 'factorial', go: 'Factorial' },
    params: ['n'],
    goParamTypes: 'n int',
    goResult: 'int',
    body: {
      js: '  let result = 1;\n{{LINE}}\n    result *= i;\n  }\n  return result;',
      py: '    result = 1\n{{LINE}}\n        result *= i\n    return result',
      go: '\tresult := 1\n{{LINE}}\n\t\tresult *= i\n\t}\n\treturn result',
    },
    correct: {
      js: '  for (let i = 2; i <= n; i += 1) {',
      py: '    for i in range(2, n + 1):',
      go: '\tfor i := 2; i <= n; i++ {',
    },
    buggy: {
      js: '  for (let i = 2; i < n; i += 1) {',
      py: '    for i in range(2, n):',
      go: '\tfor i := 2; i < n; i++ {',
    },
    cases: [
      { args: [5], expected: 120 },
      { args: [1], expected: 1 },
    ],
  },
  {
    names: { js: 'sumTo', py: 'sum_to', go: 'SumTo' },
    params: ['n'],
    goParamTypes: 'n int',
    goResult: 'int',
    body: {
      js: '  let total = 0;\n{{LINE}}\n    total += i;\n  }\n  return total;',
      py: '    total = 0\n{{LINE}}\n        total += i\n    return total',
      go: '\ttotal := 0\n{{LINE}}\n\t\ttotal += i\n\t}\n\treturn total',
    },
    correct: {
      js: '  for (let i = 1; i <= n; i += 1) {',
      py: '    for i in range(1, n + 1):',
      go: '\tfor i := 1; i <= n; i++ {',
    },
    buggy: {
      js: '  for (let i = 1; i < n; i += 1) {',
      py: '    for i in range(1, n):',
      go: '\tfor i := 1; i < n; i++ {',
    },
    cases: [
      { args: [3], expected: 6 },
      { args: [10], expected: 55 },
    ],
  },
  {
    names: { js: 'isEven', py: 'is_even', go: 'IsEven' },
    params: ['n'],
    goParamTypes: 'n int',
    goResult: 'bool',
    body: { js: '{{LINE}}', py: '{{LINE}}', go: '{{LINE}}' },
    correct: { js: '  return n % 2 === 0;', py: '    return n % 2 == 0', go: '\treturn n%2 == 0' },
    buggy: { js: '  return n % 2 === 1;', py: '    return n % 2 == 1', go: '\treturn n%2 == 1' },
    cases: [
      { args: [4], expected: true },
      { args: [7], expected: false },
    ],
  },
  {
    names: { js: 'absDiff', py: 'abs_diff', go: 'AbsDiff' },
    params: ['a', 'b'],
    goParamTypes: 'a, b int',
    goResult: 'int',
    body: {
      js: '  if (a > b) {\n    return a - b;\n  }\n{{LINE}}',
      py: '    if a > b:\n        return a - b\n{{LINE}}',
      go: '\tif a > b {\n\t\treturn a - b\n\t}\n{{LINE}}',
    },
    correct: { js: '  return b - a;', py: '    return b - a', go: '\treturn b - a' },
    buggy: { js: '  return a - b;', py: '    return a - b', go: '\treturn a - b' },
    cases: [
      { args: [2, 9], expected: 7 },
      { args: [9, 2], expected: 7 },
    ],
  },
  {
    names: { js: 'sign', py: 'sign', go: 'Sign' },
    params: ['n'],
    goParamTypes: 'n int',
    goResult: 'int',
    body: {
      js: '  if (n < 0) {\n    return -1;\n  }\n{{LINE}}\n    return 1;\n  }\n  return 0;',
      py: '    if n < 0:\n        return -1\n{{LINE}}\n        return 1\n    return 0',
      go: '\tif n < 0 {\n\t\treturn -1\n\t}\n{{LINE}}\n\t\treturn 1\n\t}\n\treturn 0',
    },
    correct: { js: '  if (n > 0) {', py: '    if n > 0:', go: '\tif n > 0 {' },
    buggy: { js: '  if (n >= 0) {', py: '    if n >= 0:', go: '\tif n >= 0 {' },
    cases: [
      { args: [0], expected: 0 },
      { args: [5], expected: 1 },
      { args: [-5], expected: -1 },
    ],
  },
  {
    names: { js: 'countVowels', py: 'count_vowels', go: 'CountVowels' },
    params: ['s'],
    goParamTypes: 's string',
    goResult: 'int',
    body: {
      js: '{{LINE}}\n  let count = 0;\n  for (const c of s.toLowerCase()) {\n    if (vowels.includes(c)) count += 1;\n  }\n  return count;',
      py: '{{LINE}}\n    return sum(1 for c in s.lower() if c in vowels)',
      go: '{{LINE}}\n\tcount := 0\n\tfor _, c := range strings.ToLower(s) {\n\t\tif strings.ContainsRune(vowels, c) {\n\t\t\tcount++\n\t\t}\n\t}\n\treturn count',
    },
    correct: {
      js: "  const vowels = 'aeiou';",
      py: "    vowels = 'aeiou'",
      go: '\tvowels := "aeiou"',
    },
    buggy: { js: "  const vowels = 'aeio';", py: "    vowels = 'aeio'", go: '\tvowels := "aeio"' },
    cases: [
      { args: ['queue'], expected: 4 },
      { args: ['sky'], expected: 0 },
    ],
  },
  {
    names: { js: 'fib', py: 'fib', go: 'Fib' },
    params: ['n'],
    goParamTypes: 'n int',
    goResult: 'int',
    body: {
      js: '  let a = 0;\n  let b = 1;\n{{LINE}}\n    [a, b] = [b, a + b];\n  }\n  return a;',
      py: '    a, b = 0, 1\n{{LINE}}\n        a, b = b, a + b\n    return a',
      go: '\ta, b := 0, 1\n{{LINE}}\n\t\ta, b = b, a+b\n\t}\n\treturn a',
    },
    correct: {
      js: '  for (let i = 0; i < n; i += 1) {',
      py: '    for _ in range(n):',
      go: '\tfor i := 0; i < n; i++ {',
    },
    buggy: {
      js: '  for (let i = 1; i < n; i += 1) {',
      py: '    for _ in range(n - 1):',
      go: '\tfor i := 1; i < n; i++ {',
    },
    cases: [
      { args: [10], expected: 55 },
      { args: [1], expected: 1 },
    ],
  },
  {
    names: { js: 'percent', py: 'percent', go: 'Percent' },
    params: ['part', 'whole'],
    goParamTypes: 'part, whole int',
    goResult: 'int',
    body: { js: '{{LINE}}', py: '{{LINE}}', go: '{{LINE}}' },
    correct: {
      js: '  return Math.floor((part * 100) / whole);',
      py: '    return part * 100 // whole',
      go: '\treturn part * 100 / whole',
    },
    buggy: {
      js: '  return Math.floor((whole * 100) / part);',
      py: '    return whole * 100 // part',
      go: '\treturn whole * 100 / part',
    },
    cases: [
      { args: [1, 4], expected: 25 },
      { args: [3, 3], expected: 100 },
    ],
  },
];
