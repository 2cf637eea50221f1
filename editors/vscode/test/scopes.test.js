'use strict';
// Scope assertions on a table of snippets, in the manner of VS Code's own
// grammar tests: each row is a source text and, in order, tokens of it with a
// scope (or list of scopes) each must carry. Tokens not listed are not
// checked.

const test = require('node:test');
const assert = require('node:assert/strict');
const { tokenize } = require('./support/tokenize');

const SQL = 'meta.embedded.block.sql';

const CASES = [
  {
    name: 'comment',
    source: '# a comment {',
    expect: [['#', 'punctuation.definition.comment.sqltest'], [' a comment {', 'comment.line.number-sign.sqltest']],
  },
  {
    name: 'database kinds',
    source: '@database :memory:\n@database :default-no-rowidalias:\n@database data/app.db readonly',
    expect: [
      ['@database', 'keyword.other.directive.database.sqltest'],
      [':memory:', 'constant.language.database.sqltest'],
      ['@database', 'keyword.other.directive.database.sqltest'],
      [':default-no-rowidalias:', 'constant.language.database.sqltest'],
      ['data/app.db', 'string.unquoted.path.sqltest'],
      ['readonly', 'storage.modifier.readonly.sqltest'],
    ],
  },
  {
    name: 'file directives',
    source: '@skip-file-if mvcc "no mvcc"\n@requires-file strict "needs strict"\n@skip-file "later"',
    expect: [
      ['@skip-file-if', 'keyword.other.directive.skip-file-if.sqltest'],
      ['mvcc', 'constant.language.condition.sqltest'],
      ['no mvcc', 'string.quoted.double.sqltest'],
      ['@requires-file', 'keyword.other.directive.requires-file.sqltest'],
      ['strict', 'constant.language.capability.sqltest'],
      ['@skip-file', 'keyword.other.directive.skip-file.sqltest'],
      ['"', 'punctuation.definition.string.begin.sqltest'],
    ],
  },
  {
    name: 'setup block is SQL',
    source: 'setup users {\n    CREATE TABLE users (id INTEGER);\n}',
    expect: [
      ['setup', 'keyword.other.setup.sqltest'],
      ['users', 'entity.name.function.setup.sqltest'],
      ['{', 'punctuation.section.block.begin.sqltest'],
      ['CREATE', [SQL, 'source.sql', 'keyword.other.create.sql']],
      ['INTEGER', 'storage.type.sql'],
      ['}', 'punctuation.section.block.end.sqltest'],
    ],
  },
  {
    name: 'decorators on one line',
    source: '@setup a @skip-if sqlite "why" @requires trigger "t" @backend js @cross-check-integrity test t {\n}',
    expect: [
      ['@setup', 'keyword.other.directive.setup.sqltest'],
      ['a', 'entity.name.function.setup.sqltest'],
      ['@skip-if', 'keyword.other.directive.skip-if.sqltest'],
      ['sqlite', 'constant.language.condition.sqltest'],
      ['why', 'string.quoted.double.sqltest'],
      ['@requires', 'keyword.other.directive.requires.sqltest'],
      ['trigger', 'constant.language.capability.sqltest'],
      ['@backend', 'keyword.other.directive.backend.sqltest'],
      ['js', 'support.constant.backend.sqltest'],
      ['@cross-check-integrity', 'keyword.other.directive.cross-check-integrity.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
      ['t', 'entity.name.function.test.sqltest'],
    ],
  },
  {
    name: 'skip with escaped quote',
    source: '@skip "say \\"no\\""\ntest t {}',
    expect: [
      ['@skip', 'keyword.other.directive.skip.sqltest'],
      ['\\"', 'constant.character.escape.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
    ],
  },
  {
    name: 'default expectation rows',
    source: 'expect {\n    1|a\n}',
    expect: [
      ['expect', 'keyword.other.expect.sqltest'],
      ['    1', 'string.unquoted.expectation.rows.sqltest'],
      ['|', 'punctuation.separator.column.sqltest'],
      ['}', 'punctuation.section.block.end.sqltest'],
    ],
  },
  {
    name: 'expectation modes and backend overrides',
    source: 'expect @js raw {\nx\n}\nexpect unordered { 2 }\nexpect @pg error {\n}',
    expect: [
      ['@js', 'support.constant.backend.sqltest'],
      ['raw', 'storage.modifier.mode.raw.sqltest'],
      ['x', 'string.unquoted.expectation.raw.sqltest'],
      ['unordered', 'storage.modifier.mode.unordered.sqltest'],
      [' 2 ', 'string.unquoted.expectation.unordered.sqltest'],
      ['@pg', 'support.constant.backend.sqltest'],
      ['error', 'storage.modifier.mode.error.sqltest'],
    ],
  },
  {
    name: 'pattern body is a regex',
    source: 'expect pattern {\n    ^3\\.\\d+ (a|b)* [0-9]{2}$\n}',
    expect: [
      ['pattern', 'storage.modifier.mode.pattern.sqltest'],
      ['^', ['keyword.control.anchor.regexp', 'string.regexp.expectation.pattern.sqltest']],
      ['\\.', 'constant.character.escape.regexp'],
      ['\\d', 'constant.character.escape.regexp'],
      ['+', 'keyword.operator.quantifier.regexp'],
      ['(', 'punctuation.definition.group.regexp'],
      ['|', 'keyword.operator.or.regexp'],
      ['*', 'keyword.operator.quantifier.regexp'],
      ['[0-9]', 'constant.other.character-class.set.regexp'],
      ['{2}', 'keyword.operator.quantifier.regexp'],
      ['$', 'keyword.control.anchor.regexp'],
    ],
  },
  {
    name: 'error body is a regex',
    source: 'expect error {\n    no such table: .*\n}',
    expect: [
      ['    no such table: ', 'string.regexp.expectation.error.sqltest'],
      ['.', 'constant.character.wildcard.regexp'],
    ],
  },
  {
    name: 'snapshots',
    source: 'snapshot-eqp plan {\n    SELECT 1;\n}\nsnapshot full { SELECT 2 }',
    expect: [
      ['snapshot-eqp', 'keyword.other.snapshot.sqltest'],
      ['plan', 'entity.name.function.snapshot.sqltest'],
      ['SELECT', SQL],
      ['snapshot', 'keyword.other.snapshot.sqltest'],
      ['full', 'entity.name.function.snapshot.sqltest'],
      ['SELECT', SQL],
    ],
  },
  {
    name: 'matrix variables',
    source: '@var mode { ROWS | RANGE }\nmatrix win {\n    SELECT $mode;\n}',
    expect: [
      ['@var', 'keyword.other.directive.var.sqltest'],
      ['mode', 'variable.parameter.matrix.sqltest'],
      [' ROWS ', 'string.unquoted.matrix-value.sqltest'],
      ['|', 'punctuation.separator.value.sqltest'],
      ['matrix', 'keyword.other.matrix.sqltest'],
      ['win', 'entity.name.function.matrix.sqltest'],
      ['$mode', 'variable.other.matrix.sqltest'],
    ],
  },
  {
    name: 'macros',
    source: 'test m {\n    SELECT 0{{repeat:3: OR 1}}, {{expr_depth_limit - 1}};\n}',
    expect: [
      ['{{', 'punctuation.definition.macro.begin.sqltest'],
      ['repeat', 'keyword.other.macro.repeat.sqltest'],
      ['3', 'constant.numeric.integer.sqltest'],
      [' OR 1', 'string.unquoted.macro.text.sqltest'],
      ['}}', 'punctuation.definition.macro.end.sqltest'],
      ['expr_depth_limit', 'variable.language.expr-depth-limit.sqltest'],
      ['-', 'keyword.operator.arithmetic.sqltest'],
    ],
  },
  {
    name: 'escapes and nested braces in SQL',
    source: "test j {\n    SELECT '\\{', json('{\"a\": {}}') -- a {b}\n}\ntest after {}",
    expect: [
      ['\\{', ['constant.character.escape.block.sqltest', 'string.quoted.single.sql']],
      ['"a": ', 'string.quoted.single.sql'],
      ['b', 'comment.line.double-dash.sql'],
      ['}', 'comment.line.double-dash.sql'],
      ['}', 'punctuation.section.block.end.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
    ],
  },
  {
    name: 'a brace closes the block even inside SQL text',
    source: "test broken { SELECT '}\ntest next {}",
    expect: [
      ["'", 'punctuation.definition.string.begin.sql'],
      ['}', 'punctuation.section.block.end.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
      ['next', 'entity.name.function.test.sqltest'],
    ],
  },
  {
    name: 'an unclosed comment or string stops at the block end',
    source: 'setup s {\n    /* open\n}\ntest t {\n    SELECT "x\n}\nexpect {}',
    expect: [
      ['/*', 'comment.block.sql'],
      ['}', 'punctuation.section.block.end.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
      ['"', 'string.quoted.double.sql'],
      ['}', 'punctuation.section.block.end.sqltest'],
      ['expect', 'keyword.other.expect.sqltest'],
    ],
  },
  {
    name: 'hash and slash inside SQL do not start comments or regexes',
    source: 'test h {\n    # not a comment }\ntest d { SELECT 4/2, 6/3 }\nexpect { 2 }',
    expect: [
      ['}', 'punctuation.section.block.end.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
      ['/', 'keyword.operator.math.sql'],
      ['}', 'punctuation.section.block.end.sqltest'],
      ['expect', 'keyword.other.expect.sqltest'],
    ],
  },
  {
    name: 'a missing block does not swallow the next lines',
    source: 'test t\n{\n}\ntest u {}',
    expect: [
      ['test', 'keyword.other.test.sqltest'],
      ['{', 'punctuation.section.block.begin.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
    ],
  },
  {
    name: 'unknown directive',
    source: '@skipif mvcc "x"',
    expect: [['@skipif', 'invalid.illegal.directive.sqltest']],
  },
  {
    name: 'keyword-like names stay names',
    source: '@setup test-data\ntest error-handling {}',
    expect: [
      ['test-data', 'entity.name.function.setup.sqltest'],
      ['test', 'keyword.other.test.sqltest'],
      ['error-handling', 'entity.name.function.test.sqltest'],
    ],
  },
];

function describeTokens(tokens) {
  return tokens.map((t) => `${JSON.stringify(t.text)} ${t.scopes.join(' ')}`).join('\n');
}

for (const { name, source, expect } of CASES) {
  test(name, async () => {
    const tokens = (await tokenize(source)).flat();
    let at = 0;
    for (const [text, scope] of expect) {
      const index = tokens.findIndex((t, i) => i >= at && t.text === text);
      assert.ok(index >= 0, `no token ${JSON.stringify(text)} after token ${at} in:\n${describeTokens(tokens)}`);
      for (const wanted of [scope].flat()) {
        assert.ok(
          tokens[index].scopes.includes(wanted),
          `${JSON.stringify(text)} (line ${tokens[index].line}) lacks ${wanted}:\n${describeTokens(tokens)}`,
        );
      }
      at = index + 1;
    }
  });
}
