'use strict';
// Finding a Python that can run the pytest-sqltest language server. Kept free
// of the `vscode` module so that it can be tested with plain node.

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The arguments that start the server over stdio. */
const SERVER_ARGS = ['-m', 'pytest_sqltest', 'lsp'];

// Importing both proves the package is new enough to have a server and that
// the optional `lsp` extra (pygls) is installed.
const PROBE = ['-c', 'import pygls, pytest_sqltest.lsp'];

function expand(setting, folders) {
  const folder = folders[0] || '';
  let value = setting.replace(/\$\{workspaceFolder\}/g, folder);
  if (value === '~' || value.startsWith('~/')) value = path.join(os.homedir(), value.slice(1));
  return value;
}

/**
 * Interpreters to try, best first: the configured one alone when there is
 * one, else each workspace folder's `.venv` or `venv`, then the PATH's.
 */
function candidates({ setting = '', folders = [], platform = process.platform }) {
  if (setting.trim()) return [expand(setting.trim(), folders)];
  const relative = platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python'];
  const found = [];
  for (const folder of folders) {
    for (const venv of ['.venv', 'venv']) {
      const python = path.join(folder, venv, ...relative);
      if (fs.existsSync(python)) found.push(python);
    }
  }
  return found.concat(platform === 'win32' ? ['python', 'py'] : ['python3', 'python']);
}

/** Whether `python` runs and can import the server. */
function probe(python, timeout = 15000) {
  return new Promise((resolve) => {
    execFile(python, PROBE, { timeout }, (error) => resolve(!error));
  });
}

/** The first candidate that can run the server, or `null`. */
async function findServerPython(options, log = () => {}) {
  for (const python of candidates(options)) {
    if (await probe(python)) return python;
    log(`${python}: cannot import pytest_sqltest.lsp and pygls`);
  }
  return null;
}

module.exports = { SERVER_ARGS, candidates, findServerPython, probe };
