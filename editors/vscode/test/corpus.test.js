'use strict';
// Every .sqltest file of the repository's examples and of the development
// corpus tokenizes with no `invalid` scope, and every line that starts a
// top-level item starts in that item's keyword scope: a block whose state
// leaked would show as SQL, rows or a regex on the next item's line.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tokenize } = require('./support/tokenize');
const { topLevelItems } = require('./support/toplevel');

const REPO = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES = path.join(REPO, 'examples');
const CORPUS = process.env.SQLTEST_CORPUS || path.join(REPO, '..', 'shared', 'corpus');
const IN_CI = ['1', 'true'].includes((process.env.CI || '').toLowerCase());

function sqltestFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith('.sqltest'))
    .sort()
    .map((name) => path.join(dir, name));
}

function keywordScope(word) {
  if (word.startsWith('@')) return `keyword.other.directive.${word.slice(1)}.sqltest`;
  if (word === 'snapshot-eqp') return 'keyword.other.snapshot.sqltest';
  return `keyword.other.${word}.sqltest`;
}

async function checkFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = await tokenize(text);
  const where = path.relative(REPO, file);
  for (const token of lines.flat()) {
    const bad = token.scopes.find((scope) => scope.includes('invalid'));
    assert.equal(bad, undefined, `${where}:${token.line}:${token.column}: ${JSON.stringify(token.text)} is ${bad}`);
  }
  const items = topLevelItems(text);
  for (const { line, column, word } of items) {
    const token = lines[line - 1].find((t) => t.column === column);
    const scopes = token ? token.scopes.join(' ') : '(no token starts there)';
    assert.ok(
      token && token.text.startsWith(word) && token.scopes.at(-1) === keywordScope(word),
      `${where}:${line}:${column}: \`${word}\` is not in ${keywordScope(word)}: ${scopes}`,
    );
    assert.ok(!scopes.includes('meta.block'), `${where}:${line}: \`${word}\` is inside a block: ${scopes}`);
  }
  return items.length;
}

function fileSuite(name, dir, { required }) {
  const present = fs.existsSync(dir);
  const skip = !present && !required ? `${dir} does not exist` : false;
  test(name, { skip }, async (t) => {
    assert.ok(present, `${dir} does not exist`);
    const files = sqltestFiles(dir);
    assert.ok(files.length > 0, `no .sqltest file under ${dir}`);
    let items = 0;
    for (const file of files) items += await checkFile(file);
    t.diagnostic(`${files.length} files, ${items} top-level items`);
  });
}

fileSuite('examples tokenize cleanly', EXAMPLES, { required: true });
fileSuite('the development corpus tokenizes cleanly', CORPUS, { required: IN_CI });
