'use strict';
// Which Python the extension starts the language server with.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { candidates, findServerPython } = require('../server');

function workspaceWith(...venvs) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sqltest-ws-'));
  for (const venv of venvs) {
    fs.mkdirSync(path.join(root, venv, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(root, venv, 'bin', 'python'), '');
  }
  return root;
}

const ROWS = [
  {
    name: 'the setting alone, with ${workspaceFolder} expanded',
    folders: ['/w'],
    setting: '${workspaceFolder}/.venv/bin/python',
    want: () => ['/w/.venv/bin/python'],
  },
  { name: 'no venv: the PATH', folders: [], setting: '', want: () => ['python3', 'python'] },
  {
    name: '.venv before venv before the PATH',
    venvs: ['venv', '.venv'],
    setting: '  ',
    want: (root) => [`${root}/.venv/bin/python`, `${root}/venv/bin/python`, 'python3', 'python'],
  },
];

for (const row of ROWS) {
  test(`candidates: ${row.name}`, () => {
    const root = row.venvs ? workspaceWith(...row.venvs) : null;
    const folders = root ? [root] : row.folders;
    assert.deepEqual(candidates({ setting: row.setting, folders, platform: 'linux' }), row.want(root));
  });
}

test('a missing interpreter is passed over', async () => {
  const missing = path.join(os.tmpdir(), 'no-such-dir', 'python');
  const lines = [];
  assert.equal(await findServerPython({ setting: missing }, (line) => lines.push(line)), null);
  assert.match(lines[0], /cannot import/);
});

// Set by the Python test suite to the interpreter that has the package.
const PYTHON = process.env.SQLTEST_PYTHON;

test('the interpreter that has the package is found', { skip: !PYTHON && 'SQLTEST_PYTHON is not set' }, async () => {
  assert.equal(await findServerPython({ setting: PYTHON }), PYTHON);
});
