'use strict';
// The extension: the grammar and language configuration work on their own
// (package.json declares them); this adds the pytest-sqltest language server
// when a Python that can import it is found, and stays quiet otherwise.

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
const { SERVER_ARGS, findServerPython } = require('./server');

let client = null;
let output = null;

async function start() {
  const config = vscode.workspace.getConfiguration('sqltest.server');
  if (!config.get('enabled', true)) {
    output.appendLine('The language server is disabled (sqltest.server.enabled).');
    return;
  }
  const folders = (vscode.workspace.workspaceFolders || []).map((folder) => folder.uri.fsPath);
  const python = await findServerPython({ setting: config.get('python', ''), folders }, (line) =>
    output.appendLine(line),
  );
  if (!python) {
    output.appendLine(
      "No Python with pytest-sqltest[lsp] found: highlighting only. Install it with `pip install 'pytest-sqltest[lsp]'` or set sqltest.server.python.",
    );
    return;
  }
  output.appendLine(`Starting ${python} ${SERVER_ARGS.join(' ')}`);
  client = new LanguageClient(
    'sqltest',
    'sqltest language server',
    { command: python, args: SERVER_ARGS, transport: TransportKind.stdio },
    { documentSelector: [{ language: 'sqltest' }], outputChannel: output },
  );
  await client.start();
}

async function stop() {
  if (client) {
    const running = client;
    client = null;
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('sqltest');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('sqltest.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('sqltest.server')) restart();
    }),
  );
  try {
    await start();
  } catch (error) {
    output.appendLine(`The language server did not start: ${error}`);
  }
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
